"""An officer processes a dossier in Debian's Chromium: sign in, look at the photos,
accept, register the birth; the citizen's tracking page follows; the poster scans."""

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from extensions import db
from models import Notification
from tests.office.helpers import PASSWORD, create_officer, create_submitted_dossier, result_for

DESK = {"viewport": {"width": 1280, "height": 900}, "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh"}  # fmt: skip


@pytest.fixture
def desk(browser, live_app):
    context = browser.new_context(base_url=live_app.base_url, **DESK)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def sign_in(page, username):
    page.goto("/can-bo/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_an_officer_accepts_and_registers_a_birth_and_the_citizen_sees_it(desk, live_app):
    with live_app.app_context():
        create_officer("tu-phap", username="hoa")
        code = create_submitted_dossier()
        from tests.office.helpers import dossier

        result = result_for("dang-ky-khai-sinh", dossier(code).answers)
    page = desk
    sign_in(page, "hoa")
    expect(
        page.get_by_role("heading", name="Hồ sơ của Công chức Tư pháp - Hộ tịch")
    ).to_be_visible()
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
    expect(page.get_by_text("Nguyễn Thị Lan").first).to_be_visible()

    # The photo opens large, zooms and turns.
    page.locator(".photo-open").first.click()
    viewer = page.get_by_role("dialog", name="Xem ảnh giấy tờ")
    expect(viewer).to_be_visible()
    viewer.get_by_role("button", name="Phóng to").click()
    viewer.get_by_role("button", name="Xoay").click()
    image = page.locator("#viewer-image")
    expect(image).to_have_attribute("data-scale", "1.5")
    expect(image).to_have_attribute("data-rotation", "90")
    assert "rotate(90deg)" in image.evaluate("e => e.style.transform")
    viewer.get_by_role("button", name="Đóng").click()
    expect(viewer).to_be_hidden()

    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    page.get_by_role("button", name="Xác nhận tiếp nhận hồ sơ").click()
    expect(page.get_by_text("Đã tiếp nhận hồ sơ.")).to_be_visible()
    expect(page.locator("#dossier-status")).to_have_text("Được tiếp nhận")

    form = page.locator("form.action-record_result")
    form.get_by_label("Số đăng ký").fill(result["so_dang_ky"])
    form.get_by_label("Ngày đăng ký").fill(result["ngay_dang_ky"])
    form.get_by_label("Số định danh cá nhân của trẻ").fill(result["so_dinh_danh_tre"])
    form.get_by_role("button", name="Ghi kết quả và chuyển tiếp").click()
    form.get_by_role("button", name="Xác nhận ghi kết quả").click()
    expect(page.locator("#dossier-status")).to_have_text("Đang xử lý")
    expect(page.get_by_text("Số đăng ký: 125").first).to_be_visible()

    # The citizen follows it by code and the phone's last four digits.
    page.goto("/theo-doi")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("4 số cuối").fill("5678")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator("#dossier-status")).to_have_text("Đang xử lý")
    expect(page.get_by_text("Đã chuyển đến Công an xã.")).to_be_visible()
    with live_app.app_context():
        outbox = db.session.scalars(db.select(Notification)).all()
        # The receipt, by SMS and (since issue 12) by email too, then the steps' messages.
        assert sorted(n.channel for n in outbox) == ["email", "email", "email", "sms", "sms"]


def test_the_poster_preview_scans_back_to_the_commune_link(desk, live_app):
    with live_app.app_context():
        create_officer("quan-tri", username="admin")
    page = desk
    sign_in(page, "admin")
    page.get_by_role("link", name="Áp phích QR").click()
    preview = page.locator("#poster-preview")
    expect(preview).to_be_visible()
    assert preview.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    shot = Image.open(io.BytesIO(preview.screenshot()))
    assert [r.text for r in zxingcpp.read_barcodes(shot)] == [f"{live_app.base_url}/x/05665"]
