"""What a dossier costs a citizen (issue 16): walks through both groups that
count their screens, taps and characters typed, and print them.

The walker types a field only when it does not already show the answer (kept
details, a one-tap fill, the catalog's default), takes a one-tap fill or a
recent commune where the page offers one, as a citizen who reads the page
would. Run: .venv/bin/pytest -q -s tests/browser/test_walk_counts.py
Before issue 16 (the issue's own walks): new citizen, group 1 (3 procedures):
22 screens, 52 taps, 466 characters, and a returning citizen typed as much;
returning by SMS, group 2 (2 procedures): 17 screens, 34 taps, 246 characters;
returning by passkey, group 2 (4 procedures, today at most 3: the two funeral
ones exclude each other): 21 screens, 44 taps, 275 characters.
"""

import dataclasses
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from domain import validation
from domain.catalog import CATALOG
from domain.communes import get_commune
from extensions import db
from models import Citizen
from services.identity import profile
from tests.browser.authenticator import passkey_page
from tests.browser.conftest import PHONE
from tests.browser.walk import commune_field, photo
from tests.conftest import last_code, make_citizen
from tests.domain.sample_answers import valid_birth_answers, valid_death_answers
from tests.helpers import session_cookie

PROCEDURES = ["dang-ky-khai-sinh", "dang-ky-thuong-tru", "cap-the-bhyt"]
DEATH_SMS = ["dang-ky-khai-tu", "xoa-thuong-tru"]
DEATH_PASSKEY = ["dang-ky-khai-tu", "xoa-thuong-tru", "tro-cap-mai-tang"]
PHONE_TYPED = "0912345678"
SIGN_IN_BUTTON = "Đăng nhập bằng khóa đăng nhập"
# The one-tap fills a citizen takes (domain/catalog_fills.py): a mother filing
# for her own child; a son filing for his father, who lived with him.
FILLS = {
    "khai-sinh": {
        "me": "Điền thông tin của bạn (bạn là mẹ của trẻ)",
        "cha": "Cha ở cùng nơi cư trú với mẹ",
        "thuong-tru": "Chủ hộ là cha của trẻ",
        "nhan-ket-qua": "Gửi qua bưu chính cho tôi, đến nơi cư trú của tôi",
    },
    "khai-tu": {
        "nguoi-mat": "Người mất cư trú cùng nơi với tôi",
        "tu-vong": "Người mất mất tại nhà, ở nơi cư trú cuối cùng",
        "bao-tu": "Giấy cấp đúng ngày người đó mất",
    },
}
FILLED = "Đã điền sẵn. Hãy kiểm tra lại trước khi bấm Tiếp tục."
LINKS = {"khai-sinh": "Liên thông khai sinh", "khai-tu": "Liên thông khai tử"}


@dataclass
class Walk:
    page: Page
    screens: int = 0
    taps: int = 0
    typed: int = 0
    fills: tuple = ()
    values: list = dataclasses.field(default_factory=list)

    def screen(self, heading: str):
        expect(self.page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        self.screens += 1

    def tap(self, locator):
        locator.click()
        self.taps += 1

    def type(self, locator, text: str):
        locator.fill(text)
        self.typed += len(text)
        self.values.append(text)

    def retyped(self) -> list[str]:
        """Facts typed twice in one walk (codes and one-character answers aside)."""
        facts = [v for v in self.values if len(v) > 2 and not v.isdigit() or len(v) > 6]
        return sorted({v for v in facts if facts.count(v) > 1})

    def line(self, who: str) -> str:
        return (
            f"{who}: {self.screens} screens, {self.taps} taps, {len(self.values)} inputs "
            f"typed into, {self.typed} characters typed"
        )


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
        box = commune_field(page, dom_id.removeprefix("#"))
        quick = box.locator(".quick-picks button", has_text=commune.label)
        if quick.count():
            walk.tap(quick.first)
        else:
            walk.type(page.locator(dom_id), commune.name)
            walk.tap(box.get_by_role("button", name=commune.label, exact=True))
        expect(page.locator(f"[data-chosen='{key}']")).to_contain_text(commune.name)
    elif not same_answer(kind, page.locator(dom_id).input_value(), value):
        walk.type(page.locator(dom_id), value)


def same_answer(kind: str, shown: str, value: str) -> bool:
    """What a citizen reading the field takes as already right ("0912 345 678")."""
    if kind == "phone":
        return "".join(filter(str.isdigit, shown)) == value
    return shown == value


def walk_group(walk: Walk, app, tmp_path, group_id, procedures, answers, *, passkey=False):
    """From the commune's QR page to the dossier code, as a citizen who reads
    the page: a fill offered for their case is taken, a field already showing
    the answer is left alone."""
    page = walk.page
    group = next(g for g in CATALOG["groups"] if g["id"] == group_id)
    page.goto("/x/05665")
    walk.screen("Xã Văn Lăng")
    walk.tap(page.get_by_role("link", name=LINKS[group_id]))
    walk.screen("Đăng nhập để nộp hồ sơ")
    if passkey:  # the phone's fingerprint unlock is part of the tap
        walk.tap(page.get_by_role("button", name=SIGN_IN_BUTTON))
    else:
        walk.tap(page.get_by_role("link", name="Tài khoản số điện thoại"))
        walk.screen("Số điện thoại di động của bạn")
        walk.type(page.get_by_label("Số điện thoại di động của bạn"), PHONE_TYPED)
        walk.tap(page.get_by_role("button", name="Gửi mã xác nhận"))
        walk.screen("Nhập mã xác nhận")
        walk.type(page.get_by_label("Nhập mã xác nhận"), last_code(app, "+84912345678"))
        walk.tap(page.get_by_role("button", name="Tiếp tục"))

    walk.screen("Bạn cần làm những thủ tục nào?")
    if passkey:  # its first sign-in: said once, on this page, no tap needed
        notice = page.get_by_role("heading", name="Bạn vừa đăng nhập bằng khóa đăng nhập")
        expect(notice).to_be_visible()
    for pid in procedures:
        if pid not in group["required"]:
            walk.tap(page.locator(f"#p-{pid}"))
    walk.tap(page.get_by_role("button", name="Tiếp tục"))

    for section_id in validation.sections_for(group_id, procedures):
        fields = validation.visible_fields(section_id, answers)
        if not fields:
            continue
        walk.screen(CATALOG["sections"][section_id]["title"])
        offer = [FILLS[group_id].get(section_id)]

        def take_offer():
            # An offer shows once the answers it needs are given (on this page, too).
            if offer[0] and page.get_by_role("button", name=offer[0]).is_visible():
                walk.tap(page.get_by_role("button", name=offer[0]))
                expect(page.get_by_role("status")).to_have_text(FILLED)  # read, as a citizen would
                walk.fills += (section_id,)
                offer[0] = None

        take_offer()
        for field in fields:
            key = f"{section_id}.{field['id']}"
            fill_field(walk, key, field, answers.get(key, ""))
            take_offer()
        keep = page.locator("#luu-thong-tin")
        if keep.count() and not keep.is_checked():
            walk.tap(keep)
        walk.tap(page.get_by_role("button", name="Tiếp tục"))

    for attachment in validation.attachments_for(group_id, procedures, answers):
        walk.screen(attachment["title"])
        if attachment.get("required"):
            page.get_by_label("Chụp ảnh").set_input_files(photo(tmp_path))
            walk.taps += 2  # the camera button, the shutter
            expect(page.locator(".photos li").first).to_contain_text("Đã tải lên")
        walk.tap(page.get_by_role("button", name="Tiếp tục"))

    walk.screen("Kiểm tra lại thông tin")
    walk.tap(page.get_by_role("button", name="Tiếp tục để xác nhận và nộp"))
    walk.screen("Xác nhận và nộp hồ sơ")
    if passkey:
        walk.tap(page.get_by_role("button", name="Xác nhận bằng khóa đăng nhập và nộp"))
    else:
        walk.tap(page.get_by_role("button", name="Gửi mã xác nhận"))
        expect(page.get_by_text("Đã gửi mã đến số")).to_be_visible()
        walk.type(page.get_by_label("Mã xác nhận (6 chữ số)"), last_code(app, "+84912345678"))
        walk.tap(page.get_by_role("button", name="Nộp hồ sơ"))
    walk.screen("Đã nộp hồ sơ")


def keep_details(app, answers: dict, citizen_id: int | None = None) -> int:
    """Consent given and the requester's details kept at an earlier dossier."""
    with app.app_context():
        citizen = db.session.get(Citizen, citizen_id) if citizen_id else None
        if citizen is None:
            citizen = Citizen(phone="+84912345678")
            db.session.add(citizen)
            db.session.commit()
        profile.save(citizen, {k: v for k, v in answers.items() if k in profile.KEPT})
        return citizen.id


def test_a_new_citizens_group_one_in_at_most_two_thirds_of_the_characters(
    phone_page, live_app, tmp_path
):
    walk = Walk(phone_page)
    walk_group(walk, live_app, tmp_path, "khai-sinh", PROCEDURES, valid_birth_answers())
    print("\n" + walk.line("new citizen, group 1 (3 procedures)"))
    assert walk.retyped() == []
    assert walk.typed <= 466 * 2 // 3


def test_a_returning_citizens_group_one_in_at_most_half_the_characters(
    phone_page, live_app, tmp_path
):
    answers = valid_birth_answers()
    keep_details(live_app, answers)
    walk = Walk(phone_page)
    walk_group(walk, live_app, tmp_path, "khai-sinh", PROCEDURES, answers)
    print("\n" + walk.line("returning by SMS, group 1 (3 procedures)"))
    assert walk.retyped() == []
    assert walk.typed <= 466 // 2


def test_a_returning_citizens_group_two_by_sms_types_what_only_the_death_tells(
    phone_page, live_app, tmp_path
):
    answers = valid_death_answers()
    keep_details(live_app, answers)
    walk = Walk(phone_page)
    walk_group(walk, live_app, tmp_path, "khai-tu", DEATH_SMS, answers)
    print("\n" + walk.line("returning by SMS, group 2 (2 procedures)"))
    assert walk.retyped() == []
    # The son's household is his father's: the residence and place of death are not retyped.
    assert walk.fills == ("nguoi-mat", "tu-vong", "bao-tu")
    assert walk.typed <= 246 // 2


@pytest.fixture
def phone_with_passkey(browser, live_app):
    """A returning citizen's phone: a passkey made on the account page, signed out."""
    for page in passkey_page(browser, live_app, PHONE):
        citizen_id = make_citizen(live_app)
        origin = f"http://localhost:{live_app.live.port}"
        cookie = session_cookie(live_app, citizen_id)
        page.context.add_cookies([{"name": "session", "value": cookie, "url": origin}])
        page.goto("/tai-khoan/khoa-dang-nhap")
        page.get_by_label("Tên khóa").fill("Điện thoại của Bình")
        page.get_by_role("button", name="Tạo khóa đăng nhập").click()
        expect(page.locator(".passkey")).to_contain_text("Điện thoại của Bình")
        page.goto("/ho-so")
        page.get_by_role("button", name="Đăng xuất").click()
        expect(page.get_by_role("heading", name="Khai sinh, khai tử liên thông")).to_be_visible()
        page.citizen_id = citizen_id
        yield page


def test_a_returning_citizens_group_two_by_passkey_types_what_only_the_death_tells(
    phone_with_passkey, live_app, tmp_path
):
    answers = valid_death_answers()
    keep_details(live_app, answers, phone_with_passkey.citizen_id)
    walk = Walk(phone_with_passkey)
    walk_group(walk, live_app, tmp_path, "khai-tu", DEATH_PASSKEY, answers, passkey=True)
    print("\n" + walk.line("returning by passkey, group 2 (3 procedures)"))
    assert walk.retyped() == []
    assert walk.fills == ("nguoi-mat", "tu-vong", "bao-tu")
    # What is left is all new: the deceased, the death, the burial, the bank
    # account; a little over half of the 275 (3 procedures now, not 4).
    assert walk.typed <= 275 * 52 // 100
