"""The desk at work in Debian's Chromium: irreversible actions confirmed on the
page, a recorded result corrected, two agencies acting at once on their own steps."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_office import DESK, sign_in
from tests.office.helpers import act, create_officer, create_submitted_dossier, dossier, result_for


@pytest.fixture
def desk_context(browser, live_app):
    """New desks (browser contexts) for officers; no dialog and no JS error may appear."""
    opened, problems = [], []

    def new_desk():
        context = browser.new_context(base_url=live_app.base_url, **DESK)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("dialog", lambda d: problems.append(f"dialog: {d.message}"))
        opened.append(context)
        return page

    yield new_desk
    for context in opened:
        context.close()
    assert problems == [], problems


def test_accepting_asks_on_the_page_what_will_happen_and_who_is_told(desk_context, live_app):
    with live_app.app_context():
        create_officer("tu-phap", username="hoa")
        code = create_submitted_dossier()
    page = desk_context()
    sign_in(page, "hoa")
    page.goto(f"/can-bo/ho-so/{code}")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    confirm = page.get_by_role("group", name="Xác nhận: Tiếp nhận hồ sơ")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("hẹn trả kết quả")
    expect(confirm).to_contain_text("Công dân được báo ngay qua tin nhắn SMS và thư điện tử.")
    # Going back does nothing.
    confirm.get_by_role("button", name="Quay lại, chưa làm").click()
    expect(confirm).to_be_hidden()
    expect(page.locator("#dossier-status")).to_have_text("Mới đăng ký")
    with live_app.app_context():
        assert dossier(code).status == 1
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    confirm.get_by_role("button", name="Xác nhận tiếp nhận hồ sơ").click()
    expect(page.get_by_text("Đã tiếp nhận hồ sơ.")).to_be_visible()
    expect(page.locator("#dossier-status")).to_have_text("Được tiếp nhận")


def test_a_registration_number_typed_wrong_is_corrected_and_both_values_shown(
    desk_context, live_app
):
    with live_app.app_context():
        create_officer("tu-phap", username="hoa")
        code = create_submitted_dossier()
        result = result_for("dang-ky-khai-sinh", dossier(code).answers)
        act(code, "tu-phap", "accept")
    page = desk_context()
    sign_in(page, "hoa")
    page.goto(f"/can-bo/ho-so/{code}")
    form = page.locator("form.action-record_result")
    form.get_by_label("Số đăng ký").fill("152")  # the slip of the finger
    form.get_by_label("Ngày đăng ký").fill(result["ngay_dang_ky"])
    form.get_by_label("Số định danh cá nhân của trẻ").fill(result["so_dinh_danh_tre"])
    form.get_by_role("button", name="Ghi kết quả và chuyển tiếp").click()
    expect(form).to_contain_text("Hồ sơ được chuyển đến Công an xã.")
    form.get_by_role("button", name="Xác nhận ghi kết quả").click()
    expect(page.get_by_text("Số đăng ký: 152").first).to_be_visible()

    page.get_by_text("Sửa kết quả đã ghi: Đăng ký khai sinh").click()
    fix = page.locator("form.action-correct_result")
    expect(fix.get_by_label("Số đăng ký")).to_have_value("152")
    fix.get_by_label("Số đăng ký").fill("125")
    fix.get_by_label("Lý do sửa").fill("Gõ nhầm thứ tự chữ số, sổ ghi 125")
    fix.get_by_role("button", name="Lưu kết quả đã sửa").click()
    expect(page.get_by_text("Đã sửa kết quả.")).to_be_visible()
    history = page.locator("table.history")
    expect(history).to_contain_text("Sửa kết quả đã ghi")
    expect(history).to_contain_text("Số đăng ký: 152 → 125")
    expect(history).to_contain_text("Gõ nhầm thứ tự chữ số, sổ ghi 125")
    expect(page.get_by_text("Số đăng ký: 125;").first).to_be_visible()


def test_insurance_and_labour_act_at_once_on_their_own_steps(desk_context, live_app):
    with live_app.app_context():
        create_officer("bhxh", username="bao")
        create_officer("ldtbxh", username="lao")
        # Filed with both funeral benefits, as before they became exclusive.
        code = create_submitted_dossier("khai-tu")
        answers = dossier(code).answers
        act(code, "tu-phap", "accept")
        for role, pid in (("tu-phap", "dang-ky-khai-tu"), ("cong-an", "xoa-thuong-tru")):
            act(code, role, "record_result", pid, result=result_for(pid, answers))
    desks = []
    for username, pid in (("bao", "tro-cap-mai-tang"), ("lao", "ho-tro-mai-tang")):
        page = desk_context()
        sign_in(page, username)
        page.goto(f"/can-bo/ho-so/{code}")
        form = page.locator("form.action-record_result")
        result = result_for(pid, answers)
        form.get_by_label("Số quyết định").fill(result["so_quyet_dinh"])
        form.get_by_label("Số tiền được hưởng (đồng)").fill(result["so_tien"])
        form.get_by_role("button", name="Ghi kết quả và chuyển tiếp").click()
        desks.append((page, form))
    # Both pages were drawn and filled before either officer confirms.
    for page, form in desks:
        form.get_by_role("button", name="Xác nhận ghi kết quả").click()
        expect(page.get_by_text("Đã ghi kết quả.")).to_be_visible()
    for page, _ in desks:
        page.reload()
        expect(page.locator("#dossier-status")).to_have_text("Đã xử lý xong")
        expect(page.get_by_role("alert")).to_have_count(0)


def test_an_admin_resets_an_officer_whose_other_session_stops_at_its_next_request(
    desk_context, live_app
):
    with live_app.app_context():
        create_officer("quan-tri", username="admin")
        create_officer("tu-phap", username="hoa")
    hoa = desk_context()
    sign_in(hoa, "hoa")
    expect(hoa.get_by_role("link", name="Hồ sơ", exact=True)).to_be_visible()

    admin = desk_context()
    sign_in(admin, "admin")
    admin.get_by_role("link", name="Cán bộ", exact=True).click()
    expect(admin.get_by_role("heading", name="Cán bộ của xã")).to_be_visible()
    admin.get_by_role("button", name="Đặt lại mật khẩu: hoa").click()
    handed = admin.get_by_role("status").filter(has_text="Đã đặt lại mật khẩu của hoa")
    expect(handed).to_be_visible()
    password = admin.locator(".temporary-password").inner_text()
    expect(admin.get_by_role("table").last).to_contain_text("Đặt lại mật khẩu")

    # Hoa's open page: its next request finds the session gone.
    hoa.get_by_role("link", name="Hồ sơ", exact=True).click()
    expect(hoa.get_by_label("Tên đăng nhập")).to_be_visible()
    expect(
        hoa.get_by_text("mật khẩu hoặc khóa đăng nhập của tài khoản vừa được thay đổi")
    ).to_be_visible()
    hoa.get_by_label("Tên đăng nhập").fill("hoa")
    hoa.get_by_label("Mật khẩu").fill(password)
    hoa.get_by_role("button", name="Đăng nhập").click()
    expect(hoa.get_by_role("link", name="Hồ sơ", exact=True)).to_be_visible()
