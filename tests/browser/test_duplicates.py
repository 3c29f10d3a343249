"""A birth already filed from another phone, filed again with the name spelled
otherwise: the citizen is warned on the check page, and the officer sees both
dossiers flagged, each linking to the other."""

from playwright.sync_api import expect

from tests.browser.test_office import DESK
from tests.browser.test_office import sign_in as officer_sign_in
from tests.browser.walk import sign_in, walk_to_confirmation
from tests.domain.sample_answers import valid_birth_answers
from tests.office.helpers import create_officer, create_submitted_dossier

WARNING = "Có thể đã có hồ sơ cho trường hợp này"


def test_a_duplicate_birth_is_flagged_to_the_citizen_and_on_both_dossiers(
    phone_page, browser, live_app, tmp_path
):
    with live_app.app_context():
        create_officer("tu-phap", username="hoa")
        first = create_submitted_dossier(phone="+84987654321")  # the father's phone
    page = phone_page
    page.goto("/x/05665")
    page.get_by_role("link", name="Liên thông khai sinh").click()
    sign_in(page, live_app)
    answers = {**valid_birth_answers(), "tre.ho": "TRAN", "tre.chu_dem": "minh"}
    procedures = ["dang-ky-khai-sinh", "dang-ky-thuong-tru"]
    walk_to_confirmation(page, tmp_path, "khai-sinh", procedures, answers)
    page.go_back()  # the check page, where the warning is
    expect(page.get_by_role("heading", name="Kiểm tra lại thông tin")).to_be_visible()
    warning = page.get_by_role("status").filter(has_text=WARNING)
    expect(warning).to_be_visible()
    expect(warning).not_to_contain_text(first)  # nothing of the other dossier
    # Still allowed to go on: the officer decides.
    expect(page.get_by_role("button", name="Tiếp tục để xác nhận và nộp")).to_be_enabled()

    # The second dossier goes in (a counter or service filing would be the same).
    with live_app.app_context():
        second = create_submitted_dossier(answers={**answers, "nguoi-yeu-cau.email": ""})
    context = browser.new_context(base_url=live_app.base_url, **DESK)
    context.set_default_timeout(15_000)
    desk = context.new_page()
    try:
        officer_sign_in(desk, "hoa")
        for this, other in ((first, second), (second, first)):
            desk.goto(f"/can-bo/ho-so/{this}")
            flag = desk.locator("#trung")
            expect(flag.get_by_role("heading", name="Có thể trùng hồ sơ khác")).to_be_visible()
            flag.get_by_role("link", name=f"Hồ sơ {other}").click()
            expect(desk.get_by_role("heading", name=f"Hồ sơ {other}", exact=True)).to_be_visible()
        desk.get_by_role("button", name=f"Không phải trùng với {second}").click()
        expect(desk.get_by_text("không phải trùng nhau")).to_be_visible()
        expect(desk.locator("#trung")).to_contain_text("Đã đánh dấu không trùng")
    finally:
        context.close()
