"""Nothing a citizen typed or photographed is lost, and nothing is sent twice."""

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from domain import validation
from domain.catalog import CATALOG
from extensions import db
from models import Dossier, Upload
from tests.browser.conftest import PHONE
from tests.browser.offline import Network, device, new_version_active, settle, wait_for_worker
from tests.browser.walk import choose_procedures, fill_section, photo, sign_in
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import last_code
from tests.domain.sample_answers import valid_birth_answers

PROCEDURES = ["dang-ky-khai-sinh", "dang-ky-thuong-tru", "cap-the-bhyt"]


def sections(answers):
    return [
        s
        for s in validation.sections_for("khai-sinh", PROCEDURES)
        if validation.visible_fields(s, answers)
    ]


def start_group_one(page, app):
    page.goto("/x/05665")
    page.get_by_role("link", name="Liên thông khai sinh").click()
    sign_in(page, app)
    expect(page.get_by_role("heading", name="Bạn cần làm những thủ tục nào?")).to_be_visible()
    wait_for_worker(page)
    choose_procedures(page, "khai-sinh", PROCEDURES)


def fill_pages(page, section_ids, answers):
    for section_id in section_ids:
        title = CATALOG["sections"][section_id]["title"]
        expect(page.get_by_role("heading", name=title)).to_be_visible()
        fill_section(page, section_id, answers)
        page.get_by_role("button", name="Tiếp tục").click()


def open_first_photo_page(page, app) -> str:
    """Signs in, fills every answer of group one, stops on its first photo
    page (the signed birth declaration, two pages at most); returns the draft id."""
    answers = valid_birth_answers()
    start_group_one(page, app)
    fill_pages(page, sections(answers), answers)
    expect(page.get_by_role("heading", name="Tờ khai đăng ký khai sinh đã ký")).to_be_visible()
    return draft_id_of(page)


def draft_id_of(page) -> str:
    """The id of the draft the wizard page shows (/ho-so/nhap/<id>#step)."""
    return page.url.split("/ho-so/nhap/")[1].split("#")[0]


def take_photos(page, tmp_path, answers) -> int:
    taken = 0
    for attachment in validation.attachments_for("khai-sinh", PROCEDURES, answers):
        expect(page.get_by_role("heading", name=attachment["title"])).to_be_visible()
        if attachment.get("required"):
            page.get_by_label("Chụp ảnh").set_input_files(photo(tmp_path, f"p{taken}.jpg"))
            expect(page.locator(".photos li")).to_have_count(1)
            taken += 1
        page.get_by_role("button", name="Tiếp tục").click()
    return taken


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_half_filled_then_finished_and_submitted_offline_files_one_dossier_with_every_photo(
    phone_context, live_app, tmp_path
):
    page = phone_context.new_page()
    answers = valid_birth_answers()
    start_group_one(page, live_app)
    all_sections = sections(answers)
    fill_pages(page, all_sections[:2], answers)
    expect(page.locator(".step")).to_contain_text("Bước 4 ·")

    network = Network(phone_context, live_app.network)
    network.cut()
    page.reload()  # the service worker answers with the app shell
    expect(
        page.get_by_role("heading", name=CATALOG["sections"][all_sections[2]]["title"])
    ).to_be_visible()
    fill_pages(page, all_sections[2:], answers)
    taken = take_photos(page, tmp_path, answers)
    expect(page.get_by_text("không có mạng").first).to_be_visible()
    page.get_by_role("button", name="Tiếp tục để xác nhận và nộp").click()
    page.get_by_role("button", name="Nộp khi có mạng").click()
    expect(page.locator(".outbox-item .tag")).to_have_text("Chờ gửi")
    assert len([p for p in device(page, "photos") if p["blob"]]) == taken
    assert count(live_app, Dossier) == 0

    # The CSRF token the page holds went stale while the dossier waited.
    page.evaluate("import('/static/js/api.js').then((api) => api.setCsrf('stale-token'))")
    network.restore()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".outbox-item .tag")).to_have_text("Chờ nhập mã xác nhận")
    page.locator(".outbox-item input").fill(last_code(live_app, "+84912345678"))
    page.locator(".outbox-item").get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", name="Đã nộp hồ sơ")).to_be_visible()

    assert count(live_app, Dossier) == 1
    with live_app.app_context():
        dossier = db.session.scalars(select(Dossier)).one()
        assert dossier.answers["tre.ten"] == answers["tre.ten"]
    assert count(live_app, Upload, Upload.dossier_id.is_not(None)) == taken
    assert device(page, "photos") == []  # the phone's copy is gone once it is safe


def open_profile(browser, live_app, profile):
    """A browser with a profile on disk, as a phone's browser keeps between restarts."""
    context = browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        base_url=live_app.base_url,
        **PHONE,
    )
    context.set_default_timeout(15_000)
    return context, context.pages[0] if context.pages else context.new_page()


def test_answers_survive_a_browser_restart_and_resume_at_the_step_left(browser, live_app, tmp_path):
    context, page = open_profile(browser, live_app, tmp_path / "profile")
    answers = valid_birth_answers()
    start_group_one(page, live_app)
    first = sections(answers)[0]
    fill_pages(page, [first], answers)
    second = sections(answers)[1]
    key = next(
        f"{second}.{f['id']}"
        for f in validation.visible_fields(second, answers)
        if f["type"] == "text"
    )
    page.locator("#f-" + key.replace(".", "-")).fill("Đang gõ dở")
    # Written to the phone as it is typed: wait for that write, not for "Tiếp tục".
    # Not for the page's "Đã lưu" either: it still says so from the page before,
    # and under load the browser closed before this keystroke's write.
    draft_id = draft_id_of(page)
    settle(
        page,
        lambda: (
            [d["answers"].get(key) for d in device(page, "drafts") if d["id"] == draft_id]
            == ["Đang gõ dở"]
        ),
        "the half-typed answer written to the phone",
    )
    url = page.url
    context.close()  # the browser is closed mid-page, before "Tiếp tục"

    context, page = open_profile(browser, live_app, tmp_path / "profile")
    page.goto(url.split("#")[0])
    expect(page.get_by_role("heading", name=CATALOG["sections"][second]["title"])).to_be_visible()
    expect(page.locator("#f-" + key.replace(".", "-"))).to_have_value("Đang gõ dở")
    context.close()


def test_the_app_is_installable_and_the_worker_controls_the_page(browser, live_app, tmp_path):
    # Installability needs a real (not incognito) profile, as on a phone.
    context, page = open_profile(browser, live_app, tmp_path / "profile")
    page.goto("/x/05665")
    wait_for_worker(page)
    manifest = page.evaluate("fetch('/manifest.json').then((r) => r.json())")
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/") and manifest["scope"] == "/"
    assert manifest["name"] and manifest["short_name"] == "Liên thông"
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        status = page.evaluate(f"fetch('{icon['src']}').then((r) => r.status)")
        assert status == 200
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors
    worker = page.evaluate("navigator.serviceWorker.controller.scriptURL")
    assert worker.endswith("/service-worker.js")
    context.close()


def test_a_new_worker_version_keeps_the_outbox_and_the_dossier_is_still_sent(
    phone_context, live_app, tmp_path
):
    page = phone_context.new_page()
    answers = valid_birth_answers()
    start_group_one(page, live_app)
    fill_pages(page, sections(answers), answers)
    take_photos(page, tmp_path, answers)
    page.get_by_role("button", name="Tiếp tục để xác nhận và nộp").click()
    network = Network(phone_context, live_app.network)
    network.cut()
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    page.reload()
    expect(
        page.get_by_role("heading", name="Hồ sơ trong hộp thư đi").or_(
            page.get_by_role("heading", name="Xác nhận và nộp hồ sơ")
        )
    ).to_be_visible()
    page.get_by_role("button", name="Nộp khi có mạng").click()
    expect(page.locator(".outbox-item .tag")).to_have_text("Chờ gửi")
    old = page.evaluate("caches.keys()")

    live_app.config["PWA_VERSION_SALT"] = "a new release"
    network.restore()
    page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.getRegistration();
            await registration.update();
        }"""
    )
    new_version_active(page, old)
    assert len(device(page, "outbox")) == 1
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".outbox-item .tag")).to_have_text("Chờ nhập mã xác nhận")
    page.locator(".outbox-item input").fill(last_code(live_app, "+84912345678"))
    page.locator(".outbox-item").get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", name="Đã nộp hồ sơ")).to_be_visible()
    assert count(live_app, Dossier) == 1
    with live_app.app_context():
        code = db.session.scalars(select(Dossier.code)).one()
    assert re.fullmatch(r"X05665-\d{6}-0001", code)
    expect(page.get_by_text(code).first).to_be_visible()
    mine = phone_context.new_page()
    mine.goto("/ho-so")
    expect(mine.get_by_text(code).first).to_be_visible()
    mine.wait_for_load_state("networkidle")  # boot.js's modules loaded before the context closes
