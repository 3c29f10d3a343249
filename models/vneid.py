"""What the national e-ID (VNeID) vouched for about a citizen."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import utcnow


class VneidIdentity(db.Model):
    """One per personal ID number: the key of a VNeID sign-in, never the name.

    Only the claims the forms use are kept (name, ID number, date of birth,
    sex, phone, residence), with when the provider vouched for them; each
    sign-in overwrites them with the latest.
    """

    __tablename__ = "vneid_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    personal_id: Mapped[str] = mapped_column(String(12), unique=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), unique=True)
    full_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date | None]
    sex: Mapped[str | None] = mapped_column(String(3))  # "nam" | "nu" (catalog values)
    phone: Mapped[str | None] = mapped_column(String(16))  # E.164
    residence: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))  # the level claim's value, e.g. "2"
    vouched_at: Mapped[datetime]  # the provider's auth_time (else the token's iat)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    citizen: Mapped["Citizen"] = relationship(back_populates="identity")  # noqa: F821
