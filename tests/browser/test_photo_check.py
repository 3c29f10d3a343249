"""The photo check on a photo step: a blurred photo is explained, and the citizen
retakes it or keeps it anyway."""

import sys
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.test_offline import open_first_photo_page
from tests.browser.test_page_invariants import SAME_NAMES

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import photo_set  # noqa: E402


def test_a_blurred_photo_is_explained_and_may_be_kept_anyway(phone_context, live_app, tmp_path):
    page = phone_context.new_page()
    open_first_photo_page(page, live_app)
    blurred = tmp_path / "mo.jpg"
    blurred.write_bytes(photo_set.jpeg(photo_set.make("blurred", 7)))

    page.get_by_label("Chụp ảnh").set_input_files(str(blurred))
    expect(page.get_by_role("heading", name="Ảnh này có thể khó đọc")).to_be_visible()
    expect(page.get_by_text("Ảnh bị mờ: giữ yên điện thoại và chụp lại")).to_be_visible()
    expect(page.locator(".photos li")).to_have_count(0)  # nothing kept yet

    page.get_by_role("button", name="Chụp lại").click()
    expect(page.get_by_text("Đã bỏ ảnh vừa chụp. Hãy chụp lại.")).to_be_visible()
    expect(page.locator(".photos li")).to_have_count(0)

    page.get_by_label("Chụp ảnh").set_input_files(str(blurred))
    page.get_by_role("button", name="Vẫn giữ ảnh này").click()
    expect(page.locator(".photos li")).to_have_count(1)
    expect(page.get_by_role("heading", name="Ảnh này có thể khó đọc")).to_be_hidden()

    # A second page: each photo's buttons say which page they act on.
    page.get_by_label("Chụp ảnh").set_input_files(str(blurred))
    page.get_by_role("button", name="Vẫn giữ ảnh này").click()
    expect(page.locator(".photos li")).to_have_count(2)
    expect(page.get_by_role("button", name="Xóa trang 2", exact=True)).to_be_visible()
    assert page.evaluate(SAME_NAMES) == []
    page.get_by_role("button", name="Chụp lại trang 1", exact=True).click()
    expect(page.get_by_text("Đã xóa ảnh cũ. Hãy chụp lại.")).to_be_visible()
    expect(page.locator(".photos li")).to_have_count(1)
