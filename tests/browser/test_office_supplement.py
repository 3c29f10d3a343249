"""The citizen answers a supplement request on a phone: photographs the paper asked
for, corrects an answer and resubmits."""

from playwright.sync_api import expect

from tests.browser.walk import photo, sign_in
from tests.office.helpers import act, create_submitted_dossier, dossier, result_for

ASK = "Trẻ đăng ký thường trú tại nhà ông bà: hãy sửa nơi đăng ký và gửi tờ khai CT01."


def test_a_supplement_is_photographed_corrected_and_resubmitted(phone_page, live_app, tmp_path):
    with live_app.app_context():
        code = create_submitted_dossier()
        act(code, "tu-phap", "accept")
        result = result_for("dang-ky-khai-sinh", dossier(code).answers)
        act(code, "tu-phap", "record_result", "dang-ky-khai-sinh", result=result)
        act(code, "cong-an", "request_supplement", "dang-ky-thuong-tru",
            reason=ASK, sections=["thuong-tru"])  # fmt: skip
    page = phone_page
    page.goto(f"/ho-so/{code}")
    sign_in(page, live_app)
    expect(page.get_by_text(ASK, exact=True)).to_be_visible()
    page.get_by_role("link", name="Bổ sung hồ sơ").click()

    page.get_by_label("Nơi khác, ví dụ nhà ông bà").check()
    page.get_by_role("button", name="Nộp bổ sung").click()
    expect(
        page.get_by_text("Hãy chụp và tải lên: Tờ khai thay đổi thông tin cư trú")
    ).to_be_visible()

    paper = page.locator('[data-attachment="to-khai-ct01"]')
    paper.get_by_label("Chụp ảnh Tờ khai thay đổi thông tin cư trú").set_input_files(
        photo(tmp_path)
    )
    expect(paper.get_by_text("Đã tải lên ảnh mới.")).to_be_visible()
    expect(paper.locator(".photos li")).to_have_count(1)
    page.get_by_role("button", name="Nộp bổ sung").click()
    expect(page.get_by_role("status").filter(has_text="Đã nộp bổ sung")).to_be_visible()
    expect(page.locator("#dossier-status")).to_have_text("Đang xử lý")
    with live_app.app_context():
        assert dossier(code).answers["thuong-tru.noi_dang_ky"] == "khac"
