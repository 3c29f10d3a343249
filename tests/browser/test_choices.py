"""Only what fits (issue 16): nothing optional comes ticked, each procedure says
who it is for, and the phone refuses what the catalog excludes, saying why."""

from playwright.sync_api import expect

from tests.browser.walk import sign_in


def test_the_death_procedures_page_ticks_only_the_required_one_and_refuses_both_funerals(
    phone_page, live_app
):
    page = phone_page
    page.goto("/x/05665")
    page.get_by_role("link", name="Liên thông khai tử").click()
    sign_in(page, live_app)
    expect(page.get_by_role("heading", name="Bạn cần làm những thủ tục nào?")).to_be_visible()
    allowance = page.get_by_role("checkbox", name="Trợ cấp mai táng", exact=True)
    support = page.get_by_role("checkbox", name="Hỗ trợ chi phí mai táng", exact=True)
    expect(page.locator("#p-dang-ky-khai-tu")).to_be_checked()
    for pid in ("xoa-thuong-tru", "tro-cap-mai-tang", "ho-tro-mai-tang"):
        expect(page.locator(f"#p-{pid}")).not_to_be_checked()
    expect(page.locator("main")).to_contain_text("Chọn khi người mất có đăng ký thường trú.")
    expect(page.locator("main")).to_contain_text("Không chọn cùng với Hỗ trợ chi phí mai táng.")

    allowance.check()
    support.check()
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Hỗ trợ chi phí mai táng chỉ dành cho người không được hưởng trợ cấp mai táng"
    )
    expect(page.get_by_role("heading", name="Bạn cần làm những thủ tục nào?")).to_be_visible()
