"""The birth declaration, filled from the answers, downloaded from its photo step."""

import re

from playwright.sync_api import expect

from tests.browser.test_offline import open_first_photo_page, take_photos
from tests.domain.sample_answers import valid_birth_answers
from tests.test_papers import pdf_text


def test_the_birth_declaration_downloads_filled_from_the_photo_step(
    phone_context, live_app, tmp_path
):
    page = phone_context.new_page()
    open_first_photo_page(page, live_app)
    expect(page.get_by_role("heading", name="Tờ khai điền sẵn")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("button", name="Tải Tờ khai đăng ký khai sinh (PDF)").click()
    saved = tmp_path / "to-khai.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "to-khai-khai-sinh.pdf"
    text = pdf_text(saved.read_bytes(), tmp_path)
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in text
    assert "Họ, chữ đệm, tên: Trần Minh An" in text and "Nguyễn Thị Lan" in text
    expect(page.get_by_role("status").filter(has_text="Đã tải tờ khai")).to_be_visible()
    # The code an officer types to print it for a citizen without a printer.
    expect(
        page.get_by_text(re.compile(r"Mã tờ khai: [A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}"))
    ).to_be_visible()

    # A browser that cannot share a file (desktop Chromium) downloads it instead.
    with page.expect_download() as shared:
        page.get_by_role("button", name="Chia sẻ Tờ khai đăng ký khai sinh").click()
    assert shared.value.suggested_filename == "to-khai-khai-sinh.pdf"

    # The check page offers every form the dossier asks to sign, at once.
    take_photos(page, tmp_path, valid_birth_answers())
    # Printed from their own photo steps already, so folded here (issue 16).
    page.get_by_text("Tờ khai cần ký: tải lại để in nếu bạn đã sửa thông tin").click()
    expect(page.get_by_role("heading", name="Tờ khai cần ký")).to_be_visible()
    names = []
    page.on("download", lambda d: names.append(d.suggested_filename))
    page.get_by_role("button", name="Tải tất cả tờ khai").click()
    expect(page.get_by_role("status").filter(has_text="Đã tải 2 tờ khai")).to_be_visible()
    assert sorted(names) == ["to-khai-khai-sinh.pdf", "to-khai-tk1-ts.pdf"]  # no CT01 here
