"""Report periods: a month, a quarter, a year or two chosen days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from domain.errors import RuleError


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    label: str
    key: str  # as written in the address: 2026-03, 2026-Q1, 2026, 2026-03-02..2026-03-20


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def parse(text: str) -> Period:
    """RuleError (a 400 with its message) when the period cannot be read."""
    text = (text or "").strip().upper()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            y, mo = int(m[1]), int(m[2])
            return Period(date(y, mo, 1), _month_end(y, mo), f"Tháng {mo:02d}/{y}", text)
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            y, q = int(m[1]), int(m[2])
            return Period(date(y, 3 * q - 2, 1), _month_end(y, 3 * q), f"Quý {q}/{y}", text)
        if m := re.fullmatch(r"(\d{4})", text):
            y = int(m[1])
            return Period(date(y, 1, 1), date(y, 12, 31), f"Năm {y}", text)
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
            first, last = date.fromisoformat(m[1]), date.fromisoformat(m[2])
            if first <= last and (last - first).days <= 3660:
                label = f"Từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}"
                return Period(first, last, label, text)
    except ValueError:
        pass
    raise RuleError(
        "Kỳ báo cáo không hợp lệ. Hãy chọn tháng (2026-03), quý (2026-Q1), năm (2026) "
        "hoặc khoảng ngày (2026-03-01..2026-03-31).",
        code="bad_period",
    )


def custom(first: str, last: str) -> Period:
    return parse(f"{first.strip()}..{last.strip()}")
