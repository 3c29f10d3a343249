"""Slow and broken links ("lie-fi"): the citizen never waits for ever, and a dossier is
filed once with all its photos whatever the network does on the way.

The faults come from the live app's proxy (tests/lie_fi.py); the slow link from
Chromium's own network emulation. Nothing here asserts how long anything took.
"""

from playwright.sync_api import expect
from sqlalchemy import select

from domain import validation
from extensions import db
from models import Dossier, Upload
from tests.browser.offline import new_version_active, wait_for_worker
from tests.browser.walk import filed_code, sign_in, walk_to_confirmation
from tests.conftest import last_code
from tests.domain.sample_answers import valid_birth_answers

GROUP_ONE = ["dang-ky-khai-sinh", "dang-ky-thuong-tru", "cap-the-bhyt"]
# Chromium's emulation of a poor 3G link, as the issue measures it.
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 150_000 / 8,
}


def start_group_one(page, app):
    page.goto("/x/05665")
    page.get_by_role("link", name="Liên thông khai sinh").click()
    sign_in(page, app)
    wait_for_worker(page)


def photos_required():
    answers = valid_birth_answers()
    return sum(
        1 for a in validation.attachments_for("khai-sinh", GROUP_ONE, answers) if a.get("required")
    )


def one_dossier_with_every_photo(app, code):
    with app.app_context():
        dossier = db.session.scalars(select(Dossier)).one()
        assert dossier.code == code
        uploads = db.session.scalars(select(Upload).where(Upload.dossier_id == dossier.id)).all()
        assert len(uploads) == photos_required()


def confirm_with_sms(page, app):
    page.get_by_role("button", name="Gửi mã xác nhận").click()
    expect(page.get_by_text("Đã gửi mã đến số")).to_be_visible()
    page.get_by_label("Mã xác nhận (6 chữ số)").fill(last_code(app, "+84912345678"))
    page.get_by_role("button", name="Nộp hồ sơ").click()


def test_a_group_one_dossier_with_photos_is_filed_once_over_slow_3g(
    phone_context, live_app, tmp_path
):
    page = phone_context.new_page()
    cdp = phone_context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    start_group_one(page, live_app)
    walk_to_confirmation(page, tmp_path, "khai-sinh", GROUP_ONE, valid_birth_answers())
    confirm_with_sms(page, live_app)
    one_dossier_with_every_photo(live_app, filed_code(page))


def test_a_submit_the_phone_never_hears_back_from_is_retried_and_filed_once(
    phone_context, live_app, tmp_path
):
    page = phone_context.new_page()
    start_group_one(page, live_app)
    walk_to_confirmation(page, tmp_path, "khai-sinh", GROUP_ONE, valid_birth_answers())
    # The app files the dossier; its answers are lost on the way back to the phone,
    # however often the phone (the page, its retry timer, the worker) tries.
    network = live_app.network
    lost = network.hang("POST", r"^/api/v1/dossiers$", after_upstream=True, times=None)
    confirm_with_sms(page, live_app)
    assert lost.wait()
    # Past the request's deadline the dossier waits in the outbox, which says when it
    # tries again and offers not to wait; nothing is left disabled or turning.
    item = page.locator(".outbox-item")
    expect(item).to_contain_text("Mạng chậm quá nên chưa gửi được.", timeout=30_000)
    expect(item).to_contain_text("Sẽ tự thử gửi lại lúc")
    expect(item.get_by_role("button", name="Gửi lại ngay")).to_be_enabled()
    network.clear()  # the network works again
    item.get_by_role("button", name="Gửi lại ngay").click()
    one_dossier_with_every_photo(live_app, filed_code(page))
    assert network.requests_seen.count(("POST", "/api/v1/dossiers")) >= 2


def test_photo_uploads_cut_mid_answer_or_dripping_still_reach_the_dossier_once(
    phone_context, live_app, tmp_path
):
    page = phone_context.new_page()
    start_group_one(page, live_app)
    network = live_app.network
    # The first photo's answer drips (about 900 bytes at 250 a second, well within the
    # upload's deadline, so the phone waits for it), the second's is cut after a few
    # bytes (the app kept it): awaited or retried, never lost or doubled. In this order
    # each rule meets its own photo, since the walk waits for a photo to be uploaded
    # before the next. The other way round, the cut photo's retry could come before the
    # second photo and take the drip too: the rules' order decided which photo got what.
    dripped = network.drip(250, "POST", r"/uploads$")
    cut = network.reset(10, "POST", r"/uploads$")
    walk_to_confirmation(page, tmp_path, "khai-sinh", GROUP_ONE, valid_birth_answers())
    assert dripped.hits == 1
    assert cut.hits == 1
    confirm_with_sms(page, live_app)
    one_dossier_with_every_photo(live_app, filed_code(page))


def test_a_page_the_network_is_slow_to_give_shows_the_phone_copy_then_the_page(
    phone_context, live_app
):
    path = "/ho-so"
    page = phone_context.new_page()
    start_group_one(page, live_app)
    # The page (about 3 kB) at 250 bytes a second: past the worker's deadline, but it
    # does come.
    slow = live_app.network.drip(250, "GET", rf"^{path}$")
    page.goto(path, wait_until="commit")
    expect(page.get_by_role("heading", name="Mạng đang chậm")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="trang sẽ tự mở")).to_be_visible()
    # The real page, when it has come, replaces the stand-in by itself, and is not
    # fetched a second time.
    expect(page.get_by_role("heading", name="Hồ sơ của tôi")).to_be_visible(timeout=30_000)
    assert slow.hits == 1
    assert live_app.network.requests_seen.count(("GET", path)) == 1


def test_a_page_still_coming_through_the_old_worker_does_not_hold_back_a_new_release(
    phone_context, live_app
):
    page = phone_context.new_page()
    page.goto("/x/05665")
    wait_for_worker(page)
    old = page.evaluate("caches.keys()")
    # A page that never comes: past its deadline the worker shows the stand-in and waits
    # on for the real page, an event of the old worker that would never end.
    hung = live_app.network.hang("GET", r"^/theo-doi$")
    page.goto("/theo-doi", wait_until="commit")
    expect(page.get_by_role("heading", name="Mạng đang chậm")).to_be_visible()
    assert hung.hits == 1

    live_app.config["PWA_VERSION_SALT"] = "a new release"
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    # The new release takes over although the hung page is still not answered; while the
    # old worker held on, the browser kept the new one waiting and sent every navigation
    # to the old one, which it stopped mid-answer once it let go (the page never loaded).
    new_version_active(page, old)
    other = phone_context.new_page()
    other.goto("/x/05665")
    expect(other.get_by_role("link", name="Liên thông khai sinh")).to_be_visible()
    live_app.network.clear()
