"""Dossier codes (mã hồ sơ), Circular 01/2018/TT-VPCP art. 19.

``<receiving agency code>-YYMMDD-XXXX``: the agency's code (structure
V1V2V3.Z1Z2.Y1Y2.MX1X2, Circular 10/2016/TT-BTTTT, e.g. "H56.22.12", or a
short one such as "X05665"), the day received, and that agency's sequence
number for the day. Codes are guessable: a code alone must never unlock
personal data.
"""

from __future__ import annotations

import re
from datetime import date

# Letters, digits and dots, in dot-separated groups ("H56.22.12", "X05665").
_AGENCY = r"[A-Z0-9]+(?:\.[A-Z0-9]+)*"
_AGENCY_RE = re.compile(_AGENCY)
_CODE_RE = re.compile(rf"({_AGENCY})-(\d{{2}})(\d{{2}})(\d{{2}})-(\d{{4}})", re.ASCII)

MIN_SEQUENCE = 1
MAX_SEQUENCE = 9999


def format_code(agency_code: str, day: date, sequence: int) -> str:
    """Build a dossier code, e.g. ``format_code("X05665", date(2026, 11, 26), 7)``
    -> "X05665-261126-0007". The agency code is upper-cased.

    Raises ValueError for a sequence outside 1..9999 (the format has four
    digits; running out in one day is an operational problem to surface, not
    to wrap around) or an agency code that is not letters, digits and dots.
    """
    agency = (agency_code or "").strip().upper()
    if not _AGENCY_RE.fullmatch(agency):
        raise ValueError(f"invalid agency code: {agency_code!r}")
    if isinstance(sequence, bool) or not isinstance(sequence, int):
        raise ValueError(f"sequence must be an int, not {sequence!r}")
    if not MIN_SEQUENCE <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"sequence must be between 1 and 9999, not {sequence}")
    return f"{agency}-{day:%y%m%d}-{sequence:04d}"


def parse_code(text: str) -> tuple[str, date, int] | None:
    """Parse a dossier code typed or pasted by a person.

    Tolerates surrounding spaces and lowercase. Returns ``(agency_code, day,
    sequence)`` with the agency code upper-cased, or None when the text is not
    a dossier code (wrong shape, impossible date such as 31/02, sequence 0000).
    Two-digit years are read as 20YY.
    """
    if not isinstance(text, str):
        return None
    match = _CODE_RE.fullmatch(text.strip().upper())
    if match is None:
        return None
    agency, yy, mm, dd, seq = match.groups()
    try:
        day = date(2000 + int(yy), int(mm), int(dd))
    except ValueError:
        return None
    sequence = int(seq)
    if sequence < MIN_SEQUENCE:
        return None
    return agency, day, sequence
