"""One draft per intent (issue 16): an unfinished draft of the same group is
offered before a new one; drafts are listed with whose they are and when they
were last changed, and can be deleted with their photos."""

import html
import re
from pathlib import Path

from sqlalchemy import func, select

from extensions import db
from models import Draft, Upload
from tests.api.flow import upload_page
from tests.conftest import make_citizen
from tests.helpers import new_draft_id, sign_in_as

NEW_DEATH = "/ho-so/moi?xa=05665&nhom=khai-tu"


def start_draft(api, group_id="khai-tu", answers=None) -> str:
    draft_id = new_draft_id()
    response = api.put(
        f"/drafts/{draft_id}",
        json={
            "commune_code": "05665",
            "group_id": group_id,
            "procedure_ids": ["dang-ky-khai-tu", "xoa-thuong-tru"]
            if group_id == "khai-tu"
            else ["dang-ky-khai-sinh", "cap-the-bhyt"],
            "answers": answers or {},
        },
    )
    assert response.status_code == 201, response.get_json()
    return draft_id


def text(response) -> str:
    return html.unescape(response.text)


def test_scanning_the_qr_again_offers_the_unfinished_draft_of_that_group(api, citizen_client):
    draft_id = start_draft(api, answers={"nguoi-mat.ho_ten": "Trần Văn Bình"})
    page = text(citizen_client.get(NEW_DEATH))
    assert "đang khai dở" in page
    assert "Người mất: Trần Văn Bình" in page
    assert f"/ho-so/nhap/{draft_id}" in page
    assert "sửa lần cuối lúc" in page
    # Starting anew is still one tap away, and then opens the wizard.
    assert "Bắt đầu hồ sơ mới" in page
    fresh = citizen_client.get(NEW_DEATH + "&moi=1")
    assert 'id="wizard"' in fresh.text


def test_a_blank_draft_of_that_group_is_simply_opened_again(api, citizen_client):
    draft_id = start_draft(api)
    again = citizen_client.get(NEW_DEATH)
    assert again.status_code == 302
    assert again.headers["Location"] == f"/ho-so/nhap/{draft_id}"


def test_a_draft_of_the_other_group_does_not_stand_in_the_way(api, citizen_client):
    start_draft(api, "khai-sinh")
    assert 'id="wizard"' in citizen_client.get(NEW_DEATH).text


def test_my_dossiers_names_each_draft_by_its_person(api, citizen_client):
    start_draft(api, answers={"nguoi-mat.ho_ten": "Trần Văn Bình"})
    start_draft(api, "khai-sinh", {"tre.ho": "Lê", "tre.chu_dem": "Thị", "tre.ten": "Mai"})
    start_draft(api)
    page = text(citizen_client.get("/ho-so"))
    assert "Liên thông khai tử: Người mất: Trần Văn Bình" in page
    assert "Liên thông khai sinh: Trẻ: Lê Thị Mai" in page
    assert "Liên thông khai tử: Người mất: chưa khai tên" in page
    # Each delete button says which draft it deletes.
    assert 'aria-label="Xóa hồ sơ Liên thông khai tử, Người mất: Trần Văn Bình"' in page


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_deleting_a_draft_removes_it_and_its_photos(api, app, citizen_client):
    draft_id = start_draft(api)
    assert upload_page(api, draft_id, "giay-bao-tu").status_code == 201
    with app.app_context():
        key = db.session.scalars(select(Upload.storage_key)).one()
    stored = Path(app.config["UPLOAD_DIR"])
    assert list(stored.rglob(key))
    token = csrf_of(citizen_client.get("/ho-so").text)
    response = citizen_client.post(f"/ho-so/nhap/{draft_id}/xoa", data={"csrf_token": token})
    assert response.status_code == 302
    page = text(citizen_client.get("/ho-so"))
    assert "Đã xóa hồ sơ đang khai dở" in page
    assert f'data-deleted-draft="{draft_id}"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 0
        assert db.session.scalar(select(func.count()).select_from(Upload)) == 0
    assert not list(stored.rglob(key))


def test_a_draft_is_deleted_only_by_its_owner_and_only_with_the_forms_token(
    api, app, citizen_client
):
    draft_id = start_draft(api)
    assert citizen_client.post(f"/ho-so/nhap/{draft_id}/xoa").status_code == 400
    other = app.test_client()
    sign_in_as(app, other, citizen_id=make_citizen(app, "+84987654321"))
    token = csrf_of(other.get("/ho-so").text)
    refused = other.post(f"/ho-so/nhap/{draft_id}/xoa", data={"csrf_token": token})
    assert refused.status_code == 404
    with app.app_context():
        assert db.session.get(Draft, draft_id) is not None
