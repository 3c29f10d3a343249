"""The papers viewer at a commune PC's 1366x768 and a phone's 390x844: a zoomed
page reaches all four edges (turned or not), next and previous go through every
page of the dossier, thumbnails are served small and legible."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_office import sign_in
from tests.office.helpers import create_officer, create_submitted_dossier

EDGES = """() => {
  const s = document.getElementById('viewer-stage');
  const img = document.getElementById('viewer-image').getBoundingClientRect();
  const box = s.getBoundingClientRect();
  const inner = { left: box.left + s.clientLeft, top: box.top + s.clientTop };
  inner.right = inner.left + s.clientWidth;
  inner.bottom = inner.top + s.clientHeight;
  s.scrollTo(0, 0);
  const a = document.getElementById('viewer-image').getBoundingClientRect();
  s.scrollTo(s.scrollWidth, s.scrollHeight);
  const b = document.getElementById('viewer-image').getBoundingClientRect();
  return {
    overflows: s.scrollWidth > s.clientWidth && s.scrollHeight > s.clientHeight,
    left: a.left - inner.left, top: a.top - inner.top,
    right: b.right - inner.right, bottom: b.bottom - inner.bottom,
    size: [img.width, img.height],
  };
}"""


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)], ids=["desktop", "phone"])
def test_a_zoomed_page_reaches_all_four_edges(browser, live_app, size):
    with live_app.app_context():
        create_officer("tu-phap", username="hoa")
        code = create_submitted_dossier()
    context = browser.new_context(
        base_url=live_app.base_url, viewport={"width": size[0], "height": size[1]},
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
    )  # fmt: skip
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, "hoa")
        page.goto(f"/can-bo/ho-so/{code}")
        thumb = page.locator(".photo-open img").first
        thumb.scroll_into_view_if_needed()
        # decode() waits for the photo and fails on a broken one (a broken
        # image is `complete` too, with a width of 0).
        width = thumb.evaluate("i => i.decode().then(() => i.naturalWidth)")
        assert 0 < width <= 480  # served small
        assert thumb.bounding_box()["width"] >= 200 or size[0] < 500  # legible on a PC

        page.locator(".photo-open").first.click()
        viewer = page.get_by_role("dialog", name="Xem ảnh giấy tờ")
        expect(viewer).to_be_visible()
        first_label = page.locator("#viewer-label").inner_text()
        assert "ảnh 1/" in first_label
        for _ in range(3):
            viewer.get_by_role("button", name="Phóng to").click()
        expect(page.locator("#viewer-image")).to_have_attribute("data-scale", "3.375")
        for turn in ("0", "90", "180", "270"):
            expect(page.locator("#viewer-image")).to_have_attribute("data-rotation", turn)
            edges = page.evaluate(EDGES)
            assert edges["overflows"], edges
            for side in ("left", "top", "right", "bottom"):
                assert abs(edges[side]) <= 1.5, (turn, edges)
            viewer.get_by_role("button", name="Xoay").click()

        # The keyboard: the stage has the focus; End/Home scroll, PageDown turns the page.
        page.keyboard.press("PageDown")
        expect(page.locator("#viewer-label")).to_contain_text("ảnh 2/")
        viewer.get_by_role("button", name="Trang trước").click()
        expect(page.locator("#viewer-label")).to_have_text(first_label)
        viewer.get_by_role("button", name="Trang trước").click()  # wraps to the last
        expect(page.locator("#viewer-label")).not_to_have_text(first_label)
        href = page.locator("#viewer-original").get_attribute("href")
        assert "?w=" not in href  # the original, on demand
        viewer.get_by_role("button", name="Đóng").click()
        expect(viewer).to_be_hidden()
    finally:
        context.close()
    assert errors == []
