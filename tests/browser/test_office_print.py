"""Printing an office page gives a document, not the screen: no header,
navigation, buttons, forms or photos, and few pages."""

import subprocess

from playwright.sync_api import expect

from tests.browser.test_office import desk, sign_in  # noqa: F401  (the fixture)
from tests.office.helpers import create_officer, create_submitted_dossier


def test_the_dossier_page_prints_as_a_document(desk, live_app, tmp_path):  # noqa: F811
    with live_app.app_context():
        create_officer("tu-phap", username="hoa")
        code = create_submitted_dossier()
    page = desk
    sign_in(page, "hoa")
    page.goto(f"/can-bo/ho-so/{code}")
    expect(page.get_by_role("button", name="Tiếp nhận hồ sơ")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
    expect(page.get_by_role("heading", name="Lịch sử xử lý")).to_be_visible()
    for hidden in (
        page.get_by_role("button", name="Tiếp nhận hồ sơ"),
        page.get_by_role("button", name="Đăng xuất"),
        page.get_by_role("navigation", name="Trang cán bộ"),
        page.get_by_role("img").first,
    ):
        expect(hidden).to_be_hidden()

    pdf = tmp_path / "page.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    pages = text.count("\f")
    assert 1 <= pages <= 3, pages  # the screen printed 8 pages
    assert code in text and "Đăng xuất" not in text
