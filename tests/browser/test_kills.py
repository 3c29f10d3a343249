"""Killing the page at random points during photo uploads and submits, twenty times.

The points come from a seeded generator, so a failure can be replayed.
Nothing that was on the phone is lost, the server ends up with exactly the
phone's photos, and each draft becomes exactly one dossier.
"""

import contextlib
import random

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from sqlalchemy import func, select

from extensions import db
from models import Citizen, Dossier, Upload
from tests.api.flow import complete_draft
from tests.browser.offline import device, settle
from tests.browser.test_offline import PROCEDURES, open_first_photo_page
from tests.browser.walk import photo
from tests.conftest import Api, last_code
from tests.helpers import sign_in_as

KILLS_DURING_UPLOAD = 10
KILLS_DURING_SUBMIT = 10


def kill(page) -> None:
    """Closes the tab at once, whatever it is doing, as a citizen swiping it away.

    Playwright's default close waits for Chromium's confirmation, and a close
    that lands during a navigation (the submit's redirect to the dossier) can
    leave that wait hanging forever. This one asks the page to close (our
    pages have no beforeunload handler, so nothing prompts) and waits a
    bounded time for it; a page slow to go only makes the test stricter.
    """
    with contextlib.suppress(PlaywrightTimeoutError), page.expect_event("close", timeout=15_000):
        page.close(run_before_unload=True)


def server_photos(app, draft_id):
    with app.app_context():
        return sorted(
            db.session.scalars(select(Upload.client_id).where(Upload.draft_id == draft_id))
        )


def local_photos(page, draft_id):
    return sorted(
        p["client_id"]
        for p in device(page, "photos")
        if p["draft_id"] == draft_id and not p.get("deleted")
    )


def test_killing_the_page_during_photo_uploads_loses_no_photo_and_stores_none_twice(
    phone_context, live_app, tmp_path
):
    rng = random.Random(20261124)
    page = phone_context.new_page()
    draft_id = open_first_photo_page(page, live_app)
    targets = ["to-khai-khai-sinh", "giay-chung-sinh", "to-khai-tk1-ts"]
    kept_before = []
    for round_ in range(KILLS_DURING_UPLOAD):
        attachment = targets[round_ % len(targets)]
        page.goto(f"/ho-so/nhap/{draft_id}#a/{attachment}")
        tiles = page.locator(".photos li")
        expect(page.locator("h1")).not_to_have_text("Đang mở biểu mẫu…")
        if tiles.count() >= 2:  # full: delete one first, the kill may land on the delete too
            tiles.first.get_by_role("button", name="Xóa").click()
        page.get_by_label("Chụp ảnh").set_input_files(photo(tmp_path, f"kill{round_}.jpg"))
        page.wait_for_timeout(rng.randint(0, 1200))
        kept_before = local_photos(page, draft_id)
        kill(page)
        page = phone_context.new_page()
        page.goto(f"/ho-so/nhap/{draft_id}#a/{attachment}")
        expect(page.locator("h1")).not_to_have_text("Đang mở biểu mẫu…")
        # Whatever the phone had stored before the kill is still there...
        assert set(kept_before) <= set(local_photos(page, draft_id))
        # ...and the server ends up with exactly the phone's photos, once each.
        settle(
            page,
            lambda: server_photos(live_app, draft_id) == local_photos(page, draft_id),
            f"round {round_}: server photos match the phone's",
        )


def test_killing_the_page_during_submit_makes_exactly_one_dossier_per_draft(
    phone_context, live_app
):
    rng = random.Random(24112026)
    live_app.config["OTP_RESEND_SECONDS"] = 0
    live_app.config["OTP_PER_PHONE_PER_HOUR"] = 100
    page = phone_context.new_page()
    page.goto("/x/05665")
    page.get_by_role("link", name="Liên thông khai sinh").click()
    from tests.browser.walk import sign_in

    sign_in(page, live_app)
    expect(page.get_by_role("heading", name="Bạn cần làm những thủ tục nào?")).to_be_visible()
    with live_app.app_context():
        citizen_id = db.session.scalars(select(Citizen.id)).one()
    maker = live_app.test_client()
    sign_in_as(live_app, maker, citizen_id=citizen_id)
    maker.phone = "+84912345678"
    api = Api(maker)
    drafts = [complete_draft(api, "khai-sinh", PROCEDURES) for _ in range(KILLS_DURING_SUBMIT)]

    for draft_id in drafts:
        page.goto(f"/ho-so/nhap/{draft_id}#xac-nhan")
        page.get_by_role("button", name="Gửi mã xác nhận").click()
        expect(page.get_by_text("Đã gửi mã đến số")).to_be_visible()
        page.get_by_label("Mã xác nhận (6 chữ số)").fill(last_code(live_app, maker.phone))
        page.get_by_role("button", name="Nộp hồ sơ").click()
        page.wait_for_timeout(rng.randint(0, 400))
        kill(page)
        page = phone_context.new_page()
        page.goto("/ho-so")  # opening the app sends whatever waits in the outbox

        def filed():
            with live_app.app_context():
                return (
                    db.session.scalar(
                        select(func.count())
                        .select_from(Dossier)
                        .join(Upload, Upload.dossier_id == Dossier.id)
                        .where(Upload.draft_id == draft_id)
                        .distinct()
                    )
                    > 0
                )

        outbox = {i["draft_id"]: i for i in device(page, "outbox")}
        if not filed() and draft_id not in outbox:
            # Killed before the tap reached the phone's storage: the citizen taps again.
            page.goto(f"/ho-so/nhap/{draft_id}#xac-nhan")
            page.get_by_role("button", name="Gửi mã xác nhận").click()
            expect(page.get_by_text("Đã gửi mã đến số")).to_be_visible()
            page.get_by_label("Mã xác nhận (6 chữ số)").fill(last_code(live_app, maker.phone))
            page.get_by_role("button", name="Nộp hồ sơ").click()
        settle(page, filed, f"draft {draft_id} filed")

    with live_app.app_context():
        dossiers = db.session.scalars(select(Dossier)).all()
        assert len(dossiers) == KILLS_DURING_SUBMIT
        assert len({d.code for d in dossiers}) == KILLS_DURING_SUBMIT
        for draft_id in drafts:
            photos = db.session.scalars(select(Upload).where(Upload.draft_id == draft_id)).all()
            assert photos and all(p.dossier_id is not None for p in photos)
