"""Authoritative checks of a citizen's answers against the procedure catalog.

``static/js/rules.js`` runs the same checks in the browser from the same
catalog JSON and must produce identical messages (tests/domain/test_rules_parity.py).
Only the server knows whether a commune code exists and which phone ranges
are allocated.

Answers are a flat dict ``{"section.field": "value"}``; dates "YYYY-MM-DD",
times "HH:MM", numbers as strings, checkboxes "co" or "".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date

from domain import plausibility
from domain.catalog import CATALOG, MESSAGES, SEX_WORDS, field_options, get_field, get_group
from domain.communes import get_commune
from domain.errors import RuleError
from domain.personal_id import check_personal_id
from domain.phones import normalize_vn_mobile

# The same characters as TRIM in rules.js: Python's str.strip() and JS trim()
# disagree on a few (e.g. U+FEFF, U+001C), so neither is used.
_SPACES = " \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# The same set spelled out for str.strip(chars), which removes exactly these
# from both ends (a regex substitution cost twice as much, on every answer).
_SPACE_CHARS = re.sub(
    "(.)-(.)", lambda m: "".join(map(chr, range(ord(m[1]), ord(m[2]) + 1))), _SPACES
)
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIME = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")
_INTEGER = re.compile(r"[0-9]{1,9}")
_DIGITS = re.compile(r"[0-9]+")
_GROUPING = re.compile(r"[ .\-]")
_COMMUNE = re.compile(r"[0-9]{5}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_PHONE_CHARS = re.compile(r"[0-9+().\-\s]+")
_OLD_MOBILE = re.compile(r"(?:\+?84|0)1[0-9]{9}")
_CHOICE_TYPES = ("radio", "select", "commune", "checkbox")
# Free text is letters, marks, digits, spaces, punctuation and symbols: never
# control or format characters (zero-width space, soft hyphen, right-to-left
# override...), nor line or paragraph separators, nor surrogates or private
# use. They are invisible, so "\u200b" looked filled in, and a name holding
# one was not found by the office search. Same class list as HIDDEN in rules.js.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
_MAX_WHEN_DEPTH = 10


def normalize_text(value: str) -> str:
    """NFC (Vietnamese typed as combining marks becomes one character) and trimmed."""
    return unicodedata.normalize("NFC", value).strip(_SPACE_CHARS)


def has_hidden_characters(text: str) -> bool:
    """Whether `text` holds a character a person cannot see or did not mean to type."""
    # Every hidden category is one str.isprintable() refuses: most text is
    # printable and needs no walk over its characters.
    if text.isprintable():
        return False
    return any(unicodedata.category(ch) in _HIDDEN_CATEGORIES for ch in text)


def _format(template: str, params: Mapping[str, object]) -> str:
    for key, value in params.items():
        template = template.replace("{" + key + "}", str(value))
    return template


def _message(field: dict, key: str, **params: object) -> str:
    template = field.get("messages", {}).get(key) or MESSAGES[key]
    name = field["name"]
    return _format(template, {"name": name, "Name": name[:1].upper() + name[1:], **params})


def _iso(today: date | str) -> str:
    return today if isinstance(today, str) else today.isoformat()


def _display_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def _is_date(text: str) -> bool:
    match = _ISO_DATE.fullmatch(text)
    if not match:
        return False
    try:
        date(*(int(part) for part in match.groups()))
    except ValueError:
        return False
    return True


# --- selection and pages ---------------------------------------------------


def check_selection(group_id: str, procedure_ids: object) -> str | None:
    """Why this choice of procedures cannot be submitted, or None if it can."""
    group = get_group(group_id)
    if group is None:
        return MESSAGES["selection_unknown_group"]
    if not isinstance(procedure_ids, list | tuple) or not all(
        isinstance(pid, str) and pid in group["procedures"] for pid in procedure_ids
    ):
        return MESSAGES["selection_unknown_procedure"]
    if len(set(procedure_ids)) != len(procedure_ids):
        return MESSAGES["selection_duplicate"]
    for required in group["required"]:
        if required not in procedure_ids:
            title = CATALOG["procedures"][required]["title"]
            return _format(MESSAGES["selection_required"], {"title": title})
    for rule in group["exclusive"]:
        if all(pid in procedure_ids for pid in rule["procedures"]):
            return rule["message"]
    bounds = {"min": group["min"], "max": group["max"]}
    if len(procedure_ids) < group["min"]:
        return _format(MESSAGES["selection_too_few"], bounds)
    if len(procedure_ids) > group["max"]:
        return _format(MESSAGES["selection_too_many"], bounds)
    return None


def sections_for(group_id: str, procedure_ids: Iterable[str]) -> list[str]:
    """The form pages, in order, for these procedures of the group."""
    group = get_group(group_id)
    if group is None:
        return []
    chosen = [pid for pid in group["procedures"] if pid in set(procedure_ids)]
    wanted = set(group.get("always_sections", []))
    for pid in chosen:
        wanted.update(CATALOG["procedures"][pid]["sections"])
    return [section_id for section_id in group["sections"] if section_id in wanted]


def _raw(answers: Mapping, key: str) -> str:
    value = answers.get(key)
    return normalize_text(value) if isinstance(value, str) else ""


def condition_holds(condition: dict, value: str) -> bool:
    if "equals" in condition:
        return value == condition["equals"]
    if "not_equals" in condition:
        return value != "" and value != condition["not_equals"]
    if "in" in condition:
        return value in condition["in"]
    return value != ""  # {"field": ..., "not_empty": true}


def _is_visible(
    field: dict, answers: Mapping, active: set | None, depth: int = 0, memo: dict | None = None
) -> bool:
    """Whether the field applies. ``memo``: what is already known of which
    fields apply, by key, for these same answers and sections (a whole dossier
    asks some two hundred times, most of them about the same few controlling
    fields)."""
    key = field["key"]
    if memo is not None and key in memo:
        return memo[key]
    if active is not None and key.split(".")[0] not in active:
        visible = False
    elif not (condition := field.get("when")):
        visible = True
    else:
        control = get_field(condition["field"])
        visible = (
            control is not None
            and depth <= _MAX_WHEN_DEPTH
            and _is_visible(control, answers, active, depth + 1, memo)
            and condition_holds(condition, _raw(answers, condition["field"]))
        )
    if memo is not None:
        memo[key] = visible
    return visible


def _when_holds(condition: dict, answers: Mapping, active: set | None) -> bool:
    control = get_field(condition["field"])
    value = (
        _raw(answers, condition["field"])
        if control and _is_visible(control, answers, active)
        else ""
    )
    return condition_holds(condition, value)


def _section(section_id: str) -> dict:
    try:
        return CATALOG["sections"][section_id]
    except KeyError:
        raise ValueError(f"unknown section: {section_id!r}") from None


def _visible(
    section_id: str, answers: Mapping, active: set | None, memo: dict | None = None
) -> list[dict]:
    fields = _section(section_id)["fields"]
    return [f for f in fields if _is_visible(f, answers, active, memo=memo)]


def visible_fields(section_id: str, answers: Mapping) -> list[dict]:
    """The fields of a page that apply, given the answers so far ("when")."""
    return _visible(section_id, answers, None)


def attachments_for(
    group_id: str, procedure_ids: Iterable[str], answers: Mapping, electronic: Iterable[str] = ()
) -> list[dict]:
    """The papers to upload for this choice and these answers, in catalog order.

    ``electronic``: procedures whose declaration the citizen confirms at submit
    instead of signing it (domain.declarations): their signed form is not asked."""
    group = get_group(group_id)
    if group is None:
        return []
    procedure_ids = list(procedure_ids)
    electronic = set(electronic)
    active = set(sections_for(group_id, procedure_ids))
    result = []
    for pid in group["procedures"]:
        if pid not in procedure_ids:
            continue
        for attachment in CATALOG["procedures"][pid]["attachments"]:
            if pid in electronic and attachment.get("form"):
                continue
            condition = attachment.get("when")
            if condition is None or _when_holds(condition, answers, active):
                result.append(dict(attachment))
    return result


# --- one field -------------------------------------------------------------


def validate_field(field: dict, value: object, *, today: date | str) -> str | None:
    """The error message for one answer, or None. ``value`` "" means unanswered."""
    if not isinstance(value, str):
        return _message(field, "not_string")
    text = normalize_text(value)
    kind = field["type"]
    if text == "":
        if not field.get("required", True):
            return None
        return _message(field, "required_choice" if kind in _CHOICE_TYPES else "required")
    if kind == "text" and has_hidden_characters(text):
        return _message(field, "text_hidden")
    if "max_length" in field and len(text) > field["max_length"]:
        return _message(field, "too_long", max=field["max_length"])
    if "min_length" in field and len(text) < field["min_length"]:
        return _message(field, "too_short", min=field["min_length"])
    if "digits" in field:
        low, high = field["digits"]
        # Grouped as printed on a bank card or book: "1903 6677 8899" is digits.
        digits = _GROUPING.sub("", text)
        if not (_DIGITS.fullmatch(digits) and low <= len(digits) <= high):
            key = "digits_exact" if low == high else "digits_invalid"
            return _message(field, key, min=low, max=high)
    check = _CHECKS.get(kind)
    return check(field, text, _iso(today)) if check else None


def _check_date(field: dict, text: str, today: str) -> str | None:
    if not _is_date(text):
        return _message(field, "date_invalid")
    not_before = field.get("not_before")
    if not_before and text < not_before:
        return _message(field, "date_too_early", min=_display_date(not_before))
    if field.get("not_future", True) and text > today:
        return _message(field, "date_future")
    return None


def _check_time(field: dict, text: str, today: str) -> str | None:
    return None if _TIME.fullmatch(text) else _message(field, "time_invalid")


def _check_choice(field: dict, text: str, today: str) -> str | None:
    values = {option["value"] for option in field_options(field)}
    return None if text in values else _message(field, "choice_invalid")


def _check_checkbox(field: dict, text: str, today: str) -> str | None:
    return None if text == "co" else _message(field, "choice_invalid")


def _check_personal_id(field: dict, text: str, today: str) -> str | None:
    try:
        check_personal_id(text)
    except RuleError as error:
        if error.code == "format":
            return _message(field, "personal_id_format")
        if error.code == "province":
            return _message(field, "personal_id_province")
        return error.message
    return None


def _check_phone(field: dict, text: str, today: str) -> str | None:
    try:
        normalize_vn_mobile(text)
    except RuleError as error:
        if error.code == "not_mobile":
            return _message(field, "phone_not_mobile")
        compact = re.sub(r"[^0-9+]", "", text)
        if _PHONE_CHARS.fullmatch(text) and _OLD_MOBILE.fullmatch(compact):
            return _message(field, "phone_old")
        return _message(field, "phone_invalid")
    return None


def _check_email(field: dict, text: str, today: str) -> str | None:
    return None if _EMAIL.fullmatch(text) else _message(field, "email_invalid")


def _check_integer(field: dict, text: str, today: str) -> str | None:
    if not _INTEGER.fullmatch(text):
        return _message(field, "integer_invalid")
    low, high = field.get("min"), field.get("max")
    number = int(text)
    if (low is not None and number < low) or (high is not None and number > high):
        return _message(field, "integer_range", min=low, max=high)
    return None


def _check_commune(field: dict, text: str, today: str) -> str | None:
    if not _COMMUNE.fullmatch(text):
        return _message(field, "commune_invalid")
    return None if get_commune(text) else _message(field, "commune_unknown")


_CHECKS = {
    "date": _check_date,
    "time": _check_time,
    "radio": _check_choice,
    "select": _check_choice,
    "checkbox": _check_checkbox,
    "personal_id": _check_personal_id,
    "phone": _check_phone,
    "email": _check_email,
    "integer": _check_integer,
    "commune": _check_commune,
}


# --- cross-field rules -----------------------------------------------------

_COMPARISONS = {
    "date_after": lambda a, b: a > b,
    "date_before": lambda a, b: a < b,
    "date_not_after": lambda a, b: a <= b,
    "date_not_before": lambda a, b: a >= b,
}


def _other_value(key: str, answers: Mapping, active: set | None, today: date | str) -> str:
    """The answer of another field; "" when it does not apply (hidden, procedure
    not chosen) or is wrong itself (its own page shows that error)."""
    field = get_field(key)
    if field is None or not _is_visible(field, answers, active):
        return ""
    if validate_field(field, answers.get(key, ""), today=today):
        return ""
    return _raw(answers, key)


def check_rule(
    rule: dict, answers: Mapping, *, today: date | str, active: set | None = None
) -> str | None:
    """The message of a cross-field rule that is broken, or None. The rule's
    own field is assumed to have passed its field checks; a rule whose other
    field is empty or invalid is skipped."""
    field = get_field(rule["field"])
    if field is None or not _is_visible(field, answers, active):
        return None
    value = _raw(answers, rule["field"])
    kind = rule["type"]
    if kind == "required_if":
        if value == "" and _when_holds(rule["when"], answers, active):
            return rule.get("message") or _message(field, "required")
        return None
    if value == "":
        return None
    if kind in _COMPARISONS:
        other = _other_value(rule["other"], answers, active, today)
        if _is_date(value) and _is_date(other) and not _COMPARISONS[kind](value, other):
            return rule["message"]
        return None
    if kind == "age_between":
        # The field is a birth date, ``other`` the day the age is taken on.
        other = _other_value(rule["other"], answers, active, today)
        age = plausibility.age_on(value, other)
        if age is not None and not rule["min_years"] <= age <= rule["max_years"]:
            return rule["message"].replace("{age}", str(age))
        return None
    if kind == "younger_than_years":
        today_iso = _iso(today)
        cutoff = f"{int(today_iso[:4]) - rule['years']:04d}{today_iso[4:]}"
        return rule["message"] if _is_date(value) and value <= cutoff else None
    if kind == "personal_id_matches":
        return _check_id_matches(rule, field, value, answers, active, today)
    raise ValueError(f"unknown rule type: {kind!r}")


def _check_id_matches(rule, field, value, answers, active, today) -> str | None:
    birth = _other_value(rule["birth"], answers, active, today) if rule.get("birth") else ""
    birth_date = date.fromisoformat(birth) if _is_date(birth) else None
    sex_rule = rule.get("sex")
    if isinstance(sex_rule, dict):
        sex = _other_value(sex_rule["field"], answers, active, today)
    else:
        sex = sex_rule or ""
    try:
        check_personal_id(value, birth_date=birth_date, sex=sex if sex in SEX_WORDS else None)
    except RuleError as error:
        if error.code == "year":
            return _message(field, "personal_id_mismatch", other=get_field(rule["birth"])["name"])
        if error.code == "sex" and isinstance(sex_rule, dict):
            other = get_field(sex_rule["field"])["name"]
            return _message(field, "personal_id_mismatch", other=other)
        if error.code == "sex":
            shown = "nam" if sex == "nu" else "nu"
            return _message(field, "personal_id_sex", sex=SEX_WORDS[shown])
        return error.message
    return None


# --- pages and whole answers -----------------------------------------------


def _active(group_id: str | None, procedure_ids) -> set | None:
    if group_id is None or procedure_ids is None:
        return None
    return set(sections_for(group_id, procedure_ids))


def _procedure_applies(rule: dict, procedure_ids) -> bool:
    return (
        procedure_ids is None
        or "procedures" not in rule
        or any(pid in procedure_ids for pid in rule["procedures"])
    )


def _rules_by_section(rules: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for rule in rules:
        grouped.setdefault(rule["field"].split(".")[0], []).append(rule)
    return grouped


# Each page's cross-field rules, in the catalog's order (a page looked at all).
_RULES_OF_SECTION = _rules_by_section(CATALOG["rules"])


def validate_section(
    section_id: str,
    answers: Mapping,
    *,
    today: date | str,
    group_id: str | None = None,
    procedure_ids: Iterable[str] | None = None,
    _memo: dict | None = None,
) -> dict[str, str]:
    """Errors of one page, keyed "section.field": its visible fields, then the
    cross-field rules whose field is on this page. ``_memo``: what
    validate_answers already knows of which fields apply (same answers, same
    procedures)."""
    procedure_ids = None if procedure_ids is None else list(procedure_ids)
    active = _active(group_id, procedure_ids)
    errors: dict[str, str] = {}
    for field in _visible(section_id, answers, active, _memo):
        message = validate_field(field, answers.get(field["key"], ""), today=today)
        if message:
            errors[field["key"]] = message
    for rule in _RULES_OF_SECTION.get(section_id, ()):
        key = rule["field"]
        if key in errors:
            continue
        if not _procedure_applies(rule, procedure_ids):
            continue
        message = check_rule(rule, answers, today=today, active=active)
        if message:
            errors[key] = message
    return errors


def validate_answers(
    group_id: str,
    procedure_ids,
    answers: Mapping,
    *,
    today: date | str,
    visibility: dict | None = None,
) -> dict[str, str]:
    """Every error of a whole dossier. The choice of procedures is checked
    first ("_selection"); then answers whose key is not a field of the catalog
    ("Trường không có trong biểu mẫu") or whose value is not a string; then
    every page. Answers to fields that do not apply are not errors: they are
    dropped by :func:`clean_answers`.

    ``visibility``: an empty dict to be filled with which fields apply, by
    key, for :func:`clean_answers` of the same answers and procedures (the
    submit checks, then cleans: the second walk need not ask again)."""
    problem = check_selection(group_id, procedure_ids)
    if problem:
        return {"_selection": problem}
    errors: dict[str, str] = {}
    for key, value in answers.items():
        field = get_field(key) if isinstance(key, str) else None
        if field is None:
            errors[str(key)] = MESSAGES["unknown_field"]
        elif not isinstance(value, str):
            errors[key] = _message(field, "not_string")
    memo: dict = {} if visibility is None else visibility  # found once for every page
    for section_id in sections_for(group_id, procedure_ids):
        page = validate_section(
            section_id,
            answers,
            today=today,
            group_id=group_id,
            procedure_ids=procedure_ids,
            _memo=memo,
        )
        for key, message in page.items():
            errors.setdefault(key, message)
    return errors


def clean_answers(
    group_id: str, procedure_ids, answers: Mapping, *, visibility: dict | None = None
) -> dict[str, str]:
    """The answers worth keeping: trimmed, NFC, only fields that apply, no empties.

    ``visibility``: what :func:`validate_answers` found of these same answers
    and procedures (in any order), if it ran."""
    procedure_ids = list(procedure_ids)
    active = _active(group_id, procedure_ids)
    cleaned: dict[str, str] = {}
    memo: dict = {} if visibility is None else visibility
    for section_id in sections_for(group_id, procedure_ids):
        for field in _visible(section_id, answers, active, memo):
            value = _raw(answers, field["key"])
            if value:
                cleaned[field["key"]] = value
    return cleaned


def answer_warnings(group_id: str, procedure_ids, answers: Mapping) -> dict[str, str]:
    """Gentle warnings (never a refusal) on the fields that apply, by key."""
    active = set(sections_for(group_id, procedure_ids))
    found: dict[str, str] = {}
    for section_id in sections_for(group_id, procedure_ids):
        fields = _visible(section_id, answers, active)
        normalized = {f["key"]: _raw(answers, f["key"]) for f in fields}
        found.update(plausibility.name_warnings(fields, normalized))
    return found
