"""Unfinished drafts as the citizen sees them: whose dossier each is, offered
again before a new one is started, and deleted on request.

Scanning the QR twice used to start a second blank draft beside the first,
and "Hồ sơ của tôi" listed three identical "Liên thông khai tử" with no name.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from domain.catalog import get_group
from extensions import db
from models import Draft, OtpChallenge, Upload, WebAuthnChallenge
from services.photos import storage

# Whose dossier a draft is: the first of these answers that is filled in.
_PERSON = {
    "khai-sinh": ("Trẻ", [("tre.ho", "tre.chu_dem", "tre.ten")]),
    "khai-tu": ("Người mất", [("nguoi-mat.ho_ten",)]),
}


@dataclass
class DraftRow:
    id: str
    title: str
    person: str
    updated_at: datetime
    commune_code: str
    answered: bool


def person_of(draft: Draft) -> str:
    """ "Trẻ: Nguyễn Văn An", or what to say while no name is typed yet."""
    word, keys = _PERSON.get(draft.group_id or "", ("Người", []))
    answers = draft.answers or {}
    for parts in keys:
        name = " ".join(str(answers.get(k, "")).strip() for k in parts).split()
        if name:
            return f"{word}: {' '.join(name)}"
    return f"{word}: chưa khai tên"


def row_of(draft: Draft) -> DraftRow:
    group = get_group(draft.group_id or "")
    return DraftRow(
        id=draft.id,
        title=group["title"] if group else "Hồ sơ mới",
        person=person_of(draft),
        updated_at=draft.updated_at,
        commune_code=draft.commune_code,
        answered=any(str(v).strip() for v in (draft.answers or {}).values()),
    )


def unfinished(citizen_id: int, group_id: str | None = None) -> list[DraftRow]:
    query = select(Draft).where(
        Draft.citizen_id == citizen_id,
        Draft.dossier_id.is_(None),
        Draft.counter_officer_id.is_(None),  # the counter's, not the citizen's
    )
    if group_id is not None:
        query = query.where(Draft.group_id == group_id)
    return [row_of(d) for d in db.session.scalars(query.order_by(Draft.updated_at.desc()))]


def delete_draft(citizen_id: int, draft_id: str) -> bool:
    """Delete one unsubmitted draft of this citizen with its photos; False if
    there is none (another's, unknown, or already a dossier)."""
    draft = db.session.get(Draft, draft_id, with_for_update=True)
    if draft is None or draft.citizen_id != citizen_id or draft.dossier_id is not None:
        db.session.rollback()
        return False
    uploads = list(
        db.session.scalars(
            select(Upload).where(Upload.draft_id == draft.id, Upload.dossier_id.is_(None))
        )
    )
    keys = [u.storage_key for u in uploads]
    db.session.execute(delete(Upload).where(Upload.id.in_([u.id for u in uploads])))
    # Challenges bound to the draft point at it (foreign keys): they go first.
    db.session.execute(delete(OtpChallenge).where(OtpChallenge.draft_id == draft.id))
    db.session.execute(delete(WebAuthnChallenge).where(WebAuthnChallenge.draft_id == draft.id))
    db.session.delete(draft)
    db.session.commit()
    for key in keys:  # after the commit: a failed commit leaves the files in use
        storage.delete(key)
    return True
