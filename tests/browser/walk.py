"""Walking the wizard like a citizen: fill each page from a table of answers."""

import io
import re

from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from domain import validation
from domain.catalog import CATALOG
from tests.conftest import last_code


def photo(tmp_path, name="trang.jpg", size=(1600, 1200)) -> str:
    """A sharp, well-lit page filling the frame: lines of dark "words" on
    paper, on a darker table, so that the photo check (static/js/photo-check.js)
    has nothing to say about it."""
    path = tmp_path / name
    w, h = size
    picture = Image.new("RGB", size, (90, 60, 40))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((w // 20, h // 20, w - w // 20, h - h // 20), fill=(220, 215, 205))
    for y in range(h // 10, h - h // 10, max(8, h // 40)):
        for x in range(w // 10, w - w // 10, max(12, w // 25)):
            draw.rectangle((x, y, x + max(8, w // 35), y + max(3, h // 120)), fill=(30, 30, 30))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return str(path)


def sign_in(page: Page, app, phone="0912 345 678", e164="+84912345678"):
    page.get_by_role("link", name="Tài khoản số điện thoại").click()
    page.get_by_label("Số điện thoại di động của bạn").fill(phone)
    page.get_by_role("button", name="Gửi mã xác nhận").click()
    expect(page.get_by_role("heading", name="Nhập mã xác nhận")).to_be_visible()
    page.get_by_label("Nhập mã xác nhận").fill(last_code(app, e164))
    page.get_by_role("button", name="Tiếp tục").click()


def option_label(field, value) -> str:
    options = field.get("options") or CATALOG["options"][field["options_ref"]]
    for option in options:
        if isinstance(option, str) and option == value:
            return option
        if isinstance(option, dict) and option["value"] == value:
            return option["label"]
    raise AssertionError(f"{value} not an option of {field['id']}")


def commune_field(page: Page, dom_id: str):
    """The box of one commune field: its search, suggestions and quick picks,
    apart from another commune field's on the same page."""
    return page.locator(".field", has=page.locator(f"#{dom_id}"))


def fill_section(page: Page, section_id: str, answers: dict, vouched=()):
    """`vouched`: keys filled from the e-ID and not editable; they are checked instead."""
    for field in validation.visible_fields(section_id, answers):
        key = f"{section_id}.{field['id']}"
        if key in vouched:
            field_input = page.locator("#f-" + key.replace(".", "-"))
            expect(field_input).to_have_value(answers[key])
            expect(field_input).not_to_be_editable()
            continue
        if field.get("vouched_reason") and not vouched:
            continue  # asked only of a citizen signed in with VNeID
        value = answers.get(key, "")
        dom_id = "f-" + key.replace(".", "-")
        kind = field["type"]
        if kind == "radio":
            if value:
                page.locator(f"input[name='{key}'][value='{value}']").check()
        elif kind == "checkbox":
            box = page.locator(f"input[name='{key}']")
            box.check() if value == "co" else box.uncheck()
        elif kind == "select":
            page.locator(f"#{dom_id}").select_option(value or "")
        elif kind == "commune":
            if value:
                from domain.communes import get_commune

                commune = get_commune(value)
                page.locator(f"#{dom_id}").fill(commune.name)
                # The suggestion itself, named exactly as the commune: the
                # field's quick pick for a commune chosen earlier ("Chọn … cho
                # …") contains the same words and is on the page already.
                commune_field(page, dom_id).get_by_role(
                    "button", name=commune.label, exact=True
                ).click()
                expect(page.locator(f"[data-chosen='{key}']")).to_contain_text(commune.name)
        else:
            page.locator(f"#{dom_id}").fill(value)


def assert_no_stray_text(page: Page):
    """A missing value must never reach the citizen as 'undefined' or 'null'."""
    text = page.locator("main").inner_text()
    assert not re.search(r"\b(undefined|null|NaN)\b", text), text


def walk_wizard(page: Page, app, tmp_path, group_id: str, procedures: list[str], answers: dict):
    """From the procedures page to the dossier code; returns the code."""
    walk_to_confirmation(page, tmp_path, group_id, procedures, answers)
    page.get_by_role("button", name="Gửi mã xác nhận").click()
    expect(page.get_by_text("Đã gửi mã đến số")).to_be_visible()
    page.get_by_label("Mã xác nhận (6 chữ số)").fill(last_code(app, "+84912345678"))
    page.get_by_role("button", name="Nộp hồ sơ").click()
    return filed_code(page)


def filed_code(page: Page) -> str:
    expect(page.get_by_role("heading", name="Đã nộp hồ sơ")).to_be_visible()
    code = page.locator("#dossier-code").inner_text()
    assert re.fullmatch(r"X05665-\d{6}-\d{4}", code)
    return code


def choose_procedures(page: Page, group_id="khai-sinh", procedures=None):
    """Tick the procedures wanted (only the required one comes ticked) and go on."""
    expect(page.get_by_role("heading", name="Bạn cần làm những thủ tục nào?")).to_be_visible()
    expect(page.locator(".step")).to_have_text("Bước 1 · Phần 1/4: Chọn thủ tục")
    group = next(g for g in CATALOG["groups"] if g["id"] == group_id)
    procedures = group["procedures"][: group["max"]] if procedures is None else procedures
    for pid in group["procedures"]:
        if pid in group["required"]:
            continue
        box = page.locator(f"#p-{pid}")
        box.check() if pid in procedures else box.uncheck()
    page.get_by_role("button", name="Tiếp tục").click()


def walk_to_confirmation(page: Page, tmp_path, group_id, procedures, answers, vouched=()):
    """From the procedures page to the page that confirms and submits."""
    choose_procedures(page, group_id, procedures)
    sections = [
        s
        for s in validation.sections_for(group_id, procedures)
        if validation.visible_fields(s, answers)
    ]
    for index, section_id in enumerate(sections, start=2):
        expect(
            page.get_by_role("heading", name=CATALOG["sections"][section_id]["title"])
        ).to_be_visible()
        # No total that a later answer could make untrue: the position and the part.
        expect(page.locator(".step")).to_have_text(f"Bước {index} · Phần 2/4: Khai thông tin")
        assert_no_stray_text(page)
        fill_section(page, section_id, answers, vouched)
        page.get_by_role("button", name="Tiếp tục").click()
    for attachment in validation.attachments_for(group_id, procedures, answers):
        expect(page.get_by_role("heading", name=attachment["title"])).to_be_visible()
        expect(page.locator(".step")).to_have_text(re.compile(r"^Bước \d+ · Phần 3/4: Chụp ảnh"))
        if attachment.get("required"):
            page.get_by_label("Chụp ảnh").set_input_files(photo(tmp_path))
            expect(page.locator(".photos li")).to_have_count(1)
            expect(page.locator(".photos li").first).to_contain_text("Đã tải lên")
        page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("heading", name="Kiểm tra lại thông tin")).to_be_visible()
    expect(page.locator(".step")).to_have_text(re.compile(r"^Bước \d+ · Phần 4/4: Kiểm tra"))
    expect(page.get_by_role("button", name="Tiếp tục để xác nhận và nộp")).to_be_enabled()
    assert_no_stray_text(page)
    page.get_by_role("button", name="Tiếp tục để xác nhận và nộp").click()
    expect(page.get_by_role("heading", name="Xác nhận và nộp hồ sơ")).to_be_visible()
