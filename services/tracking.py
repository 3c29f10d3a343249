"""What a dossier's timeline shows: statuses and dates, never personal data."""

import hmac

from sqlalchemy import select

from domain import statuses
from domain.catalog import CATALOG
from domain.communes import get_commune
from domain.dossier_code import format_code, parse_code
from domain.phones import last4
from domain.working_days import VN_TZ, format_vn_date
from extensions import db
from models import Citizen, Dossier
from models.base import as_utc


def local_time(value) -> str:
    return as_utc(value).astimezone(VN_TZ).isoformat(timespec="minutes")


def group_title(group_id: str) -> str:
    return next(g["title"] for g in CATALOG["groups"] if g["id"] == group_id)


def status_json(dossier: Dossier) -> dict:
    commune = get_commune(dossier.commune_code)
    return {
        "code": dossier.code,
        "group_title": group_title(dossier.group_id),
        "status": dossier.status,
        "label": statuses.label(dossier.status),
        "explanation": statuses.EXPLANATIONS[statuses.Status(dossier.status)],
        "received_at": local_time(dossier.received_at),
        "due_date": dossier.due_date.isoformat(),
        "due_text": format_vn_date(dossier.due_date),
        "commune": commune.label if commune else dossier.commune_code,
        "events": [
            {
                "status": e.status,
                "label": statuses.label(e.status),
                "at": local_time(e.at),
                "procedure": CATALOG["procedures"][e.procedure_id]["title"]
                if e.procedure_id
                else None,
                "note": e.note,
            }
            for e in dossier.events
        ],
        "progress": [
            {
                "procedure_id": p.procedure_id,
                "title": CATALOG["procedures"][p.procedure_id]["title"],
                "agency": CATALOG["agencies"][p.agency]["name"],
                "status": p.status,
                "label": statuses.label(p.status),
                "due_date": p.due_date.isoformat(),
            }
            for p in dossier.progress
        ],
    }


def lookup_dossier(code: str, phone_last4: str) -> Dossier | None:
    """A code alone is guessable: it must come with the phone's last 4 digits."""
    parsed = parse_code(code)
    digits = "".join(ch for ch in phone_last4 if ch.isdigit())
    if parsed is None or len(digits) != 4:
        return None
    dossier = db.session.scalars(
        select(Dossier).where(Dossier.code == format_code(*parsed))
    ).first()
    if dossier is None:
        return None
    phone = db.session.get(Citizen, dossier.citizen_id).phone
    return dossier if hmac.compare_digest(last4(phone), digits) else None
