"""Phone sign-in with an SMS code: the rules a citizen meets."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from extensions import db
from models import Citizen, OtpChallenge
from tests.conftest import csrf_from, last_code, read_sms


def ask_for_code(client, phone="0912 345 678"):
    page = client.get("/dang-nhap/so-dien-thoai")
    return client.post(
        "/dang-nhap/so-dien-thoai", data={"phone": phone, "csrf_token": csrf_from(page.text)}
    )


def enter_code(client, code):
    page = client.get("/dang-nhap/nhap-ma")
    return client.post(
        "/dang-nhap/nhap-ma", data={"code": code, "csrf_token": csrf_from(page.text)}
    )


def test_the_account_choice_offers_phone_and_vneid(client):
    page = client.get("/dang-nhap/")
    assert "Tài khoản số điện thoại" in page.text
    assert "VNeID" in page.text
    # Not configured here: shown as not usable yet, and not a link.
    assert "data-vneid-unavailable" in page.text and "/dang-nhap/vneid" not in page.text
    assert "Hãy dùng tài khoản số điện thoại bên trên" in page.text
    vneid = client.get("/dang-nhap/vneid")
    assert "chưa được kết nối" in vneid.text


@pytest.mark.parametrize(
    "typed", ["0912 345 678", "+84912345678", "84 912 345 678", "0912.345.678"]
)
def test_every_usual_way_of_writing_the_number_signs_into_one_e164_account(client, app, typed):
    assert ask_for_code(client, typed).status_code == 302
    response = enter_code(client, last_code(app, "+84912345678"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Citizen.phone)).all() == ["+84912345678"]


def test_the_code_is_stored_only_as_a_hash(client, app):
    ask_for_code(client)
    code = last_code(app, "+84912345678")
    with app.app_context():
        stored = db.session.scalars(select(OtpChallenge.code_hash)).one()
    assert code not in stored


def test_a_landline_is_refused_with_a_message_saying_what_to_do(client, app):
    response = ask_for_code(client, "0208 3855 123")
    assert response.status_code == 200
    assert "di động" in response.text
    assert read_sms(app) == []


def test_a_wrong_code_says_how_many_tries_are_left_and_five_wrong_kill_it(client, app):
    ask_for_code(client)
    real = last_code(app, "+84912345678")
    wrong = "000000" if real != "000000" else "111111"
    assert "còn 4 lần" in enter_code(client, wrong).text
    for _ in range(4):
        response = enter_code(client, wrong)
    assert "Gửi lại mã" in response.text
    after = enter_code(client, real)
    assert after.status_code == 200
    assert "nhập sai quá nhiều lần" in after.text


def test_a_code_with_spaces_and_dashes_is_accepted(client, app):
    ask_for_code(client)
    code = last_code(app, "+84912345678")
    assert enter_code(client, f"{code[:3]} - {code[3:]}").status_code == 302


def test_a_too_short_code_gets_its_own_message(client, app):
    ask_for_code(client)
    assert "đúng 6 chữ số" in enter_code(client, "123").text


def test_an_expired_code_is_refused(client, app):
    ask_for_code(client)
    code = last_code(app, "+84912345678")
    with app.app_context():
        challenge = db.session.scalars(select(OtpChallenge)).one()
        challenge.expires_at -= timedelta(minutes=6)
        db.session.commit()
    assert "hết hạn" in enter_code(client, code).text


def test_a_new_code_cannot_be_sent_within_60_seconds(client, app):
    ask_for_code(client)
    page = client.get("/dang-nhap/nhap-ma")
    client.post("/dang-nhap/gui-lai-ma", data={"csrf_token": csrf_from(page.text)})
    assert len(read_sms(app)) == 1
    assert "giây" in client.get("/dang-nhap/nhap-ma").text


def test_signing_in_gives_a_new_session_and_returns_to_where_the_citizen_was_going(client, app):
    start = client.get("/ho-so/moi?xa=05665&nhom=khai-sinh")
    assert start.status_code == 302
    ask_for_code(client)
    response = enter_code(client, last_code(app, "+84912345678"))
    # Without a passkey yet, the citizen is offered one first, then goes on.
    assert response.headers["Location"] == "/tai-khoan/tao-khoa-dang-nhap"
    offer = client.get(response.headers["Location"])
    assert 'href="/ho-so/moi?xa=05665&amp;nhom=khai-sinh"' in offer.text


def test_codes_per_phone_are_capped_per_hour(client, app):
    app.config["OTP_RESEND_SECONDS"] = 0
    for _ in range(5):
        ask_for_code(client)
    response = ask_for_code(client)
    assert response.status_code == 429 or "quá nhiều" in response.text
    assert len(read_sms(app)) == 5


def test_signing_in_from_too_many_numbers_from_one_ip_is_rate_limited(client, app):
    app.config["SIGN_IN_ADDRESS_LIMIT"] = "20/hour"  # 200 by default (tests/test_sign_in_limits.py)
    statuses = [ask_for_code(client, f"09123400{i:02d}").status_code for i in range(21)]
    assert statuses[-1] == 429


def sign_out_token(client) -> str:
    """The token of the sign-out form on "Hồ sơ của tôi"."""
    page = client.get("/ho-so")
    assert 'action="/dang-nhap/dang-xuat"' in page.text
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_signing_out_ends_the_session_and_clears_the_phones_http_cache(client, app):
    ask_for_code(client)
    enter_code(client, last_code(app, "+84912345678"))
    token = sign_out_token(client)

    # Without the form's token nothing happens: no cross-site sign-out.
    refused = client.post("/dang-nhap/dang-xuat")
    assert refused.status_code == 400
    assert "Clear-Site-Data" not in refused.headers
    assert client.get("/api/v1/dossiers").status_code == 200

    response = client.post("/dang-nhap/dang-xuat", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    # The cache only: "storage" would also remove the offline app.
    assert response.headers["Clear-Site-Data"] == '"cache"'
    assert client.get("/api/v1/dossiers").status_code == 401
