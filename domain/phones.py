"""Vietnamese mobile phone numbers: checking, storing (E.164) and showing.

The portal sends OTP codes by SMS, so only a valid Vietnamese *mobile* number
is accepted. The ``phonenumbers`` library carries the allocated ranges
(10-digit numbers since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x), so we
rely on it instead of a hand-written prefix list that would go stale.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from domain.errors import RuleError

REGION = "VN"
COUNTRY_CODE = 84

MSG_EMPTY = "Hãy nhập số điện thoại di động"
MSG_INVALID = (
    "Số điện thoại không đúng. Hãy nhập số di động Việt Nam gồm 10 chữ số, ví dụ 0912 345 678"
)
MSG_OLD_11_DIGITS = (
    "Số di động 11 số (bắt đầu bằng 01) đã được chuyển sang 10 số từ năm 2018. "
    "Hãy nhập số mới gồm 10 chữ số, ví dụ 0912 345 678"
)
MSG_NOT_MOBILE = (
    "Đây không phải số di động Việt Nam (số máy bàn hoặc số nước ngoài không nhận được "
    "mã OTP). Hãy nhập số di động Việt Nam bắt đầu bằng 03, 05, 07, 08 hoặc 09"
)

# Only the characters people actually type around a phone number. phonenumbers
# silently drops or converts letters ("0912a345678" parses as valid, "ext 1"
# becomes an extension), which would store a number the citizen did not mean.
_ALLOWED = re.compile(r"[0-9+().\-\s]+")
# Pre-2018 11-digit mobile numbers: 01xx xxx xxxx (or +84 1xx xxx xxxx).
_OLD_MOBILE = re.compile(r"(?:\+?84|0)1\d{9}")


def normalize_vn_mobile(raw: str) -> str:
    """Return the E.164 form ("+84912345678") of a Vietnamese mobile number.

    Accepts the usual ways of writing it: "0912 345 678", "+84912345678",
    "84 912 345 678", "0084 912 345 678", "0912.345.678", "0912-345-678",
    "(+84) 912 345 678". Raises :class:`RuleError` with ``code`` "empty",
    "invalid" (not a phone number, wrong length, unallocated range, old
    11-digit number) or "not_mobile" (a valid landline, service or foreign
    number).
    """
    text = (raw or "").strip()
    # The same numbers are checked again and again (every save of a draft,
    # its check, its code, its submit): phonenumbers' parse is most of a
    # dossier's validation of its phones, and its answer never changes.
    # Only short texts are kept (a phone number is), so the cache stays small.
    e164, refusal = _normalized(text) if len(text) <= 40 else _normalize_or_refusal(text)
    if refusal is not None:
        code, message = refusal
        raise RuleError(message, code=code)
    return e164


def _normalize_or_refusal(text: str) -> tuple[str | None, tuple[str, str] | None]:
    try:
        return _normalize(text), None
    except RuleError as error:
        return None, (error.code, error.message)


_normalized = lru_cache(maxsize=4096)(_normalize_or_refusal)


def _normalize(text: str) -> str:
    """normalize_vn_mobile's check itself, on the stripped text."""
    if not text:
        raise RuleError(MSG_EMPTY, code="empty")
    if not _ALLOWED.fullmatch(text):
        raise RuleError(MSG_INVALID, code="invalid")

    compact = re.sub(r"[^0-9+]", "", text)
    if _OLD_MOBILE.fullmatch(compact):
        raise RuleError(MSG_OLD_11_DIGITS, code="invalid")

    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException as exc:
        raise RuleError(MSG_INVALID, code="invalid") from exc

    if not phonenumbers.is_valid_number(number):
        # A foreign-looking number we cannot validate is still "not Vietnamese";
        # a Vietnamese one that fails is a typo or wrong length.
        if number.country_code != COUNTRY_CODE:
            raise RuleError(MSG_NOT_MOBILE, code="not_mobile")
        raise RuleError(MSG_INVALID, code="invalid")
    if (
        number.country_code != COUNTRY_CODE
        or phonenumbers.region_code_for_number(number) != REGION
        or phonenumbers.number_type(number) != PhoneNumberType.MOBILE
    ):
        raise RuleError(MSG_NOT_MOBILE, code="not_mobile")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _parse_e164(e164: str) -> phonenumbers.PhoneNumber:
    # Display helpers receive stored values; a bad one is a programming or data
    # error, not something the citizen can fix, hence a plain ValueError.
    try:
        return phonenumbers.parse(e164, None)
    except NumberParseException as exc:
        raise ValueError(f"not an E.164 phone number: {e164!r}") from exc


def national_format(e164: str) -> str:
    """ "+84912345678" -> "0912 345 678" (how Vietnamese people write it)."""
    return phonenumbers.format_number(_parse_e164(e164), PhoneNumberFormat.NATIONAL)


def _national_digits(e164: str) -> str:
    return re.sub(r"\D", "", national_format(e164))


def mask_phone(e164: str) -> str:
    """ "+84912345678" -> "091****678": enough to recognise one's own number
    on screen (e.g. "we sent a code to ...") without revealing it."""
    digits = _national_digits(e164)
    return f"{digits[:3]}{'*' * max(len(digits) - 6, 0)}{digits[-3:]}"


def last4(e164: str) -> str:
    """The last four digits, e.g. "5678"."""
    return _national_digits(e164)[-4:]
