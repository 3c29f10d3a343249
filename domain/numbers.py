"""Whole numbers and digits typed or sent by people and programs.

str.isdigit() and int() accept far more than 0-9: "²" and "①" pass isdigit()
and then fail int(); "١٢٣٤" (Arabic-Indic) passes both. And a 25-digit page
number is a valid int that no database column holds. Every number read from a
request goes through here: ASCII digits only, bounded, or None.
"""

from __future__ import annotations

import re

# The largest value a BIGINT (PostgreSQL) or INTEGER (SQLite) column holds.
INT64_MAX = 2**63 - 1

_NOT_ASCII_DIGIT = re.compile(r"[^0-9]")


def whole_number(text, low: int = 0, high: int = INT64_MAX) -> int | None:
    """The number `text` spells in ASCII digits, if low <= it <= high; else None."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    # The length check first: int() of a huge string is itself slow (CPython
    # refuses more than 4,300 digits with a ValueError, after the work).
    if not 0 < len(text) <= len(str(high)) or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if low <= number <= high else None


def ascii_digits(text) -> str:
    """Only the characters 0-9 of `text` (a phone or an ID typed with spaces or dots)."""
    return _NOT_ASCII_DIGIT.sub("", text) if isinstance(text, str) else ""


def is_ascii_digits(text) -> bool:
    return isinstance(text, str) and text.isascii() and text.isdigit()
