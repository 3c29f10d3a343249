"""The commune admin manages the commune's officers in the app: list, create,
deactivate, reset a password or the passkeys; each change is in the audit log and
a reset or a deactivation ends that officer's sessions at once."""

import re
import uuid

import pytest

from commands import enable_commune
from extensions import db
from models import Officer, OfficerAudit, Passkey
from tests.office.helpers import create_officer, csrf_of, officer_client
from tests.office.test_accounts import sign_in


@pytest.fixture
def admin(app):
    return officer_client(app, "quan-tri")


@pytest.fixture
def hoa(app):
    """Hoa of the justice desk, signed in with her password."""
    with app.app_context():
        officer_id = create_officer("tu-phap", username="hoa").id
    client = app.test_client()
    assert sign_in(client, "hoa").status_code == 302
    client.officer_id = officer_id
    return client


def post(admin, url, **data):
    token = csrf_of(admin.get("/can-bo/nhan-su").text)
    return admin.post(url, data={"csrf_token": token, **data})


def temporary_password(html: str) -> str:
    return re.search(r'class="temporary-password">([^<]+)<', html).group(1)


def signed_out(client) -> bool:
    response = client.get("/can-bo/")
    return response.status_code == 302 and response.headers["Location"] == "/can-bo/dang-nhap"


def audit(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.scalars(db.select(OfficerAudit).order_by(OfficerAudit.id)).all()
        return [(r.action, r.officer.username) for r in rows]


def test_the_admin_lists_only_the_officers_of_their_own_commune(app, admin, hoa):
    with app.app_context():
        enable_commune("02143", "Cán bộ xã khác", "0123 456 789", "Giờ hành chính")
        create_officer("tu-phap", commune="02143", username="khac")
    page = admin.get("/can-bo/nhan-su").text
    assert "hoa" in page and "Cán bộ của xã" in page
    assert "khac" not in page


def test_a_new_officer_gets_a_temporary_password_that_signs_in(app, admin):
    response = post(admin, "/can-bo/nhan-su", username="Lan.Tran", full_name="Trần Thị  Lan",
                    role="cong-an")  # fmt: skip
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Đã tạo tài khoản lan.tran" in response.text
    password = temporary_password(response.text)
    with app.app_context():
        lan = db.session.scalars(db.select(Officer).where(Officer.username == "lan.tran")).one()
        assert (lan.commune_code, lan.role, lan.full_name) == ("05665", "cong-an", "Trần Thị Lan")
        assert password not in lan.password_hash
    assert sign_in(app.test_client(), "lan.tran", password).status_code == 302
    assert audit(app) == [("created", "lan.tran")]
    # The password is shown once: never again on the page.
    assert password not in admin.get("/can-bo/nhan-su").text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": "hoa"}, "Tên đăng nhập này đã có người dùng"),
        ({"username": "Hòa"}, "Tên đăng nhập gồm 3–64 chữ thường"),
        ({"full_name": " "}, "Hãy nhập họ và tên"),
        ({"role": "quan-tri"}, "Hãy chọn vai trò"),
    ],
)
def test_a_new_officer_with_a_bad_value_is_refused_next_to_its_field(app, admin, hoa, fields,
                                                                     message):  # fmt: skip
    data = {"username": "lan", "full_name": "Trần Thị Lan", "role": "cong-an", **fields}
    response = post(admin, "/can-bo/nhan-su", **data)
    assert response.status_code == 400
    assert message in response.text
    assert audit(app) == []


def test_a_password_reset_stops_the_officers_other_session_at_its_next_request(app, admin, hoa):
    assert hoa.get("/can-bo/").status_code == 200
    response = post(admin, f"/can-bo/nhan-su/{hoa.officer_id}/mat-khau")
    assert response.status_code == 200
    password = temporary_password(response.text)
    assert signed_out(hoa)
    assert "mật khẩu hoặc khóa đăng nhập" in hoa.get("/can-bo/dang-nhap").text
    assert sign_in(app.test_client(), "hoa").status_code == 401  # the old password is gone
    assert sign_in(app.test_client(), "hoa", password).status_code == 302
    assert audit(app) == [("password_reset", "hoa")]


def test_a_deactivation_ends_the_sessions_and_refuses_sign_in(app, admin, hoa):
    response = post(admin, f"/can-bo/nhan-su/{hoa.officer_id}/khoa")
    assert response.status_code == 302
    assert signed_out(hoa)
    assert sign_in(app.test_client(), "hoa").status_code == 401
    assert "Đã khóa" in admin.get("/can-bo/nhan-su").text
    post(admin, f"/can-bo/nhan-su/{hoa.officer_id}/mo-lai")
    assert sign_in(app.test_client(), "hoa").status_code == 302
    assert audit(app) == [("deactivated", "hoa"), ("reactivated", "hoa")]


def test_a_passkey_reset_removes_them_and_ends_the_sessions(app, admin, hoa):
    with app.app_context():
        db.session.add(Passkey(
            credential_id=uuid.uuid4().bytes, officer_id=hoa.officer_id,
            user_handle=uuid.uuid4().bytes, public_key=b"not-a-real-key",
            aaguid=str(uuid.UUID(int=0)), name="Điện thoại",
        ))  # fmt: skip
        db.session.commit()
    hoa_again = app.test_client()
    assert sign_in(hoa_again, "hoa").status_code == 302
    response = post(admin, f"/can-bo/nhan-su/{hoa.officer_id}/khoa-dang-nhap")
    assert response.status_code == 302
    assert "Đã xóa 1 khóa đăng nhập của hoa" in admin.get("/can-bo/nhan-su").text
    assert signed_out(hoa) and signed_out(hoa_again)
    with app.app_context():
        assert db.session.scalars(db.select(Passkey)).all() == []
    assert audit(app) == [("passkeys_reset", "hoa")]


def test_the_admin_cannot_lock_themselves_out(app, admin):
    response = post(admin, f"/can-bo/nhan-su/{admin.officer_id}/khoa")
    assert response.status_code == 409
    assert "Không tự khóa" in response.text
    assert admin.get("/can-bo/nhan-su").status_code == 200


def test_only_the_commune_admin_reaches_the_officers_page(app, hoa):
    assert hoa.get("/can-bo/nhan-su").status_code in (403, 404)
    token = csrf_of(hoa.get("/can-bo/").text)
    response = hoa.post("/can-bo/nhan-su", data={"csrf_token": token, "username": "x1x",
                                                 "full_name": "X", "role": "bhxh"})  # fmt: skip
    assert response.status_code in (403, 404)
    assert audit(app) == []
