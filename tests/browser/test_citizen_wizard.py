"""A citizen on a 390x844 phone files linked dossiers from the commune's QR link."""

from playwright.sync_api import expect
from sqlalchemy import select

from extensions import db
from models import Dossier, Upload
from tests.browser.walk import choose_procedures, fill_section, sign_in, walk_wizard
from tests.domain.sample_answers import valid_birth_answers, valid_death_answers


def test_group_one_from_the_qr_link_to_the_dossier_code_and_tracking(
    phone_page, live_app, tmp_path
):
    page = phone_page
    page.goto("/x/05665")
    expect(page.get_by_role("heading", name="Xã Văn Lăng")).to_be_visible()
    expect(page.get_by_text("Thái Nguyên").first).to_be_visible()
    page.get_by_role("link", name="Liên thông khai sinh").click()
    sign_in(page, live_app)
    procedures = ["dang-ky-khai-sinh", "dang-ky-thuong-tru", "cap-the-bhyt"]
    code = walk_wizard(page, live_app, tmp_path, "khai-sinh", procedures, valid_birth_answers())
    expect(page.get_by_text("Hạn trả kết quả dự kiến")).to_be_visible()
    expect(page.get_by_text("0123 456 789").first).to_be_visible()
    with live_app.app_context():
        dossier = db.session.scalars(select(Dossier)).one()
        assert dossier.code == code
        assert dossier.procedure_ids == procedures
        assert db.session.scalars(select(Upload).where(Upload.dossier_id == dossier.id)).all()

    # Anyone with the code and the phone's last four digits can follow it.
    page.context.clear_cookies()
    page.goto("/theo-doi")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("4 số cuối").fill("5678")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("heading", name="Tình trạng hồ sơ")).to_be_visible()
    expect(page.get_by_text("Mới đăng ký").first).to_be_visible()


def test_group_two_with_three_chained_procedures(phone_page, live_app, tmp_path):
    page = phone_page
    page.goto("/x/05665")
    page.get_by_role("link", name="Liên thông khai tử").click()
    sign_in(page, live_app)
    procedures = ["dang-ky-khai-tu", "xoa-thuong-tru", "tro-cap-mai-tang"]
    code = walk_wizard(page, live_app, tmp_path, "khai-tu", procedures, valid_death_answers())
    with live_app.app_context():
        dossier = db.session.scalars(select(Dossier).where(Dossier.code == code)).one()
        assert dossier.procedure_ids == procedures


def test_a_future_birth_date_is_stopped_on_its_page_with_a_message(phone_page, live_app):
    page = phone_page
    page.goto("/x/05665")
    page.get_by_role("link", name="Liên thông khai sinh").click()
    sign_in(page, live_app)
    choose_procedures(page)
    answers = valid_birth_answers()
    first_section = page.locator("h1").inner_text()
    assert first_section
    # Walk to the child's page, then type a date in the future.
    from domain import validation

    for section_id in validation.sections_for("khai-sinh", ["dang-ky-khai-sinh"]):
        if section_id == "tre":
            break
        fill_section(page, section_id, answers)
        page.get_by_role("button", name="Tiếp tục").click()
    bad = dict(answers, **{"tre.ngay_sinh": "2099-01-01"})
    fill_section(page, "tre", bad)
    page.get_by_role("button", name="Tiếp tục").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Ngày sinh")
    expect(page.locator(".step")).to_contain_text("Bước")


def test_answers_survive_closing_the_tab_and_resume_where_left(phone_page, live_app, browser):
    page = phone_page
    page.goto("/x/05665")
    page.get_by_role("link", name="Liên thông khai sinh").click()
    sign_in(page, live_app)
    choose_procedures(page)
    answers = valid_birth_answers()
    from domain import validation

    first = validation.sections_for("khai-sinh", ["dang-ky-khai-sinh"])[0]
    fill_section(page, first, answers)
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator(".step")).to_contain_text("Bước 3 ·")
    url = page.url
    resumed = page.context.new_page()
    page.close()
    resumed.goto(url.split("#")[0])
    expect(resumed.locator(".step")).to_contain_text("Bước 3 ·")
    resumed.get_by_role("link", name="Quay lại").click()
    key = next(k for k, v in answers.items() if k.startswith(first + ".") and v)
    field_id = "#f-" + key.replace(".", "-")
    if resumed.locator(field_id).count():
        value = resumed.locator(field_id).input_value()
        assert value == answers[key]
