from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.base import utcnow


class Draft(db.Model):
    """A dossier being filled in. Autosaved at every step."""

    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # random UUID
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    commune_code: Mapped[str] = mapped_column(String(5))
    group_id: Mapped[str | None] = mapped_column(String(32))
    procedure_ids: Mapped[list] = mapped_column(JSON, default=list)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    # Device time of each field's latest edit: the merge rule for two devices
    # (latest edit per field wins) needs it.
    edited_at: Mapped[dict] = mapped_column(JSON, default=dict)
    step: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"))
    # A draft filled at the office counter by this officer for a citizen who
    # is present (services.desk.filing): never the citizen's to edit online.
    counter_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    # Printed in the QR of its filled declarations (services.forms): random,
    # so the paper links to the draft without carrying anything personal.
    paper_token: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (Index("ix_drafts_paper_token", "paper_token", unique=True),)


class Upload(db.Model):
    """One photographed page of an attachment, re-encoded and stored off the web root."""

    __tablename__ = "uploads"
    __table_args__ = (
        Index("ix_uploads_draft_attachment", "draft_id", "attachment_id"),
        Index("ux_uploads_draft_client", "draft_id", "client_id", unique=True),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"))
    draft_id: Mapped[str | None] = mapped_column(ForeignKey("drafts.id"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    attachment_id: Mapped[str] = mapped_column(String(64))
    # Chosen by the device, so a retried upload of the same photo is recognised.
    client_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)
    storage_key: Mapped[str] = mapped_column(String(80))
    mime: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
