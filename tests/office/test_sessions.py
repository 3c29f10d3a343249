"""Officers' sessions end on the server: sign-out, a password or passkey reset,
a deactivation, 30 minutes without a request and 12 hours in all."""

import pytest

from extensions import db
from models import Officer, Passkey
from tests.helpers import age_session
from tests.office.helpers import PASSWORD, create_officer, csrf_of, officer_client
from tests.office.test_accounts import run, sign_in


@pytest.fixture
def hoa(app):
    """Hoa signed in with her password, and a thief holding a copy of her cookie."""
    with app.app_context():
        create_officer("tu-phap", username="hoa")
    client = app.test_client()
    assert sign_in(client, "hoa").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/can-bo/").status_code == 200
    return client, thief


def signed_out(client) -> bool:
    response = client.get("/can-bo/")
    return response.status_code == 302 and response.headers["Location"] == "/can-bo/dang-nhap"


def test_signing_out_ends_a_copied_cookie(hoa):
    client, thief = hoa
    client.post("/can-bo/dang-xuat", data={"csrf_token": csrf_of(client.get("/can-bo/").text)})
    assert signed_out(thief)


def test_a_new_password_ends_every_session(app, hoa):
    client, thief = hoa
    assert run(app, "set-officer-password", "hoa", password="mat-khau-moi-2026").exit_code == 0
    assert signed_out(client) and signed_out(thief)
    page = thief.get("/can-bo/dang-nhap").text
    assert "mật khẩu hoặc khóa đăng nhập của tài khoản vừa được thay đổi" in page
    assert sign_in(app.test_client(), "hoa", "mat-khau-moi-2026").status_code == 302


def test_a_passkey_reset_ends_every_session(app, hoa):
    client, thief = hoa
    result = run(app, "reset-officer-passkeys", "hoa")
    assert result.exit_code == 0, result.output
    assert signed_out(client) and signed_out(thief)


def test_adding_a_passkey_to_the_account_ends_the_other_sessions(app, hoa):
    _client, thief = hoa
    with app.app_context():
        officer = db.session.scalars(db.select(Officer).where(Officer.username == "hoa")).one()
        db.session.add(
            Passkey(
                credential_id=b"new-key", officer_id=officer.id, user_handle=b"h",
                public_key=b"k", aaguid="0" * 36, name="Máy mới",
            )
        )  # fmt: skip
        db.session.commit()
    assert signed_out(thief)


def test_deactivating_an_officer_ends_their_sessions_at_once(app, hoa):
    client, thief = hoa
    assert run(app, "deactivate-officer", "hoa").exit_code == 0
    assert signed_out(client) and signed_out(thief)
    assert "đã bị khóa" in thief.get("/can-bo/dang-nhap").text
    assert sign_in(app.test_client(), "hoa").status_code == 401


def test_thirty_minutes_without_a_request_end_the_session_and_the_page_says_why(app):
    client = officer_client(app, "tu-phap")
    age_session(app, client.session_row, hours=1, idle_minutes=29)
    assert client.get("/can-bo/").status_code == 200  # and this request counts as activity
    age_session(app, client.session_row, hours=1, idle_minutes=31)
    assert signed_out(client)
    page = client.get("/can-bo/dang-nhap").text
    assert "Phiên làm việc đã hết do không thao tác trong 30 phút" in page
    # Said once: a later visit to the page is a plain sign-in page.
    assert "không thao tác" not in client.get("/can-bo/dang-nhap").text


def test_the_idle_limit_follows_the_configuration(app):
    app.config["OFFICER_IDLE_MINUTES"] = 10
    client = officer_client(app, "tu-phap")
    age_session(app, client.session_row, hours=1, idle_minutes=11)
    assert signed_out(client)
    assert "không thao tác trong 10 phút" in client.get("/can-bo/dang-nhap").text


def test_twelve_hours_end_the_session_even_for_a_busy_officer(app):
    client = officer_client(app, "tu-phap")
    age_session(app, client.session_row, hours=11.9, idle_minutes=1)
    assert client.get("/can-bo/").status_code == 200
    age_session(app, client.session_row, hours=12.1, idle_minutes=1)
    assert signed_out(client)
    assert "quá 12 giờ" in client.get("/can-bo/dang-nhap").text


def test_an_officers_requests_keep_the_session_alive(app):
    client = officer_client(app, "tu-phap")
    age_session(app, client.session_row, hours=1, idle_minutes=20)
    assert client.get("/can-bo/").status_code == 200
    # Twenty more minutes pass: forty since the first request, twenty since the last.
    from datetime import timedelta

    from models import UserSession

    with app.app_context():
        row = db.session.get(UserSession, client.session_row)
        row.created_at -= timedelta(minutes=20)
        row.last_seen_at -= timedelta(minutes=20)
        db.session.commit()
    assert client.get("/can-bo/").status_code == 200


def test_signing_in_again_works_after_the_session_ended(app, hoa):
    client, _thief = hoa
    assert run(app, "reset-officer-passkeys", "hoa").exit_code == 0
    assert signed_out(client)
    assert sign_in(client, "hoa", PASSWORD).status_code == 302
    assert client.get("/can-bo/").status_code == 200
