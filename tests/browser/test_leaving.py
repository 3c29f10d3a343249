"""Leaving a shared phone: signing out erases what the phone keeps of the citizen,
after a warning in the page when something is not sent yet."""

from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.offline import device
from tests.browser.test_offline import PROCEDURES, fill_pages, open_first_photo_page, sections
from tests.browser.walk import choose_procedures, photo, sign_in
from tests.domain.sample_answers import valid_birth_answers

SIGN_OUT = "/dang-nhap/dang-xuat"
WARNING = "Điện thoại này còn hồ sơ chưa gửi xong"
LEAVE = "Vẫn đăng xuất và xóa khỏi máy này"

# Records what the page says to its service worker (in localStorage, which
# outlives the sign-out's navigation), and whether a warning was ever shown.
SPY = """
if (self.ServiceWorker && !ServiceWorker.prototype.spied) {
  const post = ServiceWorker.prototype.postMessage;
  ServiceWorker.prototype.spied = true;
  ServiceWorker.prototype.postMessage = function (message, ...rest) {
    if (typeof message === 'string') {
      const said = JSON.parse(localStorage.getItem('said-to-worker') || '[]');
      localStorage.setItem('said-to-worker', JSON.stringify([...said, message]));
    }
    return post.call(this, message, ...rest);
  };
}
if (self.document) {
  new MutationObserver(() => {
    if (document.querySelector('dialog, [role=alertdialog]')) localStorage.setItem('warned', '1');
  }).observe(document, { childList: true, subtree: true });
}
"""


def sign_out_posts(page) -> list:
    posts = []
    page.on(
        "request",
        lambda r: posts.append(r.url) if r.method == "POST" and r.url.endswith(SIGN_OUT) else None,
    )
    return posts


def meta_keys(page) -> set:
    return {row["key"] for row in device(page, "meta")}


def cache_names(page) -> list:
    return page.evaluate("caches.keys()")


def assert_signed_out(page, live_app):
    expect(page).to_have_url(live_app.base_url + "/")
    expect(page.get_by_role("link", name="Hồ sơ của tôi")).to_have_count(0)


def test_a_citizen_with_a_draft_on_the_phone_is_warned_may_stay_and_then_leaves_nothing(
    phone_context, live_app, tmp_path
):
    phone_context.add_init_script(SPY)
    page = phone_context.new_page()
    open_first_photo_page(page, live_app)  # signed in, every answer typed
    # The photo stays on the phone only: its upload never reaches the server.
    live_app.network.hang("POST", r"^/api/v1/drafts/[^/]+/uploads$", times=None)
    page.get_by_label("Chụp ảnh").set_input_files(photo(tmp_path))
    expect(page.locator(".photos li")).to_have_count(1)
    # Something a later version might keep outside the app shell's cache.
    page.evaluate("caches.open('citizen-kept').then((c) => c.put('/kept', new Response('x')))")
    assert "account" in meta_keys(page) and "catalog" in meta_keys(page)

    page.goto("/ho-so")
    expect(page.get_by_role("heading", name="Hồ sơ của tôi")).to_be_visible()
    posts = sign_out_posts(page)
    sign_out = page.get_by_role("button", name="Đăng xuất")
    sign_out.dblclick()  # a double tap: one warning
    warning = page.get_by_role("alertdialog", name=WARNING)
    expect(warning).to_be_visible()
    expect(page.get_by_role("alertdialog")).to_have_count(1)
    expect(warning.get_by_role("heading", name=WARNING)).to_be_focused()
    expect(warning).to_contain_text("1 hồ sơ đang khai dở")
    expect(warning).to_contain_text("1 ảnh giấy tờ chưa gửi lên")
    expect(warning).to_contain_text("sẽ bị xóa khỏi điện thoại này")

    warning.get_by_role("button", name="Ở lại").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    expect(sign_out).to_be_focused()
    assert posts == []
    assert len(device(page, "drafts")) == 1
    assert len([p for p in device(page, "photos") if p["blob"]]) == 1
    assert "account" in meta_keys(page)
    page.reload()
    expect(page.get_by_role("heading", name="Hồ sơ của tôi")).to_be_visible()  # still signed in

    posts = sign_out_posts(page)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(warning).to_be_visible()
    warning.get_by_role("button", name=LEAVE).click()
    assert_signed_out(page, live_app)
    assert len(posts) == 1
    assert device(page, "drafts") == []
    assert device(page, "photos") == []
    assert device(page, "outbox") == []
    assert "account" not in meta_keys(page)
    assert "catalog" in meta_keys(page)  # everyone's, needed offline
    names = cache_names(page)
    assert names and all(name.startswith("shell-") for name in names)
    assert "forget-citizen" in page.evaluate("localStorage.getItem('said-to-worker')")


def test_a_citizen_with_nothing_waiting_signs_out_without_a_warning(phone_context, live_app):
    phone_context.add_init_script(SPY)
    page = phone_context.new_page()
    page.goto("/x/05665")
    page.get_by_role("link", name="Liên thông khai sinh").click()
    sign_in(page, live_app)
    # A dossier opened on the phone, with nothing typed in it yet.
    expect(page.get_by_role("heading", name="Bạn cần làm những thủ tục nào?")).to_be_visible()
    assert len(device(page, "drafts")) == 1 and "account" in meta_keys(page)

    page.goto("/ho-so")
    posts = sign_out_posts(page)
    page.get_by_role("button", name="Đăng xuất").dblclick()  # a double tap: one sign-out
    assert_signed_out(page, live_app)
    assert len(posts) == 1
    assert page.evaluate("localStorage.getItem('warned')") is None
    assert device(page, "drafts") == []
    assert "account" not in meta_keys(page)


def test_a_phone_whose_storage_fails_still_signs_out(phone_context, live_app):
    page = phone_context.new_page()
    page.goto("/dang-nhap/")
    sign_in(page, live_app)
    page.goto("/ho-so")
    expect(page.get_by_role("heading", name="Hồ sơ của tôi")).to_be_visible()
    page.evaluate(
        """() => {
            const broken = () => { throw new DOMException('broken', 'UnknownError'); };
            IDBObjectStore.prototype.getAll = broken;
            IDBObjectStore.prototype.clear = broken;
        }"""
    )
    page.get_by_role("button", name="Đăng xuất").click()
    assert_signed_out(page, live_app)


def test_a_sign_out_tapped_before_its_script_listens_still_warns(browser, live_app, tmp_path):
    """On a slow phone the page is drawn before leave.js runs; a tap then signed out at
    once, without the warning, and left the drafts and photos on the phone."""
    # No service worker, so that the test can hold leave.js on its way.
    context = browser.new_context(base_url=live_app.base_url, service_workers="block", **PHONE)
    try:
        page = context.new_page()
        answers = valid_birth_answers()
        page.goto("/x/05665")
        page.get_by_role("link", name="Liên thông khai sinh").click()
        sign_in(page, live_app)
        choose_procedures(page, "khai-sinh", PROCEDURES)
        fill_pages(page, sections(answers), answers)
        expect(page.get_by_role("heading", name="Tờ khai đăng ký khai sinh đã ký")).to_be_visible()
        live_app.network.hang("POST", r"^/api/v1/drafts/[^/]+/uploads$", times=None)
        page.get_by_label("Chụp ảnh").set_input_files(photo(tmp_path))
        expect(page.locator(".photos li")).to_have_count(1)
        held = []
        page.route("**/js/leave.js*", lambda route: held.append(route))
        page.goto("/ho-so", wait_until="commit")  # its load waits for leave.js
        expect(page.get_by_role("heading", name="Hồ sơ của tôi")).to_be_visible()
        posts = sign_out_posts(page)
        page.get_by_role("button", name="Đăng xuất").click()
        assert len(held) == 1
        held[0].continue_()
        expect(page.get_by_role("alertdialog", name=WARNING)).to_be_visible()
        assert posts == []
        assert len(device(page, "drafts")) == 1
    finally:
        live_app.network.clear()
        context.close()
