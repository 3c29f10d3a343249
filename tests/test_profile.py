"""Each fact once, with consent (issue 16): the citizen's own details are kept
with the account only when asked, shown and deletable on /tai-khoan/du-lieu,
and every page names the personal-data rules."""

import html
import re

from extensions import db
from models import Citizen

DETAILS = {
    "nguoi-yeu-cau.ho_ten": "Nguyễn Thị Lan",
    "nguoi-yeu-cau.noi_cu_tru_xa": "05665",
    "nguoi-yeu-cau.noi_cu_tru_dia_chi": "Số 12, thôn Làng Mới",
}


def text(response) -> str:
    return html.unescape(response.text)


def test_nothing_is_kept_until_the_citizen_asks(api, app):
    assert api.get("/account/profile").get_json() == {
        "consent": False,
        "answers": {},
        "communes": [],
    }


def test_kept_details_come_back_with_the_commune_first_and_can_be_deleted(api, app):
    saved = api.put("/account/profile", json={"answers": DETAILS})
    assert saved.status_code == 200, saved.get_json()
    body = api.get("/account/profile").get_json()
    assert body["consent"] is True
    assert body["answers"] == DETAILS
    assert body["communes"][0]["code"] == "05665"
    assert api.delete("/account/profile").get_json()["consent"] is False
    with app.app_context():
        citizen = db.session.get(Citizen, api.client.citizen_id)
        assert citizen.profile is None and citizen.profile_consent_at is None


def test_a_bad_value_or_someone_elses_field_is_refused_and_nothing_kept(api, app):
    bad = api.put("/account/profile", json={"answers": {"nguoi-yeu-cau.so_dinh_danh": "12"}})
    assert bad.status_code == 422
    assert "12 chữ số" in bad.get_json()["error"]["fields"]["nguoi-yeu-cau.so_dinh_danh"]
    other = api.put("/account/profile", json={"answers": {"me.ho_ten": "Lan"}})
    assert other.status_code == 422
    assert api.get("/account/profile").get_json()["consent"] is False


def test_the_data_page_shows_what_is_kept_and_deletes_it(api, citizen_client):
    api.put("/account/profile", json={"answers": DETAILS})
    page = text(citizen_client.get("/tai-khoan/du-lieu"))
    assert "Nghị định 13/2023/NĐ-CP" in page and "91/2025/QH15" in page
    assert "Nguyễn Thị Lan" in page and "Xã Văn Lăng" in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    citizen_client.post("/tai-khoan/du-lieu/xoa-thong-tin", data={"csrf_token": token})
    after = text(citizen_client.get("/tai-khoan/du-lieu"))
    assert "Đã xóa thông tin của bạn đã lưu" in after
    assert "Nguyễn Thị Lan" not in after


def test_the_first_sign_in_page_carries_the_personal_data_notice(client):
    page = text(client.get("/dang-nhap/so-dien-thoai"))
    assert "Nghị định 13/2023/NĐ-CP" in page
    assert "Luật Bảo vệ dữ liệu cá nhân 2025" in page


def test_every_citizen_page_offers_my_dossiers_when_signed_in(citizen_client, client):
    for path in ("/", "/x/05665", "/theo-doi", "/dang-nhap/vneid"):
        assert "Hồ sơ của tôi" in text(citizen_client.get(path)), path
