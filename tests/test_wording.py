"""One spelling across pages (issue 16): "Xóa", not both "Xoá" and "Xóa".

Quyết định 1989/QĐ-BGDĐT (2018) allows either place for the tone mark of an open
oa, oe, uy syllable; the national public-service portal writes "Xóa", "hủy",
"khóa", so every text a citizen or officer reads does too.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ["templates", "static", "domain", "blueprints", "services", "models"]
SUFFIXES = {".html", ".js", ".py", ".json", ".css", ".txt"}

# The old placement: the mark on the second vowel of an open oa/oe/uy syllable
# ("xoá", "hoà", "thuỷ"), "qu" excepted ("quý" is the same in both styles).
OLD_PLACEMENT = re.compile(
    r"(?<![qQ])[oO][áàảãạéèẻẽẹ](?![a-zA-Zà-ỹđĐ])|(?<![qQgG])[uU][ýỳỷỹỵ](?![a-zA-Zà-ỹđĐ])"
)


def scanned_files():
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*")):
            relative = path.relative_to(ROOT).as_posix()
            if path.suffix in SUFFIXES and path.is_file():
                yield relative, path


def test_no_page_or_message_writes_xoa_with_the_old_tone_mark():
    found = []
    for relative, path in scanned_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in OLD_PLACEMENT.finditer(line):
                start = max(0, match.start() - 8)
                found.append(f"{relative}:{number}: …{line[start : match.end() + 4]}…")
    assert found == [], "Viết “xóa, hòa, thủy” (dấu trên nguyên âm chính):\n" + "\n".join(found)


def test_the_scan_sees_the_old_spelling_and_spares_closed_syllables():
    assert OLD_PLACEMENT.search("Xoá ảnh")
    assert OLD_PLACEMENT.search("thuỷ")
    assert not OLD_PLACEMENT.search("Xóa ảnh, hoàn tất, toán, quý, khoản, hoạt động")
