"""Retention: drafts nobody submitted, and photos nothing links to, do not stay forever.

A draft is personal data the citizen typed and photographed; once it has sat
untouched for DRAFT_RETENTION_DAYS it is deleted with its photos. Anything a
submitted dossier links to (its draft, its photos, supplement photos) is never
touched: those follow the records-keeping rules of the dossier, not this.

Rows go first, in one transaction, and files after the commit. A crash in
between leaves files without rows, which the next run's sweep of the photo store
removes; the other order could leave rows pointing at missing files.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import click
from flask import Flask, current_app
from sqlalchemy import delete, or_, select

from extensions import db
from models import Draft, OtpChallenge, Upload, UserSession, WebAuthnChallenge
from models.base import utcnow
from services.photos import storage


@dataclass
class PurgeReport:
    drafts: int = 0
    sessions: int = 0
    uploads: int = 0
    files: int = 0
    freed_bytes: int = 0
    keys: list[str] = field(default_factory=list, repr=False)


def _stale_drafts(cutoff: datetime):
    return select(Draft.id).where(Draft.dossier_id.is_(None), Draft.updated_at < cutoff)


def purge_rows(cutoff: datetime) -> PurgeReport:
    """Delete stale unsubmitted drafts and unlinked uploads; return their file keys."""
    report = PurgeReport()
    stale = list(db.session.scalars(_stale_drafts(cutoff)))
    doomed = select(Upload).where(
        Upload.dossier_id.is_(None),
        or_(
            Upload.draft_id.in_(stale),
            # Linked to nothing at all; an upload of a live draft never goes by age.
            Upload.draft_id.is_(None) & (Upload.created_at < cutoff),
        ),
    )
    uploads = list(db.session.scalars(doomed))
    report.keys = [u.storage_key for u in uploads]
    report.uploads = len(uploads)
    if uploads:
        db.session.execute(delete(Upload).where(Upload.id.in_([u.id for u in uploads])))
    if stale:
        # Challenges bound to a draft point at it (foreign keys): they go first.
        db.session.execute(delete(OtpChallenge).where(OtpChallenge.draft_id.in_(stale)))
        db.session.execute(delete(WebAuthnChallenge).where(WebAuthnChallenge.draft_id.in_(stale)))
        db.session.execute(delete(Draft).where(Draft.id.in_(stale)))
    report.drafts = len(stale)
    report.sessions = purge_sessions(cutoff)
    db.session.commit()
    return report


def purge_sessions(cutoff: datetime) -> int:
    """Sessions ended before the cutoff, or unused since long enough before it
    that no limit can still keep them alive (the citizens' cookie lifetime,
    the longest). Not committed."""
    lifetime = current_app.permanent_session_lifetime
    return db.session.execute(
        delete(UserSession).where(
            or_(UserSession.ended_at < cutoff, UserSession.last_seen_at < cutoff - lifetime)
        )
    ).rowcount


def sweep_files(cutoff_epoch: float, known: set[str]) -> tuple[int, int]:
    """Remove stored photos no upload row names, older than the cutoff (so an
    upload being written right now, whose row is not committed yet, is left
    alone). Leftovers of an interrupted write (a local ``.tmp`` file, an
    unfinished multipart upload) go the same way. Either store (storage.py)."""
    removed = freed = 0
    store = storage.store()
    for name, modified, size in list(store.listing()):
        if name in known or modified >= cutoff_epoch:
            continue
        if name.isalnum():
            store.delete(name)
        else:
            store.remove_leftover(name)
        removed += 1
        freed += size
    return removed, freed


def sweep_orphans(older_than: float, now_epoch: float | None = None) -> tuple[int, int]:
    """(files, bytes) removed: photos no upload row names, and half-written .tmp
    files, once older than `older_than` seconds (the background thread, every
    UPLOAD_SWEEP_SECONDS). A process killed between a photo's file and its row,
    or mid-write, leaves such files; a live upload's file is seconds old."""
    known = set(db.session.scalars(select(Upload.storage_key)))
    db.session.commit()  # the keys are read: no transaction stays open over the walk
    cutoff = (time.time() if now_epoch is None else now_epoch) - older_than
    return sweep_files(cutoff, known)


def purge(days: int, now: datetime | None = None) -> PurgeReport:
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    report = purge_rows(cutoff)
    for key in report.keys:
        report.freed_bytes += storage.size(key) or 0
        storage.delete(key)
    report.files = len(report.keys)
    known = set(db.session.scalars(select(Upload.storage_key)))
    age = (now - cutoff).total_seconds()
    removed, freed = sweep_files(time.time() - age, known)
    report.files += removed
    report.freed_bytes += freed
    return report


def register_commands(app: Flask) -> None:
    @app.cli.command("purge")
    @click.option(
        "--days",
        type=click.IntRange(min=1),
        default=None,
        help="Days a draft may sit untouched (default: DRAFT_RETENTION_DAYS)",
    )
    def purge_command(days):
        """Delete unsubmitted drafts and unlinked photos older than the retention period."""
        days = days or current_app.config["DRAFT_RETENTION_DAYS"]
        report = purge(days)
        click.echo(
            f"Purged {report.drafts} draft(s), {report.uploads} upload row(s), "
            f"{report.files} file(s), {report.freed_bytes / 1e6:.1f} MB, "
            f"{report.sessions} old session(s) "
            f"(older than {days} days)"
        )
