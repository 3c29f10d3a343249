"""What a dossier's timeline shows, built from its append-only history.

Never an officer's name or account: an office action shows the agency that
acted. ``private=True`` (the signed-in citizen's own page) adds what only the
citizen may read: reasons, what to supplement, the results' numbers.
"""

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


def _by(actor: str) -> str:
    if actor == "citizen":
        return "Công dân"
    agency = CATALOG["agencies"].get(actor)
    return agency["short"] if agency else "UBND xã"


def _delivery(dossier: Dossier) -> dict:
    answers = dossier.answers or {}
    if answers.get("nhan-ket-qua.hinh_thuc") == "buu-chinh":
        return {"method": "buu-chinh", "text": "Qua bưu chính công ích",
                "fee": CATALOG["fees"]["postal"]["text"]}  # fmt: skip
    return {"method": "tai-xa", "text": "Tại Bộ phận một cửa UBND xã", "fee": ""}


def status_json(dossier: Dossier, private: bool = False) -> dict:
    commune = get_commune(dossier.commune_code)
    body = {
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
                "by": _by(e.actor),
                **({"detail": e.detail} if private and e.detail else {}),
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
        "delivery": _delivery(dossier),
    }
    if private and dossier.supplement:
        body["supplement"] = {
            "message": dossier.supplement.get("message", ""),
            "attachments": [
                a["title"]
                for pid in dossier.procedure_ids
                for a in CATALOG["procedures"][pid]["attachments"]
                if a["id"] in dossier.supplement.get("attachments", [])
            ],
            "sections": [
                CATALOG["sections"][s]["title"] for s in dossier.supplement.get("sections", [])
            ],
        }
    return body


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
