"""Passkeys (WebAuthn credentials) and the challenges they answer."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.base import utcnow


class Passkey(db.Model):
    """One credential of a citizen or of an officer (never both).

    Only the public key is kept; the private key never leaves the phone or
    the password manager that made it.
    """

    __tablename__ = "passkeys"
    __table_args__ = (
        CheckConstraint(
            "(citizen_id IS NULL) <> (officer_id IS NULL)", name="ck_passkeys_one_owner"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1023), unique=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"), index=True)
    # WebAuthn's user.id: random, shared by the account's passkeys, never the phone.
    user_handle: Mapped[bytes] = mapped_column(LargeBinary(64))
    public_key: Mapped[bytes] = mapped_column(LargeBinary(2048))  # COSE
    # Unsigned 32-bit on the authenticator: wider than a signed INTEGER.
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    transports: Mapped[list] = mapped_column(JSON, default=list)
    aaguid: Mapped[str] = mapped_column(String(36))
    backup_eligible: Mapped[bool] = mapped_column(default=False)
    backed_up: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    # A citizen's first sign-in with it: the page after it says once what a
    # passkey is and where it is kept.
    first_sign_in_at: Mapped[datetime | None]


class WebAuthnChallenge(db.Model):
    """A challenge handed to the browser: single use, short-lived, and bound to
    what it may unlock (an account, a draft, or the browser that asked)."""

    __tablename__ = "webauthn_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge: Mapped[str] = mapped_column(String(128), unique=True)  # base64url
    # register | sign_in | submit | officer_register | officer_sign_in
    purpose: Mapped[str] = mapped_column(String(24))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    draft_id: Mapped[str | None] = mapped_column(ForeignKey("drafts.id"))
    # For the anonymous sign-in: a hash of a random value kept in the asking
    # browser's session, so a challenge cannot be answered from another one.
    browser: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]
