"""An officer in Chromium with a virtual authenticator: the password, then the
first passkey; the next sign-in asks for the passkey after the password."""

import pytest
from playwright.sync_api import expect

from tests.browser.authenticator import passkey_page
from tests.office.helpers import PASSWORD, create_officer

DESK = {"viewport": {"width": 1280, "height": 900}, "locale": "vi-VN"}
QUEUE = "Hồ sơ của Công chức Tư pháp - Hộ tịch"


@pytest.fixture
def desk(browser, live_app):
    live_app.config["OFFICER_PASSKEY_REQUIRED"] = True
    with live_app.app_context():
        create_officer("tu-phap", username="hoa")
    yield from passkey_page(browser, live_app, DESK)


def password(page):
    page.goto("/can-bo/")
    page.get_by_label("Tên đăng nhập").fill("hoa")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_an_officer_makes_a_passkey_at_first_and_needs_it_after_the_password(desk):
    page = desk
    password(page)
    expect(
        page.get_by_role("heading", name="Tạo khóa đăng nhập cho tài khoản cán bộ")
    ).to_be_visible()
    page.get_by_role("button", name="Tạo khóa đăng nhập").click()
    expect(page.get_by_role("heading", name=QUEUE)).to_be_visible()
    page.get_by_role("button", name="Đăng xuất").click()

    password(page)
    expect(page.get_by_role("heading", name="Xác nhận bằng khóa đăng nhập")).to_be_visible()
    page.goto("/can-bo/")  # the password alone opens nothing
    expect(page.get_by_role("heading", name="Đăng nhập cán bộ")).to_be_visible()

    password(page)
    page.authenticator.respond_with(isBogusSignature=True)
    page.get_by_role("button", name="Xác nhận bằng khóa đăng nhập").click()
    expect(page.get_by_role("alert").first).to_contain_text("Không xác minh được")
    page.authenticator.respond_with(isBogusSignature=False)
    page.get_by_role("button", name="Xác nhận bằng khóa đăng nhập").click()
    expect(page.get_by_role("heading", name=QUEUE)).to_be_visible()


def test_the_passkey_button_waits_for_its_script(desk):
    """On a slow line the page is drawn before its script arrives; a button
    that nothing listens to yet must not look ready (a tap would do nothing)."""
    page = desk
    page.route("**/office-passkey*.js", lambda route: route.abort())
    password(page)
    expect(page.get_by_role("button", name="Tạo khóa đăng nhập")).to_be_disabled()
    page.unroute("**/office-passkey*.js")
    page.reload()
    expect(page.get_by_role("button", name="Tạo khóa đăng nhập")).to_be_enabled()
