"""Officer accounts: created from the command line, argon2 passwords, rate-limited sign-in."""

import pytest

from extensions import db
from models import Officer
from tests.conftest import make_citizen
from tests.helpers import age_session, sign_in_as
from tests.office.helpers import PASSWORD, create_officer, csrf_of, officer_client


def run(app, *args, password=PASSWORD):
    return app.test_cli_runner().invoke(args=list(args), env={"OFFICER_PASSWORD": password})


def sign_in(client, username, password=PASSWORD):
    page = client.get("/can-bo/dang-nhap")
    return client.post(
        "/can-bo/dang-nhap",
        data={"csrf_token": csrf_of(page.text), "username": username, "password": password},
    )


def test_create_officer_stores_an_argon2_hash_never_the_password(app):
    result = run(
        app, "create-officer", "Hoa.TuPhap", "--commune", "05665", "--role", "tu-phap",
        "--name", "Nguyễn Thị Hoa",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with app.app_context():
        officer = db.session.scalars(db.select(Officer)).one()
        assert officer.username == "hoa.tuphap"
        assert officer.password_hash.startswith("$argon2id$")
        assert PASSWORD not in officer.password_hash


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--commune", "05665", "--role", "thu-ky"], PASSWORD, "Invalid value for '--role'"),
        (["--commune", "02143", "--role", "tu-phap"], PASSWORD, "run enable-commune first"),
        (["--commune", "05665", "--role", "tu-phap"], "ngan", "at least 10 characters"),
    ],
)
def test_create_officer_refuses_bad_input_with_a_reason(app, args, password, message):
    result = run(app, "create-officer", "hoa", *args, "--name", "Hoa", password=password)
    assert result.exit_code != 0
    assert message in result.output


def test_a_username_cannot_be_taken_twice(app):
    args = ["create-officer", "hoa", "--commune", "05665", "--role", "bhxh", "--name", "Hoa"]
    assert run(app, *args).exit_code == 0
    assert "is taken" in run(app, *args).output


def test_set_officer_password_replaces_the_old_one(app, client):
    with app.app_context():
        create_officer("tu-phap", username="hoa")
    assert run(app, "set-officer-password", "hoa", password="mat-khau-moi-2026").exit_code == 0
    assert sign_in(client, "hoa").status_code == 401
    assert sign_in(client, "hoa", "mat-khau-moi-2026").status_code == 302


def test_signing_in_opens_the_queue_with_a_fresh_session_without_the_citizen(app, client):
    with app.app_context():
        create_officer("tu-phap", username="hoa")
    citizen_id = make_citizen(app)
    sign_in_as(app, client, citizen_id=citizen_id)
    response = sign_in(client, "hoa")
    assert response.status_code == 302 and response.headers["Location"] == "/can-bo/"
    with client.session_transaction() as session:
        assert "officer_id" in session and "citizen_id" not in session
    assert "Hồ sơ của Công chức Tư pháp - Hộ tịch" in client.get("/can-bo/").text


@pytest.mark.parametrize("username", ["hoa", "khong-co-ai"])
def test_a_wrong_password_or_unknown_user_gets_the_same_message(app, client, username):
    with app.app_context():
        create_officer("tu-phap", username="hoa")
    response = sign_in(client, username, "sai-mat-khau-roi")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.text
    with client.session_transaction() as session:
        assert "officer_id" not in session


def test_repeated_wrong_passwords_for_one_username_are_slowed_down(app, client):
    app.config["OFFICER_SIGN_IN_LIMIT"] = "3 per 15 minutes"  # 10 by default
    with app.app_context():
        create_officer("tu-phap", username="hoa")
    statuses = [sign_in(client, "hoa", "sai-mat-khau-roi").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert sign_in(app.test_client(), "hoa").status_code == 429  # even with the right one


def test_a_deactivated_officer_cannot_sign_in(app, client):
    with app.app_context():
        create_officer("tu-phap", username="hoa").active = False
        db.session.commit()
    assert sign_in(client, "hoa").status_code == 401


def test_office_pages_send_strangers_to_the_sign_in_page(client):
    response = client.get("/can-bo/")
    assert response.status_code == 302 and response.headers["Location"] == "/can-bo/dang-nhap"


def test_a_citizen_session_does_not_open_the_office(citizen_client):
    assert citizen_client.get("/can-bo/").status_code == 302


def test_an_office_session_expires_after_the_configured_hours(app):
    client = officer_client(app, "tu-phap")
    age_session(app, client.session_row, hours=13)  # OFFICER_SESSION_HOURS: 12
    assert client.get("/can-bo/").status_code == 302


def test_signing_out_ends_the_office_session(app):
    client = officer_client(app, "tu-phap")
    page = client.get("/can-bo/")
    client.post("/can-bo/dang-xuat", data={"csrf_token": csrf_of(page.text)})
    assert client.get("/can-bo/").status_code == 302
