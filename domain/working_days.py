"""Working days and processing deadlines, in Vietnam local time.

Decree 63/2024/NĐ-CP counts processing times in working days, and a dossier
received after 15:00 counts from the next working day. Public holidays, the
substitute days off (nghỉ bù) and the Saturdays worked in exchange (làm bù)
come from the ``holidays`` package, which follows the Government's yearly
announcements; years not yet announced are the package's estimate.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Dossiers received at or after this local time count from the next working day.
CUTOFF = time(15, 0)

WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")

# A deadline never needs more than this many calendar days to find its next
# working day (Tết is at most ~10 days off); guards against an endless loop.
_MAX_SCAN_DAYS = 60


@cache
def _calendar(year: int) -> holidays.HolidayBase:
    # One frozen calendar per year, holding the neighbouring years too: a
    # Saturday worked in exchange can be announced with the next year's
    # holidays (e.g. 27/12/2014 for Tết 2015), and holidays only finds it if
    # that year is loaded. expand=False keeps the object read-only after
    # construction, so it is safe to share between request threads.
    return holidays.country_holidays(
        "VN", years=range(year - 1, year + 2), expand=False, language="vi"
    )


def is_working_day(d: date) -> bool:
    """True on Monday–Friday that is not a public holiday or a substitute day
    off, and on a Saturday or Sunday that the Government made a working day."""
    if isinstance(d, datetime):
        d = d.date()
    return _calendar(d.year).is_working_day(d)


def holiday_name(d: date) -> str | None:
    """The Vietnamese name of the holiday on ``d`` (e.g. "Tết Nguyên Đán"), or None."""
    if isinstance(d, datetime):
        d = d.date()
    return _calendar(d.year).get(d)


def next_working_day(d: date) -> date:
    """The first working day strictly after ``d``."""
    for offset in range(1, _MAX_SCAN_DAYS):
        candidate = d + timedelta(days=offset)
        if is_working_day(candidate):
            return candidate
    raise RuntimeError(f"no working day within {_MAX_SCAN_DAYS} days after {d}")


def to_vn_time(moment: datetime) -> datetime:
    """Convert an aware datetime to Vietnam local time; naive ones are refused,
    because guessing their zone would shift deadlines by a day near midnight."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return moment.astimezone(VN_TZ)


def start_day(received_at: datetime) -> date:
    """The day the processing clock starts for a dossier received at ``received_at``.

    That is the day it was received (Vietnam local time) when that is a
    working day and it arrived before 15:00; otherwise the next working day.
    """
    local = to_vn_time(received_at)
    day = local.date()
    if is_working_day(day) and local.time() < CUTOFF:
        return day
    return next_working_day(day)


def due_date(received_at: datetime, working_days: int) -> date:
    """The last day on which the result is due.

    Convention: the start day (see :func:`start_day`) is day 0.
    ``working_days=0`` means "within the same working day" and returns the
    start day; ``working_days=N`` returns the N-th working day after the start
    day. So a dossier received on Monday at 09:00 with a 2-working-day time
    limit is due on Wednesday, and one received on Friday at 16:00 with a
    same-day limit is due on Monday.
    """
    if working_days < 0:
        raise ValueError("working_days must be >= 0")
    day = start_day(received_at)
    for _ in range(working_days):
        day = next_working_day(day)
    return day


def format_vn_date(d: date) -> str:
    """ "Thứ Năm, 26/11/2026" – how dates are written on Vietnamese notices."""
    return f"{WEEKDAY_NAMES[d.weekday()]}, {d:%d/%m/%Y}"


def working_days_between(start: datetime, end: datetime) -> int:
    """Working days a task took: 0 when finished on the day its clock started
    (see :func:`start_day`), N when finished on the N-th working day after."""
    first = start_day(start)
    last = to_vn_time(end).date()
    days, day = 0, first
    while day < last:
        day = next_working_day(day)
        if day <= last:
            days += 1
    return days
