"""One wrong confirmation code costs one try (issue 16): the page and the
service worker both sent the code, so the first mistake already said
"Bạn còn 3 lần thử"."""

from playwright.sync_api import expect

from tests.browser.walk import sign_in, walk_to_confirmation
from tests.conftest import last_code
from tests.domain.sample_answers import valid_birth_answers

PROCEDURES = ["dang-ky-khai-sinh", "dang-ky-thuong-tru", "cap-the-bhyt"]


def test_a_wrong_confirmation_code_costs_exactly_one_try(phone_page, live_app, tmp_path):
    page = phone_page
    page.goto("/x/05665")
    page.get_by_role("link", name="Liên thông khai sinh").click()
    sign_in(page, live_app)
    walk_to_confirmation(page, tmp_path, "khai-sinh", PROCEDURES, valid_birth_answers())
    page.get_by_role("button", name="Gửi mã xác nhận").click()
    expect(page.get_by_text("Đã gửi mã đến số")).to_be_visible()
    real = last_code(live_app, "+84912345678")
    wrong = "000000" if real != "000000" else "111111"
    page.get_by_label("Mã xác nhận (6 chữ số)").fill(wrong)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    tries = live_app.config["OTP_MAX_ATTEMPTS"] - 1
    expect(page.get_by_role("alert")).to_contain_text(f"Bạn còn {tries} lần thử")
