"""Server drafts: create, merge edits from any device, serialise."""

import time

from sqlalchemy import bindparam, func, select

from domain.catalog import CATALOG
from domain.communes import get_commune
from extensions import db
from models import Dossier, Draft, Upload
from models.base import utcnow
from services import forms


def known_answer_key(key: str) -> bool:
    section_id, _, field_id = key.partition(".")
    section = CATALOG["sections"].get(section_id)
    return bool(section) and any(f["id"] == field_id for f in section["fields"])


def unknown_keys(answers: dict) -> list[str]:
    return sorted(k for k in answers if not known_answer_key(k))


def merge_answers(draft: Draft, answers: dict, edited_at: dict) -> None:
    """Latest edit per field wins, by the editing device's clock.

    Two phones filling one draft: each field keeps the value whose device
    time is newest; an edit without a time counts as made now.
    """
    now_ms = int(time.time() * 1000)
    merged = dict(draft.answers or {})
    times = dict(draft.edited_at or {})
    for key, value in answers.items():
        at = edited_at.get(key, now_ms)
        if at >= times.get(key, 0):
            merged[key] = value
            times[key] = at
    draft.answers = merged
    draft.edited_at = times


# The submit's first read, built once: the row locked (PostgreSQL; SQLite's
# writers hold the whole database) and read afresh, as Session.get does with
# with_for_update, which built this statement anew for every submit.
_LOCKED = (
    select(Draft)
    .where(Draft.id == bindparam("draft_id"))
    .with_for_update()
    .execution_options(populate_existing=True)
)


def citizen_draft(citizen_id: int, draft_id: str, lock: bool = False) -> Draft | None:
    if lock:
        draft = db.session.scalars(_LOCKED, {"draft_id": draft_id}).first()
    else:
        draft = db.session.get(Draft, draft_id)
    # A counter draft is the officer's until filed (services.desk.filing).
    mine = draft is not None and draft.citizen_id == citizen_id
    return draft if mine and draft.counter_officer_id is None else None


def draft_attachment(draft: Draft, attachment_id: str) -> dict | None:
    """The paper as this draft asks for it (its procedures and its answers, as the
    submit counts them), or None: a death notice has no place on a birth draft."""
    wanted = forms.asked_attachments(
        draft.group_id, draft.procedure_ids, draft.answers, draft.commune_code
    )
    return next((a for a in wanted if a["id"] == attachment_id), None)


def open_draft_count(citizen_id: int) -> int:
    """Drafts of this citizen not submitted yet (purged after DRAFT_RETENTION_DAYS)."""
    return db.session.scalar(
        select(func.count())
        .select_from(Draft)
        .where(Draft.citizen_id == citizen_id, Draft.dossier_id.is_(None))
        .where(Draft.counter_officer_id.is_(None))
    )


_UPLOADS = (
    select(Upload)
    .where(Upload.draft_id == bindparam("draft_id"))
    .order_by(Upload.attachment_id, Upload.position, Upload.created_at)
)


def draft_uploads(draft: Draft) -> list[Upload]:
    return list(db.session.scalars(_UPLOADS, {"draft_id": draft.id}))


_PHOTO_KEYS = select(Upload.attachment_id, Upload.client_id).where(
    Upload.draft_id == bindparam("draft_id")
)


def draft_photo_keys(draft_id: str) -> list:
    """The draft's photos as rows of (attachment_id, client_id): all the submit
    checks (which papers, which of the device's photos), without loading them."""
    return db.session.connection().execute(_PHOTO_KEYS, {"draft_id": draft_id}).all()


def upload_json(upload: Upload) -> dict:
    return {
        "id": upload.id,
        "attachment_id": upload.attachment_id,
        "client_id": upload.client_id,
        "position": upload.position,
        "size": upload.size,
        "width": upload.width,
        "height": upload.height,
        "url": f"/api/v1/uploads/{upload.id}",
    }


def commune_json(code: str) -> dict:
    commune = get_commune(code)
    return {
        "code": commune.code_str,
        "name": commune.name,
        "province_code": commune.province_code,
        "province_name": commune.province_name,
        "label": commune.label,
    }


def draft_json(draft: Draft) -> dict:
    dossier = db.session.get(Dossier, draft.dossier_id) if draft.dossier_id else None
    return {
        "id": draft.id,
        "commune": commune_json(draft.commune_code),
        "group_id": draft.group_id,
        "procedure_ids": draft.procedure_ids or [],
        "answers": draft.answers or {},
        "edited_at": draft.edited_at or {},
        "step": draft.step,
        "uploads": [upload_json(u) for u in draft_uploads(draft)],
        "updated_at": draft.updated_at.isoformat() + "Z",
        "dossier_code": dossier.code if dossier else None,
    }


def touch(draft: Draft) -> None:
    draft.updated_at = utcnow()
