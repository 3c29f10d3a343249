"""The office side: officers, the notification outbox, payments."""

import secrets
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import utcnow
from models.dossier import Dossier, DossierEvent


class Officer(db.Model):
    """A commune or agency officer. Created from the command line only."""

    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id
    full_name: Mapped[str] = mapped_column(String(120))
    commune_code: Mapped[str] = mapped_column(String(5), index=True)
    role: Mapped[str] = mapped_column(String(16))  # domain.workflow.ROLES
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]


class OfficerAudit(db.Model):
    """Append-only log of the commune admin's changes to officer accounts: who
    changed whom, what, when. Never a password (services.identity.officer_admin)."""

    __tablename__ = "officer_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(5), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    admin_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    # created | deactivated | reactivated | password_reset | passkeys_reset
    action: Mapped[str] = mapped_column(String(24))
    detail: Mapped[dict | None] = mapped_column(JSON)

    admin: Mapped[Officer] = relationship(foreign_keys=[admin_id])
    officer: Mapped[Officer] = relationship(foreign_keys=[officer_id])


class Notification(db.Model):
    """Transactional outbox: written in the same transaction as the change it
    reports, sent later by services.messages.notify (a thread of the app, or `flask notify-worker`).

    A worker claims a row by setting ``claim_token`` and ``claimed_until`` in
    one conditional UPDATE, sends, then sets ``sent_at`` only if it still
    holds the claim; a crashed worker's claim expires and another retries.
    Every attempt carries the same ``reference`` to the gateway (its client
    reference), so a retry after a timeout or a crash is one SMS at a gateway
    that honours it; the gateway's receipts find the row by it.

    Sign-in and confirmation codes are rows too (``challenge_id`` set, no
    dossier): ``priority`` 0 goes before everything else, and a code not
    handed over by ``deadline_at`` is given up (it would reach the phone too
    late to be worth typing). Their body (the code itself) is blanked once
    the row is done with.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_due", "sent_at", "failed_at", "next_attempt_at"),
        Index("ix_notifications_reference", "reference", unique=True),
        Index("ix_notifications_challenge", "challenge_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("dossier_events.id"))
    channel: Mapped[str] = mapped_column(String(8))  # "sms" | "email"
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]  # gave up after the last attempt
    last_error: Mapped[str | None] = mapped_column(String(300))  # no body, no address
    # The message's id at the gateway, the same at every attempt.
    reference: Mapped[str | None] = mapped_column(String(40), default=lambda: secrets.token_hex(16))
    # domain.delivery: None (not tried), unknown, accepted, delivered, undelivered.
    delivery_status: Mapped[str | None] = mapped_column(String(12))
    delivery_at: Mapped[datetime | None]  # when the gateway last told us
    priority: Mapped[int] = mapped_column(default=1)  # 0: codes, first
    deadline_at: Mapped[datetime | None]  # codes: give up past it
    challenge_id: Mapped[int | None]  # the OtpChallenge a code row sends

    event: Mapped[DossierEvent | None] = relationship()


class Payment(db.Model):
    """A fee asked of the citizen for one procedure, paid through a provider
    (services.dossiers.payments); "office" means paid in cash at the one-stop desk."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    procedure_id: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int]  # đồng
    reason: Mapped[str] = mapped_column(String(300))
    provider: Mapped[str] = mapped_column(String(16), default="office")
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|paid
    reference: Mapped[str | None] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    paid_at: Mapped[datetime | None]


@event.listens_for(DossierEvent, "before_update")
@event.listens_for(DossierEvent, "before_delete")
def _history_is_append_only(_mapper, _connection, target):
    raise RuntimeError("dossier history is append-only: add an event, never change one")


@event.listens_for(OfficerAudit, "before_update")
@event.listens_for(OfficerAudit, "before_delete")
def _audit_is_append_only(_mapper, _connection, target):
    raise RuntimeError("the officer audit log is append-only: add a row, never change one")


def search_columns(
    group_id: str, answers: dict, progress=(), tracking_number: str | None = None
) -> dict:
    """The dossier's columns for the office search and for duplicates, from
    what it holds: every way of writing a dossier sets them from here (the
    ORM's hook below, and the submit's own INSERT)."""
    from domain.duplicates import event_key
    from domain.search import build_search_text, recorded_terms

    recorded = recorded_terms([(p.procedure_id, p.result) for p in progress], tracking_number)
    return {
        "search_text": build_search_text(answers, recorded=recorded),
        "event_key": event_key(group_id, answers),
    }


@event.listens_for(Dossier, "before_insert")
@event.listens_for(Dossier, "before_update")
def _refresh_search_text(_mapper, _connection, target: Dossier):
    # Kept here so every way of writing a dossier (submit, supplement) updates it.
    columns = search_columns(
        target.group_id, target.answers, target.progress, target.tracking_number
    )
    for key, value in columns.items():
        setattr(target, key, value)
