"""Dossiers about the same birth or death (domain.duplicates), from any account
or the counter: flagged to the citizen before submitting and to the officer on
both dossiers, until an officer marks the pair as not a duplicate."""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from domain import duplicates
from domain.statuses import Status
from extensions import db
from models import Dossier, Draft, DuplicateDismissal, Officer

# A refused or withdrawn dossier may be filed again: that is no duplicate.
_ENDED_WITHOUT_RESULT = (Status.NOT_ACCEPTED, Status.WITHDRAWN)


def _same_event(key: str):
    return select(Dossier).where(
        Dossier.event_key == key, Dossier.status.not_in(_ENDED_WITHOUT_RESULT)
    )


def warning_for_draft(draft: Draft) -> str | None:
    """The citizen's (or the counter's) warning before submitting, or None.
    It says only that such a dossier exists: never its code, account or commune."""
    key = duplicates.event_key(draft.group_id, draft.answers)
    if key is None:
        return None
    found = db.session.scalars(_same_event(key).limit(1)).first()
    return duplicates.message(draft.group_id) if found is not None else None


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def others(dossier: Dossier) -> list[dict]:
    """The other dossiers of the same event not dismissed as a duplicate, each
    with when and by whom a dismissal was made for the ones that were."""
    if dossier.event_key is None or dossier.status in _ENDED_WITHOUT_RESULT:
        return []
    found = db.session.scalars(
        _same_event(dossier.event_key).where(Dossier.id != dossier.id).order_by(Dossier.id)
    ).all()
    if not found:
        return []
    dismissed = {
        _pair(d.first_id, d.second_id): d
        for d in db.session.scalars(
            select(DuplicateDismissal).where(
                or_(
                    and_(DuplicateDismissal.first_id == dossier.id,
                         DuplicateDismissal.second_id.in_([o.id for o in found])),
                    and_(DuplicateDismissal.second_id == dossier.id,
                         DuplicateDismissal.first_id.in_([o.id for o in found])),
                )
            )
        )
    }  # fmt: skip
    return [{"dossier": o, "dismissed": dismissed.get(_pair(dossier.id, o.id))} for o in found]


def dismiss(officer: Officer, dossier: Dossier, other: Dossier) -> bool:
    """Mark the pair as not a duplicate; False when they are not flagged as one."""
    if not any(o["dossier"].id == other.id and o["dismissed"] is None for o in others(dossier)):
        return False
    first, second = _pair(dossier.id, other.id)
    db.session.add(DuplicateDismissal(first_id=first, second_id=second, officer_id=officer.id))
    db.session.commit()
    return True
