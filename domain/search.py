"""Office search: by dossier code, a person's name (with or without tone
marks), a phone number or a personal ID number, and by what the agencies
recorded: a registration or notice number, the child's new personal ID number,
the postal tracking number.

Answers are JSON, which the database cannot search by folded name; each
dossier keeps one ``search_text`` line built here, searched with LIKE.
"""

from __future__ import annotations

import re
import unicodedata

from domain.catalog import get_field
from domain.communes import fold
from domain.dossier_code import format_code, parse_code
from domain.numbers import ascii_digits, is_ascii_digits

_NAME_IDS = {"ho_ten", "nguoi_nhan", "ten_chu_ho", "chu_ho"}
_NAME_PARTS = ("ho", "chu_dem", "ten")
# Format characters vanish, control characters (tabs...) separate words; the
# answers' checks refuse both in new text, older answers may hold them.
_INVISIBLE = {"Cf": "", "Cc": " "}


def _digits(text: str) -> str:
    # 0-9 only: "\D" keeps other scripts' digits, and "①" passed isdigit()
    # but not "\d", which left nothing to search for (an IndexError).
    return ascii_digits(text or "")


def _fold(text: str) -> str:
    """fold() without the characters nobody sees: a name stored with a
    zero-width space or a soft hyphen inside is found by the name as typed."""
    if not text.isprintable():  # Cf and Cc are never printable: most text has neither
        text = "".join(_INVISIBLE.get(unicodedata.category(ch), ch) for ch in text)
    return fold(text)


def _phone_forms(raw: str) -> list[str]:
    digits = _digits(raw)
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return [digits] if digits else []


def recorded_terms(results: list[tuple[str, dict | None]], tracking: str | None) -> list[str]:
    """The numbers recorded on a dossier, from its steps' results and its tracking."""
    from domain.results import searchable

    terms = [v for pid, values in results for v in searchable(pid, values or {})]
    return [*terms, tracking] if tracking else terms


def build_search_text(answers: dict, extra_phones: list[str] = (), recorded: list[str] = ()) -> str:
    """One lowercase, unaccented line: "nguyen thi lan | tran minh an | 0912345678 | ..."."""
    parts: list[str] = []
    sections: dict[str, dict[str, str]] = {}
    for key, value in (answers or {}).items():
        if not isinstance(value, str) or not value:
            continue
        section, _, fid = key.partition(".")
        field = get_field(key)
        kind = field["type"] if field else ""
        if kind == "personal_id":
            parts.append(_digits(value))
        elif kind == "phone":
            parts.extend(_phone_forms(value))
        elif fid in _NAME_IDS or fid.startswith("ho_ten"):
            parts.append(_fold(value))
        elif fid in _NAME_PARTS:
            sections.setdefault(section, {})[fid] = value
    for names in sections.values():
        full = " ".join(names[p] for p in _NAME_PARTS if names.get(p))
        parts.append(_fold(full))
    for phone in extra_phones:
        parts.extend(_phone_forms(phone))
    parts.extend(_fold(term) for term in recorded if term)
    return " | ".join(dict.fromkeys(p for p in parts if p))


def parse_query(query: str) -> tuple[str, str] | None:
    """("code", "X05665-261126-0001"), ("digits", "0912345678") or ("text",
    "nguyen van an"); None when there is nothing to search for."""
    query = (query or "").strip()[:100]
    parsed = parse_code(query)
    if parsed is not None:
        return "code", format_code(*parsed)
    compact = re.sub(r"[\s.+\-()]", "", query)
    if is_ascii_digits(compact) and len(compact) >= 4:
        return "digits", _phone_forms(compact)[0]
    folded = _fold(query)
    return ("text", folded) if len(folded) >= 2 else None


def like_pattern(text: str) -> str:
    """A LIKE pattern that matches ``text`` literally anywhere (escape char "\\")."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
