"""Values that are possible on paper but very likely a slip of the finger.

Two kinds: refusals stated as catalog rules (a mother's age at the birth,
``age_between`` in ``domain.validation``), and gentle warnings that never block
(a name typed without any diacritics where the keyboard probably lost them).
Plain functions; ``static/js/rules.js`` mirrors them word for word.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date

# Syllables that a Vietnamese name almost never carries without a mark: when a
# name has one of these and no mark at all, the phone's keyboard (or a hurried
# citizen) most likely dropped them: "Nguyen Thi Lan" for "Nguyễn Thị Lan".
# Names of other languages and of most minority peoples ("Ksor H'Hen") do not
# use them and are never warned about.
UNMARKED_SYLLABLES = (
    "nguyen", "tran", "pham", "hoang", "huynh", "vu", "vo", "dang", "bui", "do",
    "ngo", "duong", "ly", "dinh", "thi", "van", "duc", "thanh", "tuan", "hung",
    "dung", "phuong", "huong", "ngoc", "thu", "ha", "trang", "quynh", "duy", "cuong",
)  # fmt: skip

NO_DIACRITICS = (
    "{Name} “{value}” không có dấu. Hãy sửa lại cho đúng như trên giấy tờ nếu bàn phím đã "
    "làm mất dấu; nếu tên đúng là không dấu, bạn không cần sửa."
)


def age_on(birth: str, day: str) -> int | None:
    """Full years from ``birth`` to ``day`` (ISO dates), or None if either is not a date."""
    try:
        born, on = date.fromisoformat(birth), date.fromisoformat(day)
    except (TypeError, ValueError):
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def has_marks(text: str) -> bool:
    """Any Vietnamese diacritic (a tone or a vowel mark, or đ)."""
    if "đ" in text.lower():
        return True
    return any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", text))


def likely_lost_diacritics(name: str) -> bool:
    """A name with no mark at all, though it has a syllable that needs one."""
    if not name or has_marks(name):
        return False
    words = "".join(c if c.isalpha() else " " for c in name.lower()).split()
    return any(word in UNMARKED_SYLLABLES for word in words)


def name_warnings(fields: list[dict], answers: Mapping) -> dict[str, str]:
    """Gentle warnings for the person-name fields among ``fields`` (visible ones)."""
    found = {}
    for field in fields:
        value = answers.get(field["key"])
        if field.get("person_name") and isinstance(value, str) and likely_lost_diacritics(value):
            name = field["name"]
            found[field["key"]] = NO_DIACRITICS.format(
                Name=name[:1].upper() + name[1:], value=value.strip()
            )
    return found
