"""Officers: a passkey is the required second factor after the password; the
first one is made right after the first password sign-in."""

import html
import json
import re
import time

import pytest
from sqlalchemy import select

from extensions import db
from models import Passkey
from tests.api.passkey_flow import register
from tests.conftest import Api
from tests.office.helpers import PASSWORD, create_officer, csrf_of
from tests.softkey import SoftKey, b64

STEP = "/can-bo/khoa-dang-nhap"


@pytest.fixture(autouse=True)
def passkey_required(app):
    app.config["OFFICER_PASSKEY_REQUIRED"] = True
    with app.app_context():
        create_officer("tu-phap", username="hoa")


def password(client, following=None):
    if following:
        client.get(following)
    page = client.get("/can-bo/dang-nhap")
    return client.post(
        "/can-bo/dang-nhap",
        data={"csrf_token": csrf_of(page.text), "username": "hoa", "password": PASSWORD},
    )


def step_page(client) -> tuple[dict, str]:
    page = client.get(STEP)
    options = re.search(r"data-options='([^']+)'", page.text).group(1)
    return json.loads(html.unescape(options)), csrf_of(page.text)


def answer(client, credential, token, **fields):
    return client.post(
        STEP, data={"csrf_token": token, "credential": json.dumps(credential), **fields}
    )


def officer_signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "officer_id" in session


def enrol(client) -> SoftKey:
    """Password, then the first passkey; the officer is signed in."""
    password(client)
    options, token = step_page(client)
    assert options["authenticatorSelection"]["userVerification"] == "required"
    key = SoftKey()
    response = answer(client, key.create(options), token, name="Máy tính bàn một cửa")
    assert response.status_code == 302 and response.headers["Location"] == "/can-bo/"
    return key


def test_a_correct_password_alone_opens_nothing(client):
    response = password(client)
    assert response.status_code == 302 and response.headers["Location"] == STEP
    assert not officer_signed_in(client)
    assert client.get("/can-bo/").headers["Location"] == "/can-bo/dang-nhap"


def test_the_first_sign_in_makes_the_officers_first_passkey(app, client):
    password(client)
    assert "Tạo khóa đăng nhập cho tài khoản cán bộ" in client.get(STEP).text
    enrol(client)
    assert officer_signed_in(client)
    with app.app_context():
        passkey = db.session.scalars(select(Passkey)).one()
        assert passkey.officer_id is not None and passkey.citizen_id is None
        assert passkey.name == "Máy tính bàn một cửa"


def test_later_sign_ins_ask_for_the_passkey_and_return_where_the_officer_was_going(app):
    key = enrol(app.test_client())
    client = app.test_client()
    password(client, following="/can-bo/thong-ke")
    options, token = step_page(client)
    assert "Xác nhận bằng khóa đăng nhập" in client.get(STEP).text
    assert [c["id"] for c in options["allowCredentials"]] == [b64(key.credential_id)]
    response = answer(client, key.get(options), token)
    assert response.status_code == 302 and response.headers["Location"] == "/can-bo/thong-ke"
    assert officer_signed_in(client)


@pytest.mark.parametrize(
    "lie",
    [{"bad_signature": True}, {"origin": "https://phishing.example"}, {"verified": False}],
)
def test_a_bad_answer_keeps_the_officer_out_with_a_message(app, lie):
    key = enrol(app.test_client())
    client = app.test_client()
    password(client)
    options, token = step_page(client)
    response = answer(client, key.get(options, **lie), token)
    assert response.status_code == 400
    assert 'class="error" role="alert"' in response.text
    assert "SMS" not in response.text
    assert not officer_signed_in(client)


def test_another_key_or_a_citizens_passkey_is_not_a_second_factor(app, api):
    enrol(app.test_client())
    citizen_key = register(api)
    client = app.test_client()
    password(client)
    for key in (SoftKey(), citizen_key):
        options, token = step_page(client)
        response = answer(client, key.get(options), token)
        assert response.status_code == 400
        assert "không thuộc tài khoản của bạn" in response.text
    assert not officer_signed_in(client)


def test_an_answer_works_once(app):
    key = enrol(app.test_client())
    client = app.test_client()
    password(client)
    options, token = step_page(client)
    credential = key.get(options)
    assert answer(client, credential, token).status_code == 302
    thief = app.test_client()
    password(thief)
    _, thief_token = step_page(thief)
    assert answer(thief, credential, thief_token).status_code == 400
    assert not officer_signed_in(thief)


def test_a_malformed_answer_gets_a_clear_400(app):
    enrol(app.test_client())
    client = app.test_client()
    password(client)
    _, token = step_page(client)
    response = client.post(STEP, data={"csrf_token": token, "credential": "{not json"})
    assert response.status_code == 400
    assert "bị lỗi" in response.text


def test_the_step_needs_the_password_first_and_expires(app, client):
    assert client.get(STEP).headers["Location"] == "/can-bo/dang-nhap"
    password(client)
    with client.session_transaction() as session:
        session["officer_pending_at"] = int(time.time()) - 601
    assert client.get(STEP).headers["Location"] == "/can-bo/dang-nhap"


def test_an_officers_passkey_does_not_sign_in_a_citizen(app):
    key = enrol(app.test_client())
    stranger = Api(app.test_client())
    options = stranger.post("/passkeys/sign-in-options").get_json()
    response = stranger.post("/passkeys/sign-in", json={"credential": key.get(options)})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "passkey_unknown"


def test_a_lost_device_is_reset_on_the_command_line_and_a_new_key_is_made(app):
    enrol(app.test_client())
    result = app.test_cli_runner().invoke(args=["reset-officer-passkeys", "HOA"])
    assert result.exit_code == 0 and "1 passkey(s) of hoa removed" in result.output
    client = app.test_client()
    password(client)
    assert "Tạo khóa đăng nhập cho tài khoản cán bộ" in client.get(STEP).text


def test_on_an_ip_address_the_page_says_to_open_it_by_name(app, client):
    page = client.get("/can-bo/dang-nhap", base_url="http://127.0.0.1:5000")
    client.post(
        "/can-bo/dang-nhap",
        base_url="http://127.0.0.1:5000",
        data={"csrf_token": csrf_of(page.text), "username": "hoa", "password": PASSWORD},
    )
    step = client.get(STEP, base_url="http://127.0.0.1:5000")
    assert "http://localhost:5000/can-bo/dang-nhap" in step.text
    assert "data-options" not in step.text
