"""The paper declarations the citizen signs, filled from a draft's answers.

Each form is a JSON template in ``domain/forms/templates/`` (its headings,
its lines in the official order, which answers go where, the blanks left for
the hand); one layout function here and one PDF renderer
(``services/forms/pdf.py``) serve them all, so a new version of a form is a new
template file, not new code. A catalog attachment names its form
(``"form": "khai-sinh"``); the template with that ``form`` id and the highest
``version`` is the one printed.

:func:`layout` turns a template and answers into plain items (headings,
labelled lines, paragraphs, the signature block) with every value already
written as the paper shows it; :func:`fingerprint` is a keyed hash of those
items, printed in the QR so that the office recognises a paper printed from
answers that have since changed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from functools import cache
from pathlib import Path

from domain import catalog
from domain.communes import get_commune

TEMPLATES_DIR = Path(__file__).parent / "templates"
BLANK = ""  # a value the citizen writes by hand: the renderer draws dots
_PLACEHOLDER = re.compile(r"\{([^}|]+)(?:\|([a-z_]+))?\}")
ITEM_KINDS = ("header", "heading", "text", "line", "signature", "note", "space")


class FormError(Exception):
    """A template that does not describe a form this module can lay out."""


@cache
def _all_templates() -> tuple[dict, ...]:
    found = []
    for path in sorted(TEMPLATES_DIR.glob("*.json")):
        template = json.loads(path.read_text(encoding="utf-8"))
        check_template(template, path.name)
        found.append(template)
    return tuple(found)


def check_template(template: dict, name: str = "template") -> None:
    """Refuses a template with an unknown item or an answer key the catalog lacks,
    so that a typo in a new form fails the tests, not a citizen's print."""
    for key in ("form", "version", "title", "items"):
        if key not in template:
            raise FormError(f"{name}: missing {key!r}")
    for item in template["items"]:
        kinds = [k for k in ITEM_KINDS if k in item]
        if len(kinds) != 1:
            raise FormError(f"{name}: an item needs exactly one of {ITEM_KINDS}: {item}")
        for text in _texts(item):
            for key, flt in _PLACEHOLDER.findall(text):
                if not key.startswith("@") and catalog.get_field(key) is None:
                    raise FormError(f"{name}: unknown answer {key!r}")
                if flt and flt not in FILTERS:
                    raise FormError(f"{name}: unknown filter {flt!r}")


def _texts(item: dict) -> list[str]:
    out: list[str] = []

    def walk(value):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for k, v in value.items():
                if k != "when":
                    walk(v)

    walk(item)
    return out


def templates() -> dict[str, dict]:
    """The current template of each form id (highest version)."""
    current: dict[str, dict] = {}
    for template in _all_templates():
        known = current.get(template["form"])
        if known is None or template["version"] > known["version"]:
            current[template["form"]] = template
    return current


def form_of(attachment: dict) -> dict | None:
    """The current template of the paper this attachment asks to sign, or None."""
    form_id = attachment.get("form")
    return templates().get(form_id) if form_id else None


def printable(attachments: list[dict]) -> list[dict]:
    """The attachments among these that have a form to print."""
    return [a for a in attachments if form_of(a) is not None]


# ---- values as the paper shows them ---------------------------------------

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _under_thousand(n: int, full: bool) -> str:
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens > 1:
        words += [_DIGITS[tens], "mươi"]
        if units == 1:
            words.append("mốt")
        elif units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
    elif units:
        if words:
            words.append("linh")
        words.append(_DIGITS[units])
    return " ".join(words)


def number_words(n: int) -> str:
    """Vietnamese words for 0 <= n < 10000, as written on civil-status papers."""
    if n == 0:
        return "không"
    thousands, rest = divmod(n, 1000)
    words = []
    if thousands:
        words += [_under_thousand(thousands, False), "nghìn"]
        if rest:
            words.append(_under_thousand(rest, True))
    else:
        words.append(_under_thousand(rest, False))
    return " ".join(words)


def date_words(iso: str) -> str:
    """ "2026-03-27" -> "Ngày hai mươi bảy tháng ba năm hai nghìn không trăm hai mươi sáu"."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso or ""):
        return BLANK
    year, month, day = (int(part) for part in iso.split("-"))
    month_word = "tư" if month == 4 else number_words(month)
    day_word = f"mồng {number_words(day)}" if day <= 10 else number_words(day)
    return f"Ngày {day_word} tháng {month_word} năm {number_words(year)}"


def _show_date(iso: str) -> str:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return "/".join(reversed(iso.split("-")))
    return iso


def _show_phone(value: str) -> str:
    if value.startswith("+84"):
        return "0" + value[3:]
    return value


def display(key: str, answers: dict) -> str:
    """One answer as the paper shows it: option labels, dd/mm/yyyy dates,
    commune names with their province; "" when not answered."""
    value = str(answers.get(key) or "").strip()
    field = catalog.get_field(key)
    if not value or field is None:
        return BLANK
    kind = field["type"]
    if kind in ("radio", "select"):
        if value == "khac" and answers.get(f"{key}_khac"):
            return str(answers[f"{key}_khac"]).strip()
        option = next((o for o in catalog.field_options(field) if o["value"] == value), None)
        return option["label"] if option else value
    if kind == "date":
        return _show_date(value)
    if kind == "commune":
        commune = get_commune(value)
        return _in_sentence(commune.label) if commune else value
    if kind == "phone":
        return _show_phone(value)
    if kind == "checkbox":
        return "Có" if value == "co" else "Không"
    return value


FILTERS = {
    "upper": lambda text, raw: text.upper(),
    "date_words": lambda text, raw: date_words(raw),
    "year": lambda text, raw: raw[:4] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else text,
    "day": lambda text, raw: raw[8:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else "",
    "month": lambda text, raw: raw[5:7] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else "",
    "hour": lambda text, raw: raw[:2] if re.fullmatch(r"\d{2}:\d{2}", raw) else "",
    "minute": lambda text, raw: raw[3:5] if re.fullmatch(r"\d{2}:\d{2}", raw) else "",
}


def _in_sentence(label: str) -> str:
    """ "Xã Văn Lăng, tỉnh Thái Nguyên" as written inside a line: "xã Văn Lăng, ..."."""
    return label[:1].lower() + label[1:]


def fill(text: str, answers: dict, context: dict) -> str:
    """A template string with its {answer} and {@context} placeholders written
    out. A string whose every placeholder is unanswered comes back blank, so
    that "{a}, {b}" never prints a lone comma."""
    found = _PLACEHOLDER.findall(text)
    values = []
    for key, flt in found:
        if key.startswith("@"):
            shown = raw = str(context.get(key[1:], ""))
        else:
            raw = str(answers.get(key) or "").strip()
            shown = display(key, answers)
        values.append(FILTERS[flt](shown, raw) if flt and shown else shown)
    if found and not any(values):
        return BLANK
    it = iter(values)
    return " ".join(_PLACEHOLDER.sub(lambda _m: next(it), text).split())


def value_of(spec, answers: dict, context: dict) -> str:
    """A line's value: a string, or a list of parts joined by ", " (empty parts left out)."""
    if isinstance(spec, list):
        return ", ".join(p for p in (fill(s, answers, context) for s in spec) if p)
    return fill(spec or "", answers, context)


def _holds(condition: dict | None, answers: dict) -> bool:
    if not condition:
        return True
    value = str(answers.get(condition["field"]) or "")
    if "equals" in condition:
        return value == condition["equals"]
    if "not_equals" in condition:
        return value != condition["not_equals"]
    if "in" in condition:
        return value in condition["in"]
    return bool(value) == condition.get("answered", True)


def layout(template: dict, answers: dict, context: dict) -> list[dict]:
    """The template's items for these answers, every value written out.

    ``context`` carries what is not an answer: ``commune`` (the commune's
    name with its province), ``commune_name`` and ``agency`` lines."""
    items = []
    for item in template["items"]:
        if not _holds(item.get("when"), answers):
            continue
        if "line" in item:
            cells = [
                {
                    "label": cell[0],
                    "value": value_of(cell[1] if len(cell) > 1 else "", answers, context),
                }
                for cell in item["line"]
            ]
            items.append({"kind": "line", "cells": cells})
        elif "signature" in item:
            # The date and the signature stay blank: the citizen writes them.
            columns = [
                {
                    "role": column.get("role", "NGƯỜI YÊU CẦU"),
                    "hint": column.get("hint", "(Ký, ghi rõ họ, chữ đệm, tên)"),
                    "name": value_of(column.get("name", ""), answers, context),
                    "date": bool(column.get("date", False)),
                }
                for column in item["signature"]["columns"]
            ]
            items.append({"kind": "signature", "columns": columns})
        elif "header" in item:
            items.append(
                {
                    "kind": "header",
                    "left": [fill(t, answers, context) for t in item["header"].get("left", [])],
                    "right": [fill(t, answers, context) for t in item["header"].get("right", [])],
                }
            )
        else:
            kind = next(k for k in ITEM_KINDS if k in item)
            value = item[kind]
            text = fill(value, answers, context) if isinstance(value, str) else value
            items.append(
                {
                    "kind": kind,
                    "text": text,
                    **{k: item[k] for k in ("bold", "center", "size", "italic") if k in item},
                }
            )
    return items


def fingerprint(template: dict, items: list[dict], secret: str) -> str:
    """A short keyed hash of what this paper says: the same answers print the
    same fingerprint, any change to a printed value changes it. Keyed, so the
    QR tells nothing about the answers to anyone without the app's secret."""
    payload = json.dumps(
        [template["form"], template["version"], items], ensure_ascii=False, sort_keys=True
    )
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()[:12]


def context_for(commune_code: str) -> dict:
    commune = get_commune(commune_code)
    if commune is None:
        return {"commune": "", "commune_name": "", "province": ""}
    return {
        "commune": _in_sentence(commune.label),
        "commune_name": _in_sentence(commune.name),
        "province": commune.province_label,
    }
