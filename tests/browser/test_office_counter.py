"""A walk-in citizen without a smartphone, filed at the counter in Debian's Chromium
and processed to the end: accepted, registered, handed over."""

from playwright.sync_api import expect

from domain import validation
from domain.catalog import get_field
from tests.browser.test_office import desk, sign_in  # noqa: F401  (the fixture)
from tests.helpers import jpeg_bytes
from tests.office.helpers import act, answers_for, create_officer, dossier, result_for


def fill_answers(page, answers: dict, procedures: list[str]) -> None:
    form = page.locator("form.counter-form")
    sections = set(validation.sections_for("khai-sinh", procedures))
    for key, value in answers.items():
        if key.split(".")[0] not in sections:
            continue
        kind = get_field(key)["type"]
        if kind == "radio":
            form.locator(f'input[name="{key}"][value="{value}"]').check()
        elif kind == "select":
            form.locator(f'select[name="{key}"]').select_option(value)
        else:
            form.locator(f'[name="{key}"]').fill(value)


def add_page(page, title: str, tmp_path) -> None:
    photo = tmp_path / "trang.jpg"
    photo.write_bytes(jpeg_bytes())
    page.get_by_label(f"Ảnh một trang: {title}").set_input_files(str(photo))
    page.get_by_role("region", name=title).get_by_role("button", name="Thêm trang").click()
    expect(page.get_by_text("Đã thêm trang.")).to_be_visible()


def test_a_walk_in_is_filed_at_the_counter_and_processed_to_the_end(
    desk,  # noqa: F811
    live_app,
    tmp_path,
):
    with live_app.app_context():
        create_officer("tu-phap", username="hoa")
    page = desk
    sign_in(page, "hoa")
    page.get_by_role("link", name="Nộp tại quầy").click()
    expect(page.get_by_role("heading", name="Nộp hồ sơ tại quầy cho công dân")).to_be_visible()
    page.get_by_label("Đăng ký thường trú").first.check()
    page.get_by_role("button", name="Bắt đầu nhập hồ sơ").click()
    expect(page.get_by_text("Công dân không có điện thoại")).to_be_visible()

    fill_answers(page, answers_for("khai-sinh"), ["dang-ky-khai-sinh", "dang-ky-thuong-tru"])
    page.get_by_role("button", name="Lưu thông tin").click()
    expect(page.get_by_text("Đã lưu thông tin.")).to_be_visible()
    for title in ("Giấy chứng sinh", "Tờ khai đăng ký khai sinh đã ký"):
        add_page(page, title, tmp_path)
    missing = page.locator(".notice").filter(has_text="Còn thiếu trước khi nộp")
    while missing.count():  # any other paper these answers ask for
        title = missing.locator("li").first.inner_text().removeprefix("Ảnh: ")
        add_page(page, title, tmp_path)

    page.get_by_role("link", name="in giấy cam kết").click()
    expect(
        page.get_by_role("heading", name="Giấy cam kết nộp hồ sơ tại Bộ phận một cửa")
    ).to_be_visible()
    expect(page.get_by_text("Nguyễn Thị Lan").first).to_be_visible()
    page.get_by_role("link", name="Đã ký: chụp giấy cam kết").click()
    add_page(page, "Giấy cam kết nộp hồ sơ tại quầy (có chữ ký của công dân)", tmp_path)
    page.get_by_label("Giấy cam kết có chữ ký của công dân (đã chụp ở mục 2)").check()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()

    expect(page.get_by_text("tại quầy. Hãy kiểm tra")).to_be_visible()
    expect(page.locator("#counter-filed")).to_contain_text("Nộp tại quầy")
    code = page.get_by_role("heading", level=1).inner_text().removeprefix("Hồ sơ ")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    page.get_by_role("button", name="Xác nhận tiếp nhận hồ sơ").click()
    expect(page.locator("#dossier-status")).to_have_text("Được tiếp nhận")
    expect(
        page.get_by_role("link", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)")
    ).to_be_visible()

    with live_app.app_context():
        answers = dossier(code).answers
    result = result_for("dang-ky-khai-sinh", answers)
    form = page.locator("form.action-record_result")
    form.get_by_label("Số đăng ký").fill(result["so_dang_ky"])
    form.get_by_label("Ngày đăng ký").fill(result["ngay_dang_ky"])
    form.get_by_label("Số định danh cá nhân của trẻ").fill(result["so_dinh_danh_tre"])
    form.get_by_role("button", name="Ghi kết quả và chuyển tiếp").click()
    form.get_by_role("button", name="Xác nhận ghi kết quả").click()
    expect(page.locator("#dossier-status")).to_have_text("Đang xử lý")
    with live_app.app_context():
        act(code, "cong-an", "record_result", "dang-ky-thuong-tru",
            result=result_for("dang-ky-thuong-tru", answers))  # fmt: skip
    page.reload()
    expect(page.locator("#dossier-status")).to_have_text("Đã xử lý xong")
    page.get_by_role("button", name="Trả kết quả tại UBND xã").click()
    page.get_by_role("button", name="Xác nhận trả kết quả tại UBND xã").click()
    expect(page.locator("#dossier-status")).to_have_text("Đã trả kết quả")
    with live_app.app_context():
        d = dossier(code)
        assert d.channel == "counter" and d.status == 10
