"""Signed-in sessions, kept on the server so that they can be ended.

The cookie is signed but holds only a random token; this row is what makes it
worth anything. Only the token's SHA-256 is stored, so a copy of the database
cannot be turned into working cookies. No IP address is kept.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import utcnow


class UserSession(db.Model):
    __tablename__ = "sessions"
    __table_args__ = (
        CheckConstraint(
            "(citizen_id IS NULL) <> (officer_id IS NULL)", name="ck_sessions_one_owner"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"), index=True)
    device: Mapped[str] = mapped_column(String(60))  # "Chrome trên Android"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Written at most once a minute (services.identity.sessions.TOUCH_SECONDS).
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(index=True)
    # signed_out | ended_by_owner | credential | reset | deactivated | idle | expired | replaced
    end_reason: Mapped[str | None] = mapped_column(String(16))

    # Loaded with the row by services.identity.sessions for a citizen's
    # session: every citizen request reads both.
    citizen: Mapped["Citizen | None"] = relationship()  # noqa: F821
