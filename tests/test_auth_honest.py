"""Every message about a sign-in code is true when it is shown (issue 16): a
code sent or not sent and why, a resend button always in sight, and the
passkey offer last on the page, saying why when the browser cannot use one."""

import html

from tests.conftest import csrf_from, last_code, read_sms
from tests.test_auth import ask_for_code, enter_code


def text_of(response) -> str:
    return html.unescape(response.text)


def test_the_code_page_says_when_the_code_was_sent(client, app):
    ask_for_code(client)
    page = text_of(client.get("/dang-nhap/nhap-ma"))
    assert "Đã gửi mã đến số" in page
    assert len(read_sms(app)) == 1


def test_asking_again_while_the_code_still_works_says_no_new_code_was_sent(client, app):
    ask_for_code(client)
    other_browser = app.test_client()  # the QR opened in Zalo, then in Chrome
    ask_for_code(other_browser)
    page = text_of(other_browser.get("/dang-nhap/nhap-ma"))
    assert "Chưa gửi mã mới" in page
    assert "Đã gửi mã đến số" not in page
    assert len(read_sms(app)) == 1
    # ...and the code of that first SMS signs this browser in.
    assert enter_code(other_browser, last_code(app, "+84912345678")).status_code == 302


def test_signing_in_again_after_the_code_was_used_sends_a_new_code_at_once(client, app):
    ask_for_code(client)
    first = last_code(app, "+84912345678")
    assert enter_code(client, first).status_code == 302  # signed in inside Zalo

    browser = app.test_client()
    ask_for_code(browser)  # seconds later, in the browser
    assert len(read_sms(app)) == 2
    page = text_of(browser.get("/dang-nhap/nhap-ma"))
    assert "Đã gửi mã đến số" in page
    assert enter_code(browser, last_code(app, "+84912345678")).status_code == 302


def test_a_used_code_says_so_and_names_a_button_that_is_on_the_page(client, app):
    ask_for_code(client)
    code = last_code(app, "+84912345678")
    other = app.test_client()
    ask_for_code(other)
    enter_code(client, code)  # the first browser used it
    refused = text_of(enter_code(other, code))
    assert "đã được dùng rồi" in refused
    assert "Chưa có mã nào đang chờ" not in refused
    assert "“Gửi lại mã”" in refused
    # The resend is a button in sight, not folded away behind "Chưa nhận được".
    assert "<details" not in refused
    assert '<button type="submit" class="button secondary" data-wait="0">Gửi lại mã</button>' in (
        refused
    )


def test_resending_right_after_the_code_was_spent_sends_one(client, app):
    app.config["OTP_MAX_ATTEMPTS"] = 1
    ask_for_code(client)
    real = last_code(app, "+84912345678")
    wrong = "000000" if real != "000000" else "111111"
    assert "hết số lần thử" in text_of(enter_code(client, wrong))
    page = text_of(client.get("/dang-nhap/nhap-ma"))
    assert "Mã trước không còn dùng được" in page
    assert 'data-wait="0"' in page

    client.post("/dang-nhap/gui-lai-ma", data={"csrf_token": csrf_from(page)})
    assert len(read_sms(app)) == 2


def test_the_passkey_offer_comes_after_the_phone_account_and_says_why_when_unusable(client):
    page = text_of(client.get("http://localhost/dang-nhap/"))
    phone = page.index("Tài khoản số điện thoại")
    passkey = page.index("Đăng nhập bằng khóa đăng nhập")
    assert phone < passkey
    # Without the script (or a browser without WebAuthn) the reason is what shows.
    assert "Trình duyệt này chưa dùng được khóa đăng nhập" in page
