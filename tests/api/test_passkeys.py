"""Passkeys over the API: registering one, and signing in with it; every bad
answer gets a clear 4xx and changes nothing but spending its challenge."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from extensions import db
from models import Passkey, WebAuthnChallenge
from models.base import utcnow
from services.identity import passkeys
from tests.api.passkey_flow import register, sign_in_answer, signed_in_citizen, stored
from tests.api.spec_check import assert_matches_spec
from tests.conftest import Api, read_sms
from tests.softkey import SoftKey


@pytest.fixture
def stranger(app):
    """A browser nobody is signed in on."""
    return Api(app.test_client())


def test_registration_asks_for_a_verified_discoverable_key_without_the_phone_in_its_id(api):
    response = api.post("/passkeys/registration-options")
    assert_matches_spec("POST", "/passkeys/registration-options", response)
    options = response.get_json()
    assert options["rp"]["id"] == "localhost"
    assert options["authenticatorSelection"] == {
        "residentKey": "preferred",
        "requireResidentKey": False,
        "userVerification": "required",
    }
    assert options["attestation"] == "none"
    assert "912345678" not in options["user"]["id"]
    assert options["user"]["name"] == "0912 345 678"  # shown on the citizen's own phone


def test_a_registered_passkey_keeps_every_detail_the_issue_lists(app, api):
    key = SoftKey()
    options = api.post("/passkeys/registration-options").get_json()
    response = api.post(
        "/passkeys", json={"credential": key.create(options), "name": " Điện  thoại "}
    )
    assert response.status_code == 201
    assert_matches_spec("POST", "/passkeys", response)
    passkey = stored(app, key)
    assert passkey.citizen_id == api.client.citizen_id and passkey.officer_id is None
    assert passkey.public_key and passkey.sign_count == 0
    assert passkey.transports == ["internal", "hybrid"]
    assert passkey.aaguid == "00000000-0000-0000-0000-000000000000"
    assert passkey.backed_up is False and passkey.backup_eligible is False
    assert passkey.name == "Điện thoại"
    assert passkey.created_at and passkey.last_used_at is None
    listed = api.get("/passkeys")
    assert_matches_spec("GET", "/passkeys", listed)
    assert [p["name"] for p in listed.get_json()["passkeys"]] == ["Điện thoại"]


@pytest.mark.parametrize(
    ("lie", "code"),
    [
        ({"verified": False}, "passkey_not_verified"),
        ({"origin": "https://phishing.example"}, "passkey_origin"),
        ({"rp_id": "phishing.example"}, "passkey_origin"),
    ],
)
def test_registration_refuses_a_bad_answer_and_keeps_nothing(app, api, lie, code):
    options = api.post("/passkeys/registration-options").get_json()
    response = api.post("/passkeys", json={"credential": SoftKey().create(options, **lie)})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    with app.app_context():
        assert db.session.scalars(select(Passkey)).all() == []


def test_a_registration_answer_works_once(app, api):
    key = SoftKey()
    options = api.post("/passkeys/registration-options").get_json()
    credential = key.create(options)
    assert api.post("/passkeys", json={"credential": credential}).status_code == 201
    again = api.post("/passkeys", json={"credential": credential})
    assert again.status_code == 400
    assert again.get_json()["error"]["code"] == "passkey_replayed"
    with app.app_context():
        assert len(db.session.scalars(select(Passkey)).all()) == 1


def test_passkeys_are_not_offered_on_an_ip_address(app, client):
    # Browsers refuse an IP address as RP ID; the SMS code is the only way there.
    on_ip = client.get("/dang-nhap/", base_url="http://127.0.0.1:5000")
    assert "khóa đăng nhập" not in on_ip.text
    assert "Đăng nhập bằng khóa đăng nhập" in client.get("/dang-nhap/").text
    on_ip_request = app.test_request_context(base_url="http://127.0.0.1:5000")
    with on_ip_request, pytest.raises(passkeys.PasskeyError) as refused:
        passkeys.sign_in_options()
    assert refused.value.status == 409 and "địa chỉ IP" in refused.value.message


def test_a_returning_citizen_signs_in_with_a_passkey_and_no_sms(app, api, stranger):
    key = register(api)
    sms_before = len(read_sms(app))
    response = stranger.post(
        "/passkeys/sign-in", json={"credential": sign_in_answer(stranger, key)}
    )
    assert response.status_code == 200, response.get_json()
    assert_matches_spec("POST", "/passkeys/sign-in", response)
    assert response.get_json()["next"] == "/"
    assert signed_in_citizen(stranger.client) == api.client.citizen_id
    assert len(read_sms(app)) == sms_before
    passkey = stored(app, key)
    assert passkey.sign_count == 1 and passkey.last_used_at is not None


def test_signing_in_with_a_passkey_returns_to_where_the_citizen_was_going(api, stranger):
    key = register(api)
    stranger.client.get("/ho-so/moi?xa=05665&nhom=khai-sinh")
    response = stranger.post(
        "/passkeys/sign-in", json={"credential": sign_in_answer(stranger, key)}
    )
    assert response.get_json()["next"] == "/ho-so/moi?xa=05665&nhom=khai-sinh"


@pytest.mark.parametrize(
    ("lie", "code", "words"),
    [
        ({"origin": "https://phishing.example"}, "passkey_origin", "địa chỉ"),
        ({"rp_id": "phishing.example"}, "passkey_origin", "địa chỉ"),
        ({"bad_signature": True}, "passkey_invalid", "Không xác minh được"),
        ({"verified": False}, "passkey_not_verified", "vân tay"),
    ],
)
def test_a_bad_sign_in_answer_is_refused_and_changes_nothing(app, api, stranger, lie, code, words):
    key = register(api)
    response = stranger.post(
        "/passkeys/sign-in", json={"credential": sign_in_answer(stranger, key, **lie)}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    assert words in response.get_json()["error"]["message"]
    assert signed_in_citizen(stranger.client) is None
    passkey = stored(app, key)
    assert passkey.sign_count == 0 and passkey.last_used_at is None


def test_a_refused_answer_spends_its_challenge(api, stranger):
    key = register(api)
    options = stranger.post("/passkeys/sign-in-options").get_json()
    bad = stranger.post(
        "/passkeys/sign-in", json={"credential": key.get(options, bad_signature=True)}
    )
    assert bad.status_code == 400
    good = key.get(options)  # the right signature, but for the spent challenge
    response = stranger.post("/passkeys/sign-in", json={"credential": good})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "passkey_replayed"
    assert signed_in_citizen(stranger.client) is None


def test_a_sign_in_answer_replayed_later_is_refused(app, api, stranger):
    key = register(api)
    answer = sign_in_answer(stranger, key)
    assert stranger.post("/passkeys/sign-in", json={"credential": answer}).status_code == 200
    stranger.client.post("/dang-nhap/dang-xuat")
    again = Api(app.test_client())
    response = again.post("/passkeys/sign-in", json={"credential": answer})
    assert response.status_code == 400
    assert signed_in_citizen(again.client) is None
    assert stored(app, key).sign_count == 1


def test_a_challenge_asked_for_by_another_browser_is_refused(app, api, stranger):
    key = register(api)
    answer = sign_in_answer(Api(app.test_client()), key)
    response = stranger.post("/passkeys/sign-in", json={"credential": answer})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "passkey_challenge"


def test_an_expired_challenge_is_refused_with_what_to_do(app, api, stranger):
    key = register(api)
    answer = sign_in_answer(stranger, key)
    with app.app_context():
        db.session.execute(
            update(WebAuthnChallenge).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    response = stranger.post("/passkeys/sign-in", json={"credential": answer})
    assert response.status_code == 400
    assert "bấm lại" in response.get_json()["error"]["message"]


def test_a_removed_passkey_no_longer_signs_in(app, api, stranger):
    key = register(api)
    passkey_id = stored(app, key).id
    page = api.client.get("/tai-khoan/khoa-dang-nhap")
    from tests.conftest import csrf_from

    api.client.post(
        f"/tai-khoan/khoa-dang-nhap/{passkey_id}/xoa", data={"csrf_token": csrf_from(page.text)}
    )
    response = stranger.post(
        "/passkeys/sign-in", json={"credential": sign_in_answer(stranger, key)}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "passkey_unknown"
    assert "mã SMS" in response.get_json()["error"]["message"]
    assert signed_in_citizen(stranger.client) is None


def test_a_sign_count_going_backwards_is_refused_and_logged_without_personal_data(
    app, api, stranger, caplog
):
    key = register(api)
    first = stranger.post("/passkeys/sign-in", json={"credential": sign_in_answer(stranger, key)})
    assert first.status_code == 200
    copy = Api(app.test_client())
    with caplog.at_level(logging.WARNING):
        response = copy.post(
            "/passkeys/sign-in", json={"credential": sign_in_answer(copy, key, sign_count=1)}
        )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "passkey_cloned"
    assert signed_in_citizen(copy.client) is None
    assert stored(app, key).sign_count == 1
    warnings = [r.getMessage() for r in caplog.records if "sign count" in r.getMessage()]
    assert len(warnings) == 1 and "stored 1, received 1" in warnings[0]
    assert "912345678" not in warnings[0] and "345 678" not in warnings[0]


def _garbage_client_data(answer):
    answer["response"]["clientDataJSON"] = "bm90LWpzb24"  # "not-json"


def _garbage_authenticator_data(answer):
    answer["response"]["authenticatorData"] = "AAAA"


def _not_base64(answer):
    answer["response"]["signature"] = "***"


def _no_signature(answer):
    del answer["response"]["signature"]


@pytest.mark.parametrize(
    ("spoil", "code"),
    [
        (_garbage_client_data, "passkey_malformed"),
        (_garbage_authenticator_data, "passkey_malformed"),
        (_not_base64, "invalid_request"),
        (_no_signature, "invalid_request"),
    ],
)
def test_a_malformed_answer_gets_a_clear_400(app, api, stranger, spoil, code):
    key = register(api)
    answer = sign_in_answer(stranger, key)
    spoil(answer)
    response = stranger.post("/passkeys/sign-in", json={"credential": answer})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert signed_in_citizen(stranger.client) is None
    assert stored(app, key).sign_count == 0


def test_refused_passkey_sign_ins_are_rate_limited_per_address(app, api, stranger):
    app.config["PASSKEY_SIGN_IN_LIMIT"] = "2/hour"
    key = register(api)
    for _ in range(2):
        answer = sign_in_answer(stranger, key, bad_signature=True)
        assert stranger.post("/passkeys/sign-in", json={"credential": answer}).status_code == 400
    answer = sign_in_answer(stranger, key)
    response = stranger.post("/passkeys/sign-in", json={"credential": answer})
    assert response.status_code == 429
    assert signed_in_citizen(stranger.client) is None


def test_passkey_requests_need_the_csrf_header(app, api):
    key = SoftKey()
    options = api.post("/passkeys/registration-options").get_json()
    response = api.client.post("/api/v1/passkeys", json={"credential": key.create(options)})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"


NOTICE = "Bạn vừa đăng nhập bằng khóa đăng nhập"


def test_a_passkeys_first_sign_in_says_once_what_a_passkey_is(app, api, stranger):
    key = register(api)
    stranger.client.get("/ho-so/moi?xa=05665&nhom=khai-sinh")
    answer = sign_in_answer(stranger, key)
    assert stranger.post("/passkeys/sign-in", json={"credential": answer}).status_code == 200
    page = stranger.client.get("/ho-so/moi?xa=05665&nhom=khai-sinh", follow_redirects=True)
    text = page.get_data(as_text=True)
    assert NOTICE in text
    assert "Khóa nằm trong điện thoại này" in text and "vân tay" in text
    assert stored(app, key).first_sign_in_at is not None
    # Shown once: not on the next page, nor at the next sign-in.
    assert NOTICE not in stranger.client.get("/ho-so").get_data(as_text=True)
    again = Api(app.test_client())
    answer = sign_in_answer(again, key)
    assert again.post("/passkeys/sign-in", json={"credential": answer}).status_code == 200
    assert NOTICE not in again.client.get("/ho-so").get_data(as_text=True)
