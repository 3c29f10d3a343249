"""The citizen's passkeys page: list, rename, remove; and the offer after sign-up."""

from sqlalchemy import select

from extensions import db
from models import Passkey
from tests.api.passkey_flow import register, stored
from tests.conftest import Api, csrf_from, make_citizen
from tests.helpers import sign_in_as

PAGE = "/tai-khoan/khoa-dang-nhap"


def test_the_page_lists_each_passkey_with_its_name_and_dates(api):
    register(api, name="Điện thoại của Lan")
    register(api, name="Máy tính bảng")
    page = api.client.get(PAGE)
    assert page.status_code == 200
    assert "Điện thoại của Lan" in page.text and "Máy tính bảng" in page.text
    assert page.text.count("Tạo lúc") == 2
    assert page.text.count("Chưa dùng lần nào") == 2


def test_a_passkey_can_be_renamed(app, api):
    key = register(api)
    passkey_id = stored(app, key).id
    token = csrf_from(api.client.get(PAGE).text)
    api.client.post(f"{PAGE}/{passkey_id}/doi-ten", data={"csrf_token": token, "name": "Cũ"})
    assert stored(app, key).name == "Cũ"
    assert "Đã đổi tên khóa" in api.client.get(PAGE).text


def test_removing_the_last_passkey_says_the_sms_code_is_back(app, api):
    key = register(api)
    passkey_id = stored(app, key).id
    token = csrf_from(api.client.get(PAGE).text)
    response = api.client.post(f"{PAGE}/{passkey_id}/xoa", data={"csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Passkey)).all() == []
    assert "mã SMS" in api.client.get(PAGE).text


def test_removing_needs_the_csrf_token(app, api):
    key = register(api)
    api.client.post(f"{PAGE}/{stored(app, key).id}/xoa")
    assert stored(app, key) is not None


def test_a_citizen_cannot_touch_another_citizens_passkey(app, api):
    key = register(api)
    other = app.test_client()
    sign_in_as(app, other, citizen_id=make_citizen(app, "+84987654321"))
    token = other.get("/api/v1/csrf-token").get_json()["token"]
    passkey_id = stored(app, key).id
    other.post(f"{PAGE}/{passkey_id}/xoa", data={"csrf_token": token})
    other.post(f"{PAGE}/{passkey_id}/doi-ten", data={"csrf_token": token, "name": "Của tôi"})
    assert stored(app, key).name == "Điện thoại của Lan"
    assert "Điện thoại của Lan" not in other.get(PAGE).text


def test_the_page_needs_signing_in(client):
    assert client.get(PAGE).status_code == 302


def test_the_offer_is_skipped_once_the_citizen_has_a_passkey(api):
    register(api)
    with api.client.session_transaction() as session:
        session["next"] = "/ho-so"
    response = api.client.get("/tai-khoan/tao-khoa-dang-nhap")
    assert response.status_code == 302 and response.headers["Location"] == "/ho-so"


def test_the_wizard_knows_whether_to_confirm_with_a_passkey(app, citizen_client):
    wizard = "/ho-so/moi?xa=05665&nhom=khai-sinh"
    assert 'data-passkey="khong"' in citizen_client.get(wizard).text
    register(Api(citizen_client))
    assert 'data-passkey="co"' in citizen_client.get(wizard).text
