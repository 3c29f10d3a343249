from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import utcnow


class Citizen(db.Model):
    __tablename__ = "citizens"

    id: Mapped[int] = mapped_column(primary_key=True)
    # E.164, the phone account's number. None for a citizen who signed in
    # only with VNeID: a number the identity vouches for is never an SMS
    # sign-in of its own (nothing links silently on a matching number).
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]
    # The citizen's own details and recent communes, kept only with consent
    # (services/identity/profile.py); both emptied by "Xóa thông tin đã lưu".
    profile: Mapped[dict | None] = mapped_column(JSON)
    profile_consent_at: Mapped[datetime | None]

    identity: Mapped["VneidIdentity | None"] = relationship(  # noqa: F821
        back_populates="citizen", uselist=False
    )

    @property
    def contact_phone(self) -> str | None:
        """Where SMS about dossiers and codes go: the phone account's number,
        else the one the e-ID vouches for."""
        if self.phone:
            return self.phone
        return self.identity.phone if self.identity is not None else None


class OtpChallenge(db.Model):
    """A one-time code sent by SMS. Only a keyed hash of the code is kept."""

    __tablename__ = "otp_challenges"
    __table_args__ = (
        Index("ix_otp_phone_purpose_created", "phone", "purpose", "created_at"),
        # The hour's codes of all phones: the SMS budget (services.identity.otp).
        Index("ix_otp_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(16))  # "sign_in" | "submit"
    draft_id: Mapped[str | None] = mapped_column(ForeignKey("drafts.id"))
    code_hash: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]


class PhoneCodeFailures(db.Model):
    """Wrong codes entered in a row for one phone, across all its codes.

    NIST SP 800-63B 5.2.2: at most OTP_MAX_FAILURES consecutive failures per
    account, then a locked period. Only guesses checked against a code that
    was sent to this phone count, so nobody locks a phone by typing at a
    number that has no code waiting. A right code starts the count again.
    """

    __tablename__ = "phone_code_failures"

    phone: Mapped[str] = mapped_column(String(16), primary_key=True)  # E.164
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
