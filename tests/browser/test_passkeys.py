"""Passkeys in Debian's Chromium with a virtual authenticator: a citizen creates
one after the SMS sign-up, comes back with it and submits a dossier confirmed
by it, with no SMS at all; bad answers are refused and change nothing."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from extensions import db
from models import Dossier, Passkey, UserSession
from tests.browser.authenticator import passkey_page
from tests.browser.conftest import PHONE
from tests.browser.walk import filed_code, sign_in, walk_to_confirmation
from tests.conftest import make_citizen, read_sms
from tests.domain.sample_answers import valid_birth_answers
from tests.helpers import session_cookie

PROCEDURES = ["dang-ky-khai-sinh", "dang-ky-thuong-tru", "cap-the-bhyt"]
SIGN_IN_BUTTON = "Đăng nhập bằng khóa đăng nhập"


@pytest.fixture
def phone(browser, live_app):
    """A phone with a fingerprint-unlocked passkey store, on http://localhost:<port>."""
    yield from passkey_page(browser, live_app, PHONE)


def passkey_row(app) -> Passkey:
    with app.app_context():
        passkey = db.session.scalars(select(Passkey)).one()
        db.session.expunge(passkey)
        return passkey


def signed_in(page) -> bool:
    page.goto("/ho-so")
    return page.get_by_role("heading", name="Hồ sơ của tôi").count() == 1


@pytest.fixture
def citizen_with_passkey(phone, live_app):
    """A citizen who made a passkey on the account page, then signed out."""
    citizen_id = make_citizen(live_app)
    cookie = session_cookie(live_app, citizen_id)
    origin = f"http://localhost:{live_app.live.port}"
    phone.context.add_cookies([{"name": "session", "value": cookie, "url": origin}])
    phone.goto("/tai-khoan/khoa-dang-nhap")
    phone.get_by_label("Tên khóa").fill("Điện thoại của Lan")
    phone.get_by_role("button", name="Tạo khóa đăng nhập").click()
    expect(phone.locator(".passkey")).to_contain_text("Điện thoại của Lan")
    # Signed out the citizen's way: the server ends the session, so a request
    # still in flight cannot put a working cookie back (clear_cookies() could).
    phone.goto("/ho-so")
    phone.get_by_role("button", name="Đăng xuất").click()
    expect(phone.get_by_role("heading", name="Khai sinh, khai tử liên thông")).to_be_visible()
    with live_app.app_context():
        open_sessions = select(UserSession).where(
            UserSession.citizen_id == citizen_id, UserSession.ended_at.is_(None)
        )
        assert db.session.scalars(open_sessions).all() == []
    return citizen_id


def try_passkey_sign_in(page):
    page.goto("/dang-nhap/")
    page.get_by_role("button", name=SIGN_IN_BUTTON).click()


def test_a_returning_citizen_signs_in_and_submits_with_a_passkey_and_no_sms(
    phone, live_app, tmp_path
):
    page = phone
    page.goto("/x/05665")
    page.get_by_role("link", name="Liên thông khai sinh").click()
    sign_in(page, live_app)  # the first time: phone number and SMS code
    expect(
        page.get_by_role("heading", name="Lần sau đăng nhập không cần chờ tin nhắn")
    ).to_be_visible()
    page.get_by_role("button", name="Tạo khóa đăng nhập").click()
    expect(page.get_by_role("heading", name="Bạn cần làm những thủ tục nào?")).to_be_visible()
    [credential] = page.authenticator.credentials()
    assert credential["isResidentCredential"] is True
    stored = passkey_row(live_app)
    assert stored.transports == ["internal"] and stored.aaguid and stored.public_key

    page.goto("/ho-so")
    page.get_by_role("button", name="Đăng xuất").click()
    # The phone is emptied first, then the form is sent: wait for the home page.
    expect(page.get_by_role("link", name="Hồ sơ của tôi")).to_have_count(0)
    sms_before = len(read_sms(live_app))

    # Coming back: no phone number, no code.
    page.goto("/x/05665")
    page.get_by_role("link", name="Liên thông khai sinh").click()
    page.get_by_role("button", name=SIGN_IN_BUTTON).click()
    walk_to_confirmation(page, tmp_path, "khai-sinh", PROCEDURES, valid_birth_answers())
    expect(page.get_by_role("button", name="Gửi mã xác nhận")).to_be_hidden()
    page.get_by_role("button", name="Xác nhận bằng khóa đăng nhập và nộp").click()
    code = filed_code(page)

    sms_sent = len(read_sms(live_app)) - sms_before
    print(
        f"\nSMS sent while a returning citizen signed in with a passkey and submitted: {sms_sent}"
    )
    assert sms_sent == 0
    with live_app.app_context():
        assert db.session.scalars(select(Dossier.code)).all() == [code]
    used = passkey_row(live_app)
    assert used.last_used_at is not None and used.sign_count > stored.sign_count


def test_a_dossier_waiting_in_the_outbox_is_confirmed_with_the_passkey_without_sms(
    phone, live_app, tmp_path, citizen_with_passkey
):
    page = phone
    try_passkey_sign_in(page)
    expect(page.get_by_role("heading", name="Khai sinh, khai tử liên thông")).to_be_visible()
    page.goto("/ho-so/moi?xa=05665&nhom=khai-sinh")
    walk_to_confirmation(page, tmp_path, "khai-sinh", PROCEDURES, valid_birth_answers())
    page.context.set_offline(True)
    page.get_by_role("link", name="Quay lại").click()
    page.get_by_role("button", name="Tiếp tục để xác nhận và nộp").click()
    page.get_by_role("button", name="Nộp khi có mạng").click()
    expect(page.get_by_text("xác nhận bằng khóa đăng nhập để hoàn tất")).to_be_visible()
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    item = page.locator(".outbox-item")
    expect(item.locator(".tag")).to_have_text("Chờ xác nhận")
    item.get_by_role("button", name="Xác nhận bằng khóa đăng nhập").click()
    filed_code(page)
    assert read_sms(live_app) == []


def test_a_bad_signature_is_refused_and_nobody_is_signed_in(phone, live_app, citizen_with_passkey):
    before = passkey_row(live_app)
    phone.authenticator.respond_with(isBogusSignature=True)
    try_passkey_sign_in(phone)
    expect(phone.get_by_role("alert")).to_contain_text("Không xác minh được khóa đăng nhập")
    assert not signed_in(phone)
    assert passkey_row(live_app).sign_count == before.sign_count


def test_a_wrong_origin_is_refused(phone, live_app, citizen_with_passkey):
    live_app.config["WEBAUTHN_ORIGINS"] = ["https://dichvucong.example.vn"]
    try_passkey_sign_in(phone)
    expect(phone.get_by_role("alert")).to_contain_text("không dành cho địa chỉ trang này")
    assert not signed_in(phone)
    assert passkey_row(live_app).last_used_at is None


def test_a_removed_passkey_is_refused_with_the_way_back_by_sms(
    phone, live_app, citizen_with_passkey
):
    try_passkey_sign_in(phone)
    expect(phone.get_by_role("heading", name="Khai sinh, khai tử liên thông")).to_be_visible()
    phone.goto("/tai-khoan/khoa-dang-nhap")
    phone.get_by_text("Xóa khóa này").click()
    phone.get_by_role("button", name="Xóa khóa “Điện thoại của Lan”").click()
    expect(phone.get_by_role("status")).to_contain_text("mã SMS")
    phone.context.clear_cookies()
    try_passkey_sign_in(phone)
    expect(phone.get_by_role("alert")).to_contain_text("không còn dùng được")
    assert not signed_in(phone)


def test_a_cloned_key_whose_sign_count_goes_backwards_is_refused(
    phone, live_app, citizen_with_passkey
):
    [original] = phone.authenticator.credentials()
    try_passkey_sign_in(phone)
    expect(phone.get_by_role("heading", name="Khai sinh, khai tử liên thông")).to_be_visible()
    counted = passkey_row(live_app).sign_count
    phone.context.clear_cookies()
    phone.authenticator.put_back({**original, "signCount": 0})
    try_passkey_sign_in(phone)
    expect(phone.get_by_role("alert")).to_contain_text("có dấu hiệu bị sao chép")
    assert not signed_in(phone)
    assert passkey_row(live_app).sign_count == counted


def test_a_replayed_challenge_is_refused(phone, live_app, citizen_with_passkey):
    """Real authenticator answers: a refused one spends the challenge, and an
    answer that worked never works again."""
    phone.goto("/dang-nhap/")
    run = """async (options) => {
      const { api } = await import('/static/js/api.js');
      const { get } = await import('/static/js/passkeys.js');
      const credential = await get(options);
      const status = await api('POST', '/passkeys/sign-in', { credential })
        .then(() => 'ok', (e) => e.code);
      return [status, credential];
    }"""
    options = phone.evaluate(
        "import('/static/js/api.js').then(({ api }) => api('POST', '/passkeys/sign-in-options'))"
    )
    phone.authenticator.respond_with(isBogusSignature=True)
    assert phone.evaluate(run, options)[0] == "passkey_invalid"
    phone.authenticator.respond_with(isBogusSignature=False)
    status, _ = phone.evaluate(run, options)  # a good signature, a spent challenge
    assert status == "passkey_replayed"

    fresh = phone.evaluate(
        "import('/static/js/api.js').then(({ api }) => api('POST', '/passkeys/sign-in-options'))"
    )
    status, answer = phone.evaluate(run, fresh)
    assert status == "ok"
    again = phone.evaluate(
        """async (credential) => {
          const { api } = await import('/static/js/api.js');
          return api('POST', '/passkeys/sign-in', { credential }).then(() => 'ok', (e) => e.code);
        }""",
        answer,
    )
    # Bound to the session that asked for it, which signing in replaced; and spent.
    assert again == "passkey_challenge"
