"""What a dossier costs a citizen (issue 16): a walk through group 1 that counts
its screens, taps and characters typed, and prints them.

The walker types a field only when it does not already show the answer (kept
details, a one-tap fill, the catalog's default), takes a one-tap fill or a
recent commune where the page offers one, as a citizen who reads the page
would. Run: .venv/bin/pytest -q -s tests/browser/test_walk_counts.py
Before issue 16 (the issue's own walks): new citizen, group 1: 22 screens,
52 taps, 466 characters; a returning citizen typed as much.
"""

from dataclasses import dataclass

from playwright.sync_api import Page, expect

from domain import validation
from domain.catalog import CATALOG
from domain.communes import get_commune
from extensions import db
from models import Citizen
from services.identity import profile
from tests.browser.walk import photo
from tests.conftest import last_code
from tests.domain.sample_answers import valid_birth_answers

PROCEDURES = ["dang-ky-khai-sinh", "dang-ky-thuong-tru", "cap-the-bhyt"]
PHONE_TYPED = "0912345678"
# The one-tap fills a citizen filing for her own child takes (domain/catalog_fills.py).
FILLS = {
    "me": "Điền thông tin của bạn (bạn là mẹ của trẻ)",
    "cha": "Cha ở cùng nơi cư trú với mẹ",
    "thuong-tru": "Chủ hộ là cha của trẻ",
    "nhan-ket-qua": "Gửi qua bưu chính cho tôi, đến nơi cư trú của tôi",
}


@dataclass
class Walk:
    page: Page
    screens: int = 0
    taps: int = 0
    typed: int = 0

    def screen(self, heading: str):
        expect(self.page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        self.screens += 1

    def tap(self, locator):
        locator.click()
        self.taps += 1

    def type(self, locator, text: str):
        locator.fill(text)
        self.typed += len(text)

    def line(self, who: str) -> str:
        return f"{who}: {self.screens} screens, {self.taps} taps, {self.typed} characters typed"


def fill_field(walk: Walk, key: str, field: dict, value: str):
    page = walk.page
    dom_id = "#f-" + key.replace(".", "-")
    kind = field["type"]
    if kind == "radio":
        choice = page.locator(f"input[name='{key}'][value='{value}']")
        if value and not choice.is_checked():
            walk.tap(choice)
    elif kind == "checkbox":
        box = page.locator(f"input[name='{key}']")
        if box.is_checked() != (value == "co"):
            walk.tap(box)
    elif kind == "select":
        if page.locator(dom_id).input_value() != value:
            page.locator(dom_id).select_option(value)
            walk.taps += 2  # open the list, pick the option
    elif kind == "commune":
        if not value or page.locator(f"input[name='{key}']").input_value() == value:
            return
        commune = get_commune(value)
        quick = page.locator(".quick-picks button", has_text=commune.label)
        if quick.count():
            walk.tap(quick.first)
        else:
            walk.type(page.locator(dom_id), commune.name)
            walk.tap(page.get_by_role("button", name=commune.label))
        expect(page.locator(f"[data-chosen='{key}']")).to_contain_text(commune.name)
    elif page.locator(dom_id).input_value() != value:
        walk.type(page.locator(dom_id), value)


def walk_group_one(walk: Walk, app, tmp_path, answers: dict, *, keep_details: bool):
    page = walk.page
    page.goto("/x/05665")
    walk.screen("Xã Văn Lăng")
    walk.tap(page.get_by_role("link", name="Liên thông khai sinh"))
    walk.screen("Đăng nhập để nộp hồ sơ")
    walk.tap(page.get_by_role("link", name="Tài khoản số điện thoại"))
    walk.screen("Số điện thoại di động của bạn")
    walk.type(page.get_by_label("Số điện thoại di động của bạn"), PHONE_TYPED)
    walk.tap(page.get_by_role("button", name="Gửi mã xác nhận"))
    walk.screen("Nhập mã xác nhận")
    walk.type(page.get_by_label("Nhập mã xác nhận"), last_code(app, "+84912345678"))
    walk.tap(page.get_by_role("button", name="Tiếp tục"))

    walk.screen("Bạn cần làm những thủ tục nào?")
    for pid in PROCEDURES[1:]:
        walk.tap(page.locator(f"#p-{pid}"))
    walk.tap(page.get_by_role("button", name="Tiếp tục"))

    for section_id in validation.sections_for("khai-sinh", PROCEDURES):
        fields = validation.visible_fields(section_id, answers)
        if not fields:
            continue
        walk.screen(CATALOG["sections"][section_id]["title"])
        if section_id in FILLS:
            walk.tap(page.get_by_role("button", name=FILLS[section_id]))
        for field in fields:
            key = f"{section_id}.{field['id']}"
            fill_field(walk, key, field, answers.get(key, ""))
        keep = page.locator("#luu-thong-tin")
        if keep.count() and keep.is_checked() != keep_details:
            walk.tap(keep)
        walk.tap(page.get_by_role("button", name="Tiếp tục"))

    for attachment in validation.attachments_for("khai-sinh", PROCEDURES, answers):
        walk.screen(attachment["title"])
        if attachment.get("required"):
            page.get_by_label("Chụp ảnh").set_input_files(photo(tmp_path))
            walk.taps += 2  # the camera button, the shutter
            expect(page.locator(".photos li").first).to_contain_text("Đã tải lên")
        walk.tap(page.get_by_role("button", name="Tiếp tục"))

    walk.screen("Kiểm tra lại thông tin")
    walk.tap(page.get_by_role("button", name="Tiếp tục để xác nhận và nộp"))
    walk.screen("Xác nhận và nộp hồ sơ")
    walk.tap(page.get_by_role("button", name="Gửi mã xác nhận"))
    expect(page.get_by_text("Đã gửi mã đến số")).to_be_visible()
    walk.type(page.get_by_label("Mã xác nhận (6 chữ số)"), last_code(app, "+84912345678"))
    walk.tap(page.get_by_role("button", name="Nộp hồ sơ"))
    walk.screen("Đã nộp hồ sơ")


def test_a_new_citizens_group_one_in_at_most_two_thirds_of_the_characters(
    phone_page, live_app, tmp_path
):
    walk = Walk(phone_page)
    walk_group_one(walk, live_app, tmp_path, valid_birth_answers(), keep_details=True)
    print("\n" + walk.line("new citizen, group 1 (3 procedures)"))
    assert walk.typed <= 466 * 2 // 3


def test_a_returning_citizens_group_one_in_at_most_half_the_characters(
    phone_page, live_app, tmp_path
):
    answers = valid_birth_answers()
    with live_app.app_context():  # consent given and details kept at an earlier dossier
        citizen = Citizen(phone="+84912345678")
        db.session.add(citizen)
        db.session.commit()
        kept = {k: v for k, v in answers.items() if k in profile.KEPT}
        profile.save(citizen, kept)
    walk = Walk(phone_page)
    walk_group_one(walk, live_app, tmp_path, answers, keep_details=True)
    print("\n" + walk.line("returning by SMS, group 1 (3 procedures)"))
    assert walk.typed <= 466 // 2
