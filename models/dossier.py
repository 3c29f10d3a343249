from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import utcnow


class Dossier(db.Model):
    __tablename__ = "dossiers"
    __table_args__ = (UniqueConstraint("citizen_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    commune_code: Mapped[str] = mapped_column(String(5), index=True)
    agency_code: Mapped[str] = mapped_column(String(32))
    group_id: Mapped[str] = mapped_column(String(32))
    procedure_ids: Mapped[list] = mapped_column(JSON)
    answers: Mapped[dict] = mapped_column(JSON)
    catalog_version: Mapped[str] = mapped_column(String(32))
    status: Mapped[int] = mapped_column(default=1)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_date: Mapped[date]  # the appointment in force (later only by an apology slip)
    # The appointment given at receipt: the promise on-time statistics count
    # against (domain.legal_clock); set at acceptance, and again only when a
    # supplement restarts the legal time. None before acceptance.
    promised_date: Mapped[date | None]
    # Optimistic lock (SQLAlchemy's version_id_col): every UPDATE says "WHERE
    # version = <the one read>", so of two officers acting on one dossier at
    # once only one succeeds; the other gets StaleDataError.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    updated_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    # "online" (the citizen's own phone) or "counter" (filed at the one-stop
    # desk by filed_by_officer_id for a citizen present): counted apart in reports.
    channel: Mapped[str] = mapped_column(String(8), default="online", server_default="online")
    filed_by_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    # The birth or death this dossier is about (domain.duplicates): two open
    # dossiers with one key are flagged to the officer as the same event.
    event_key: Mapped[str | None] = mapped_column(String(80), index=True)
    # The postal tracking number of the result sent by post (searchable).
    tracking_number: Mapped[str | None] = mapped_column(String(30))
    # Folded names, ID numbers and phones for the office search (domain.search),
    # and what the agencies recorded: registration and ID numbers, tracking.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The open supplement request: what the citizen must add or correct.
    supplement: Mapped[dict | None] = mapped_column(JSON)
    # Answers that came from the e-ID: {field key: when VNeID vouched for it}.
    vouched: Mapped[dict | None] = mapped_column(JSON)

    events: Mapped[list["DossierEvent"]] = relationship(
        order_by="DossierEvent.id", back_populates="dossier"
    )
    progress: Mapped[list["ProcedureProgress"]] = relationship(
        order_by="ProcedureProgress.position", back_populates="dossier"
    )

    __mapper_args__ = {"version_id_col": version}


class DossierEvent(db.Model):
    """Append-only history: who did what, when, and what changed.

    ``note`` and ``detail`` are written for the citizen (no officer's personal
    data); ``officer_id`` and ``changes`` are the office's audit. Rows are
    never updated or deleted (see models.office).
    """

    __tablename__ = "dossier_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    status: Mapped[int]
    procedure_id: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))  # "citizen" or an office role
    note: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str | None] = mapped_column(String(32))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    # Shown only to the signed-in citizen: reasons, what to add, results.
    detail: Mapped[str | None] = mapped_column(String(2000))
    changes: Mapped[dict | None] = mapped_column(JSON)

    dossier: Mapped[Dossier] = relationship(back_populates="events")


class ProcedureProgress(db.Model):
    """Each component procedure of a linked dossier moves at its own agency."""

    __tablename__ = "procedure_progress"
    __table_args__ = (UniqueConstraint("dossier_id", "procedure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    procedure_id: Mapped[str] = mapped_column(String(64))
    agency: Mapped[str] = mapped_column(String(32))
    position: Mapped[int]
    status: Mapped[int] = mapped_column(default=1)
    due_date: Mapped[date]
    started_at: Mapped[datetime | None]  # reached its agency
    completed_at: Mapped[datetime | None]
    result: Mapped[dict | None] = mapped_column(JSON)
    # Optimistic lock of the step alone: an officer's page carries the version
    # of the step it acts on, so two agencies on their own steps of one
    # dossier never conflict, while two officers on one step still do (409).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    dossier: Mapped[Dossier] = relationship(back_populates="progress")

    __mapper_args__ = {"version_id_col": version}


class DuplicateDismissal(db.Model):
    """An officer's "not a duplicate" for two dossiers that share an event key;
    the pair is stored lowest id first."""

    __tablename__ = "duplicate_dismissals"
    __table_args__ = (UniqueConstraint("first_id", "second_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    second_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class DailySequence(db.Model):
    """Per-agency, per-day counter behind the dossier code's XXXX.

    Incremented in the same transaction that inserts the dossier, so a failed
    submit rolls the number back: no gaps, no duplicates.
    """

    __tablename__ = "daily_sequences"

    agency_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
