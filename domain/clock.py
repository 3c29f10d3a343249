"""The app's one clock. Vietnam's calendar day: deadlines, 'no future dates'
and every date shown to a person use local time, never the server's zone.

Everything that asks "what time is it" goes through :func:`now_utc` (stored
times, via ``models.base.utcnow``) or :func:`today_vn` (days shown or judged),
so a test moves time with :func:`frozen` instead of tricking the system clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_source: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now_utc() -> datetime:
    """The current moment, zone-aware in UTC."""
    return _source()


def now_vn() -> datetime:
    return now_utc().astimezone(VN_TZ)


def today_vn() -> date:
    return now_vn().date()


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    """Within the block the clock reads ``moment`` (naive means UTC)."""
    global _source
    fixed = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    before, _source = _source, lambda: fixed
    try:
        yield
    finally:
        _source = before
