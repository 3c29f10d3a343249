"""static/js/rules.js gives exactly the server's answers, in a real Chromium.

The same catalog JSON drives both. Two checks only the server makes are left
out on purpose: whether a well-shaped commune code exists (the browser checks
5 digits; the server looks it up) and which mobile ranges are allocated (the
browser accepts any 03/05/07/08/09 10-digit number; phonenumbers knows the
ranges). The value tables below avoid both, and a test documents them.
"""

import functools
import threading
import unicodedata
from datetime import date, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from domain import validation
from domain.catalog import CATALOG, catalog_json, get_field
from domain.communes import get_commune
from tests.domain.sample_answers import (
    BIRTH_PROCEDURES,
    DEATH_PROCEDURES,
    valid_birth_answers,
    valid_death_answers,
)
from tests.domain.test_validation import FIELD_CASES, SECTION_CASES

STATIC = Path(__file__).resolve().parents[2] / "static"
TODAY = date.today()
TODAY_ISO = TODAY.isoformat()

# Runs every case in the page; the catalog travels once.
RUNNER = """
async ([catalog, cases]) => {
  const r = await import('/js/rules.js');
  const ids = (list) => list.map((item) => item.id);
  return cases.map((c) => {
    switch (c.kind) {
      case 'field': return r.validateField(catalog, r.getField(catalog, c.key), c.value, c.today);
      case 'section': return r.validateSection(catalog, c.section, c.answers, c.today,
                                               c.group ?? null, c.procedures ?? null);
      case 'answers': return r.validateAnswers(catalog, c.group, c.procedures, c.answers, c.today);
      case 'selection': return r.checkSelection(catalog, c.group, c.procedures);
      case 'sections': return r.sectionsFor(catalog, c.group, c.procedures);
      case 'visible': return ids(r.visibleFields(catalog, c.section, c.answers));
      case 'attachments': return ids(r.attachmentsFor(catalog, c.group, c.procedures, c.answers));
      case 'clean': return r.cleanAnswers(catalog, c.group, c.procedures, c.answers);
      case 'warnings': return r.answerWarnings(catalog, c.group, c.procedures, c.answers);
    }
    throw new Error('unknown case ' + c.kind);
  });
}
"""


def python_result(case: dict):
    kind = case["kind"]
    if kind == "field":
        field = get_field(case["key"])
        return validation.validate_field(field, case["value"], today=case["today"])
    if kind == "section":
        return validation.validate_section(
            case["section"],
            case["answers"],
            today=case["today"],
            group_id=case.get("group"),
            procedure_ids=case.get("procedures"),
        )
    if kind == "answers":
        return validation.validate_answers(
            case["group"], case["procedures"], case["answers"], today=case["today"]
        )
    if kind == "selection":
        return validation.check_selection(case["group"], case["procedures"])
    if kind == "sections":
        return validation.sections_for(case["group"], case["procedures"])
    if kind == "visible":
        return [f["id"] for f in validation.visible_fields(case["section"], case["answers"])]
    if kind == "attachments":
        found = validation.attachments_for(case["group"], case["procedures"], case["answers"])
        return [a["id"] for a in found]
    if kind == "clean":
        return validation.clean_answers(case["group"], case["procedures"], case["answers"])
    if kind == "warnings":
        return validation.answer_warnings(case["group"], case["procedures"], case["answers"])
    raise AssertionError(kind)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def js(browser):
    """Runs a list of cases through rules.js in Chromium; one browser per module."""
    handler = functools.partial(QuietHandler, directory=str(STATIC))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
    catalog = catalog_json()

    def run(cases: list[dict]) -> list:
        return page.evaluate(RUNNER, [catalog, cases])

    try:
        yield run
    finally:
        page.close()
        server.shutdown()
        server.server_close()
        thread.join()


def assert_same(js, cases: list[dict]):
    results = js(cases)
    assert len(results) == len(cases)
    for case, in_browser in zip(cases, results, strict=True):
        assert in_browser == python_result(case), case


# --- value tables --------------------------------------------------------------

NFD_NAME = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
VALUES = [
    "", "   ", "\u00a0An\u00a0", "\ufeffAn", "a", NFD_NAME, "N" * 51, "Ơ" * 101,
    "co", "khong", "nam", "nu", "VN", "khac", "01", "54", "55", "me", "tai-khoan",
    "2026-02-29", "2024-02-29", "2025-13-01", "0000-01-01", "1899-12-31", "1900-01-01",
    "20/11/2026", TODAY_ISO, (TODAY + timedelta(days=1)).isoformat(),
    (TODAY - timedelta(days=5)).isoformat(),
    "23:59", "24:00", "7:05", "07:05",
    "019198004321", "019098004321", "01919800432", "003198004321", "0191980043211",
    "0912345678", "+84912345678", "84912345678", "0084 912 345 678", "(+84) 912.345-678",
    "0912abc678", "01681234567", "+84 24 3825 1234", "1900 1234", "1800 1234 56",
    "0084 168 123 4567", "+84 (0) 912 345 678", "09 12 34 56 78", "0912345678 ext 1",
    "+84 168 123 4567", "024 3825 1234", "+1 202 555 0123",
    "lan@example.vn", "lan@example", "a b@example.vn",
    "0", "2", "10", "11", "-1", "2.5", "1234567890", "12AB5678", "1234567890123",
    "05665", "5665", "0566a",
]  # fmt: skip
NON_STRINGS = [None, 5, True, ["co"]]


def server_only(field: dict, value) -> bool:
    """Cases where only the server can know: an existing commune code."""
    return (
        field["type"] == "commune"
        and isinstance(value, str)
        and validation.normalize_text(value).isdigit()
        and len(validation.normalize_text(value)) == 5
        and get_commune(validation.normalize_text(value)) is None
    )


def field_cases() -> list[dict]:
    cases = []
    for section in CATALOG["sections"].values():
        for field in section["fields"]:
            for value in [*VALUES, *NON_STRINGS]:
                if not server_only(field, value):
                    key = field["key"]
                    cases.append({"kind": "field", "key": key, "value": value, "today": TODAY_ISO})
    for key, value, _ in FIELD_CASES:
        if not server_only(get_field(key), value):
            cases.append({"kind": "field", "key": key, "value": value, "today": TODAY_ISO})
    return cases


def test_every_field_gives_the_same_message_for_the_same_value(js):
    assert_same(js, field_cases())


def test_the_dates_are_compared_with_the_today_given(js):
    cases = [
        {"kind": "field", "key": "tre.ngay_sinh", "value": value, "today": "2026-01-01"}
        for value in ("2025-12-31", "2026-01-01", "2026-01-02")
    ]
    assert_same(js, cases)


def test_every_page_gives_the_same_errors(js):
    cases = [
        {"kind": "section", "section": section_id, "answers": answers, "today": TODAY_ISO}
        for section_id, answers, _ in SECTION_CASES
    ]
    # Every page of both groups, with valid, empty and partly broken answers.
    broken = {**valid_birth_answers(TODAY), **valid_death_answers(TODAY)}
    for key in list(broken)[::3]:
        broken[key] = "x"
    for answers in (valid_birth_answers(TODAY), valid_death_answers(TODAY), {}, broken):
        for section_id in CATALOG["sections"]:
            cases.append(
                {"kind": "section", "section": section_id, "answers": answers, "today": TODAY_ISO}
            )
    young = {**valid_birth_answers(TODAY), "tre.ngay_sinh": f"{TODAY.year - 7}-06-01"}
    for procedures in (BIRTH_PROCEDURES, ["dang-ky-khai-sinh", "dang-ky-thuong-tru"]):
        cases.append(
            {
                "kind": "section",
                "section": "tre",
                "answers": young,
                "today": TODAY_ISO,
                "group": "khai-sinh",
                "procedures": procedures,
            }
        )
    assert_same(js, cases)


CHOICES = [
    ("khai-sinh", BIRTH_PROCEDURES),
    ("khai-sinh", ["dang-ky-khai-sinh", "dang-ky-thuong-tru"]),
    ("khai-sinh", ["cap-the-bhyt", "dang-ky-khai-sinh"]),
    ("khai-tu", ["dang-ky-khai-tu", "xoa-thuong-tru"]),
    ("khai-tu", ["dang-ky-khai-tu", "xoa-thuong-tru", "ho-tro-mai-tang"]),
    ("khai-tu", ["dang-ky-khai-tu", "xoa-thuong-tru", "tro-cap-mai-tang"]),
]
BAD_CHOICES = [
    ("khai-sinh", ["dang-ky-khai-sinh"]),
    ("khai-sinh", ["dang-ky-thuong-tru", "cap-the-bhyt"]),
    ("khai-sinh", ["dang-ky-khai-sinh", "dang-ky-khai-sinh"]),
    ("khai-sinh", ["dang-ky-khai-sinh", "xoa-thuong-tru"]),
    ("khai-tu", ["dang-ky-khai-tu"]),
    ("khai-tu", []),
    ("khai-tu", DEATH_PROCEDURES),  # both funeral procedures: excluded
    ("khai-tu", ["dang-ky-khai-tu", "tro-cap-mai-tang", "ho-tro-mai-tang"]),
    ("ket-hon", ["dang-ky-khai-sinh", "dang-ky-thuong-tru"]),
]


def mutations(answers: dict) -> list[dict]:
    """The valid answers with one field at a time emptied or spoiled."""
    found = []
    for key in answers:
        for value in ("", "x", "2026-02-30"):
            found.append({**answers, key: value})
    found.append({**answers, "tre.biet_danh": "Bống", "hacker": 1, "tre.ho": None})
    found.append({**answers, "cha.co_thong_tin": "khong", "noi-sinh.giay_chung_sinh": "khong"})
    found.append({**answers, "xoa-thuong-tru.la_chu_ho": "khong", "tu-vong.gio_mat": ""})
    found.append({**answers, "nguoi-mat.quoc_tich": "khac", "nhan-ket-qua.hinh_thuc": "buu-chinh"})
    return found


def test_whole_dossiers_give_the_same_errors_pages_and_papers(js):
    cases = []
    for group_id, procedures in CHOICES:
        base = valid_birth_answers(TODAY) if group_id == "khai-sinh" else valid_death_answers(TODAY)
        for answers in mutations(base):
            common = {"group": group_id, "procedures": procedures, "answers": answers}
            cases.append({"kind": "answers", "today": TODAY_ISO, **common})
            cases.append({"kind": "attachments", **common})
            cases.append({"kind": "clean", **common})
        cases.append({"kind": "sections", "group": group_id, "procedures": procedures})
    for group_id, procedures in [*CHOICES, *BAD_CHOICES]:
        cases.append({"kind": "selection", "group": group_id, "procedures": procedures})
        cases.append(
            {
                "kind": "answers",
                "group": group_id,
                "procedures": procedures,
                "answers": {},
                "today": TODAY_ISO,
            }
        )
    assert_same(js, cases)


def test_visible_fields_are_the_same(js):
    cases = []
    for answers in (
        mutations(valid_birth_answers(TODAY))[::7] + mutations(valid_death_answers(TODAY))[::7]
    ):
        for section_id in CATALOG["sections"]:
            cases.append({"kind": "visible", "section": section_id, "answers": answers})
    assert_same(js, cases)


def test_only_the_server_knows_which_communes_and_phone_ranges_exist(js):
    # The documented differences, so that they stay the only ones.
    commune = {"kind": "field", "key": "noi-sinh.xa", "value": "99999", "today": TODAY_ISO}
    unallocated = {
        "kind": "field",
        "key": "nguoi-yeu-cau.dien_thoai",
        "value": "0500000000",
        "today": TODAY_ISO,
    }
    in_browser = js([commune, unallocated])
    assert in_browser == [None, None]
    assert python_result(commune) == (
        "Không tìm thấy xã, phường nơi sinh đã chọn. Hãy tìm và chọn lại trong danh sách gợi ý."
    )
    assert python_result(unallocated) == (
        "Số điện thoại di động của bạn không đúng. Hãy nhập số di động Việt Nam gồm "
        "10 chữ số, ví dụ 0912 345 678."
    )


NAMES = [
    "Nguyen Thi Lan", "Nguyễn Thị Lan", "TRAN VAN HUNG", "  le thi thu ", "Ksor H'Hen",
    "Đoan Trang", NFD_NAME, "Do Van-An", "John Smith", "",
]  # fmt: skip


def test_the_browser_warns_about_the_same_names_as_the_server(js):
    cases = []
    for name in NAMES:
        answers = {**valid_birth_answers(), "me.ho_ten": name, "cha.ho_ten": name}
        cases.append(
            {
                "kind": "warnings",
                "group": "khai-sinh",
                "procedures": BIRTH_PROCEDURES,
                "answers": answers,
            }
        )
        death = {**valid_death_answers(), "nguoi-mat.ho_ten": name}
        cases.append(
            {
                "kind": "warnings",
                "group": "khai-tu",
                "procedures": DEATH_PROCEDURES[:3],
                "answers": death,
            }
        )
    assert_same(js, cases)
