"""When a signed-in session has ended by itself: plain rules, no request needed.

Officers (NIST SP 800-63B, AAL2): re-authenticate after OFFICER_IDLE_MINUTES
without a request and after OFFICER_SESSION_HOURS in all. Citizens: their
cookie slides for PERMANENT_SESSION_LIFETIME (30 days) after the last request;
the server holds the same line, so a copied cookie is no better than the
original.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# last_seen_at is written at most this often: the idle check is a minute
# coarse (on the safe side), and a busy phone does not write on every request.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Limits:
    idle: timedelta | None = None
    absolute: timedelta | None = None


def ended_by_time(
    created_at: datetime, last_seen_at: datetime, now: datetime, limits: Limits
) -> str | None:
    """ "expired" (too long in all), "idle" (too long without a request), or None."""
    if limits.absolute is not None and now - created_at >= limits.absolute:
        return "expired"
    if limits.idle is not None and now - last_seen_at >= limits.idle:
        return "idle"
    return None


def needs_touch(last_seen_at: datetime, now: datetime) -> bool:
    return now - last_seen_at >= TOUCH_EVERY
