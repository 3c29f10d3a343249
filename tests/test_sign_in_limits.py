"""SMS codes that cannot be worn down, owners who cannot be locked out by others,
a ceiling on SMS, and a busy commune office that signs everyone in."""

import logging
from datetime import timedelta

from sqlalchemy import select, update

from config import Config
from extensions import db
from models import OtpChallenge, PhoneCodeFailures
from models.base import utcnow
from tests.api.passkey_flow import register, sign_in_answer, signed_in_citizen
from tests.conftest import Api, last_code, read_sms
from tests.test_auth import ask_for_code, enter_code
from tests.test_rate_limit_answers import agrees

PHONE = "+84912345678"


def wrong(app, phone=PHONE) -> str:
    return "000000" if last_code(app, phone) != "000000" else "111111"


def age_codes(app, by=timedelta(minutes=2)):
    """Move the codes sent so far back in time (the resend wait is over)."""
    with app.app_context():
        for challenge in db.session.scalars(select(OtpChallenge)):
            challenge.created_at -= by
        db.session.commit()


def fail_codes(app, client, failures: int):
    """`failures` wrong codes, five per code sent, as an attacker would."""
    while failures > 0:
        age_codes(app)
        assert ask_for_code(client).status_code == 302
        for _ in range(min(5, failures)):
            response = enter_code(client, wrong(app))
            failures -= 1
    return response


def test_the_limit_of_wrong_codes_in_a_row_is_nists_100():
    assert Config().OTP_MAX_FAILURES == 100


def test_wrong_codes_count_per_phone_across_codes_and_then_lock_its_codes(app, client):
    app.config["OTP_MAX_FAILURES"] = 12
    app.config["OTP_PER_PHONE_PER_HOUR"] = 100
    locked = fail_codes(app, client, 12)
    assert "tạm khóa" in locked.text and "giờ" in locked.text
    assert "khóa đăng nhập" in locked.text  # the passkey is still a way in
    sent = len(read_sms(app))
    # A fresh code is not even sent, and no code is accepted while locked.
    age_codes(app)
    again = ask_for_code(client)
    assert "tạm khóa" in again.text
    assert len(read_sms(app)) == sent
    with app.app_context():
        db.session.execute(update(OtpChallenge).values(attempts=0))
        db.session.commit()
    assert enter_code(client, last_code(app, PHONE)).status_code == 200


def test_the_lock_ends_after_its_period(app, client):
    app.config["OTP_MAX_FAILURES"] = 5
    fail_codes(app, client, 5)
    with app.app_context():
        db.session.execute(
            update(PhoneCodeFailures).values(locked_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    age_codes(app)
    assert ask_for_code(client).status_code == 302
    assert enter_code(client, last_code(app, PHONE)).status_code == 302


def test_a_right_code_starts_the_count_of_wrong_ones_again(app, client):
    app.config["OTP_MAX_FAILURES"] = 6
    fail_codes(app, client, 4)
    age_codes(app)
    ask_for_code(client)
    assert enter_code(client, last_code(app, PHONE)).status_code == 302
    response = fail_codes(app, app.test_client(), 5)
    assert "tạm khóa" not in response.text


def test_typing_at_a_number_with_no_code_waiting_never_locks_it(app, client):
    """The lock counts only guesses checked against a code sent to that phone."""
    app.config["OTP_MAX_FAILURES"] = 3
    with client.session_transaction() as session:
        session["otp_phone"] = PHONE  # no code was ever sent
    for _ in range(5):
        assert "Chưa có mã" in enter_code(client, "123456").text
    ask_for_code(client)
    with app.app_context():  # an expired code: not checked either
        db.session.execute(update(OtpChallenge).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    for _ in range(5):
        assert "hết hạn" in enter_code(client, "123456").text
    with app.app_context():
        assert db.session.get(PhoneCodeFailures, PHONE) is None


def test_a_phone_whose_codes_are_locked_still_signs_in_with_its_passkey(app, client, api):
    key = register(api)  # the api fixture's citizen has this phone
    app.config["OTP_MAX_FAILURES"] = 5
    assert "tạm khóa" in fail_codes(app, client, 5).text
    browser = Api(app.test_client())
    response = browser.post("/passkeys/sign-in", json={"credential": sign_in_answer(browser, key)})
    assert response.status_code == 200
    assert signed_in_citizen(browser.client) == api.client.citizen_id


def test_asking_for_someone_elses_number_does_not_lock_its_owner_out(app, client):
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    for _ in range(10):
        ask_for_code(attacker)
    assert len(read_sms(app)) == 1  # one code sent; the rest were too soon
    age_codes(app)
    assert ask_for_code(client).status_code == 302
    assert len(read_sms(app)) == 2
    assert enter_code(client, last_code(app, PHONE)).status_code == 302


def test_the_per_phone_cap_says_the_real_wait(app, client):
    app.config["OTP_PER_PHONE_PER_HOUR"] = 2
    ask_for_code(client)
    age_codes(app, timedelta(minutes=50))
    ask_for_code(client)
    age_codes(app, timedelta(minutes=2))  # codes sent 52 and 2 minutes ago
    refused = ask_for_code(client)
    # The older code leaves the hour in 8 minutes: not "1 hour".
    assert "quá nhiều mã" in refused.text
    assert "Hãy đợi 8 phút" in refused.text
    assert len(read_sms(app)) == 2


def test_no_more_sms_than_the_hourly_budget_leave_and_the_log_says_so(app, caplog):
    app.config["SMS_BUDGET_PER_HOUR"] = 3
    for i in range(3):
        assert ask_for_code(app.test_client(), f"091234{i:04d}").status_code == 302
    with caplog.at_level(logging.ERROR):
        refused = ask_for_code(app.test_client(), "0912349999")
    assert len(read_sms(app)) == 3
    assert "tạm ngừng gửi mã SMS" in refused.text and "Hãy đợi" in refused.text
    alerts = [r for r in caplog.records if "SMS budget reached" in r.getMessage()]
    assert len(alerts) == 1 and alerts[0].levelno == logging.ERROR
    assert "0912349999" not in caplog.text and "+84912349999" not in caplog.text


def test_one_address_signs_in_a_busy_morning_of_citizens(app):
    for i in range(60):
        office_wifi = app.test_client()  # one phone after another, one address
        assert ask_for_code(office_wifi, f"09123400{i:02d}").status_code == 302
        code = last_code(app, f"+849123400{i:02d}")
        assert enter_code(office_wifi, code).status_code == 302


def test_the_office_networks_have_no_per_address_limit(app):
    app.config["SIGN_IN_ADDRESS_LIMIT"] = "3/hour"
    app.config["OFFICE_NETWORKS"] = "192.0.2.0/24, 2001:db8::/64"
    office, elsewhere = app.test_client(), app.test_client()
    office.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    elsewhere.environ_base["REMOTE_ADDR"] = "203.0.113.5"
    assert [ask_for_code(office, f"09123410{i:02d}").status_code for i in range(6)] == [302] * 6
    statuses = [ask_for_code(elsewhere, f"09123420{i:02d}").status_code for i in range(4)]
    assert statuses == [302, 302, 302, 429]


def test_the_address_limit_counts_codes_sent_and_its_429_says_the_real_wait(app, client):
    app.config["SIGN_IN_ADDRESS_LIMIT"] = "2/hour"
    for _ in range(4):
        ask_for_code(client, "0208 3855 123")  # a landline: nothing sent, nothing counted
    for i in range(2):
        assert ask_for_code(client, f"09123430{i:02d}").status_code == 302
    refused = ask_for_code(client, "0912343099")
    assert refused.status_code == 429
    assert "vài phút" not in refused.text
    assert 59 * 60 < int(refused.headers["Retry-After"]) <= 3600
    assert agrees(refused.text, refused.headers["Retry-After"])


def test_a_confirmation_code_asked_again_too_soon_gets_a_true_retry_after(api, app):
    from tests.api.flow import complete_draft

    draft_id = complete_draft(api)
    assert api.post(f"/drafts/{draft_id}/confirmation-code").status_code == 200
    again = api.post(f"/drafts/{draft_id}/confirmation-code")
    assert again.status_code == 429
    message = again.get_json()["error"]["message"]
    assert 0 < int(again.headers["Retry-After"]) <= 60
    assert agrees(message, again.headers["Retry-After"])


def test_wrong_confirmation_codes_count_towards_the_same_lock(api, app):
    from tests.api.flow import complete_draft

    app.config["OTP_MAX_FAILURES"] = 3
    draft_id = complete_draft(api)
    api.post(f"/drafts/{draft_id}/confirmation-code")
    body = {"draft_id": draft_id, "idempotency_key": "w" * 32, "confirmation_code": "000001"}
    statuses = [api.post("/dossiers", json=body).status_code for _ in range(3)]
    assert statuses[-1] == 429
    refused = api.post("/dossiers", json=body)
    assert refused.get_json()["error"]["code"] == "code_phone_locked"
    assert agrees(refused.get_json()["error"]["message"], refused.headers["Retry-After"])
    with app.app_context():
        assert db.session.scalars(select(PhoneCodeFailures.phone)).all() == [PHONE]
