"""The citizen's own details, kept with the account so they are typed once.

Only with consent (a box the citizen ticks on the requester page, never
ticked for them), only the requester page's own fields and the communes
chosen lately, each checked as the form checks it. "Xóa thông tin đã lưu"
on /tai-khoan/du-lieu empties both at once. The phone number is the
account's own and is not copied here.
"""

from dataclasses import dataclass

from domain import validation
from domain.catalog import CATALOG
from domain.clock import today_vn
from domain.communes import get_commune
from extensions import db
from models import Citizen
from models.base import utcnow

SECTION = "nguoi-yeu-cau"
KEPT = [
    f"{SECTION}.{f['id']}" for f in CATALOG["sections"][SECTION]["fields"] if f["type"] != "phone"
]
RECENT_COMMUNES = 5


@dataclass
class ProfileProblem(Exception):
    message: str
    fields: dict


def kept_details(citizen: Citizen) -> dict:
    return dict((citizen.profile or {}).get("answers", {}))


def recent_communes(citizen: Citizen) -> list[str]:
    return list((citizen.profile or {}).get("communes", []))


def save(citizen: Citizen, answers: dict) -> None:
    """Keep these requester details (consent given by the call itself)."""
    fields = {f["key"]: f for f in CATALOG["sections"][SECTION]["fields"]}
    errors, kept = {}, {}
    for key, value in answers.items():
        if key not in KEPT or not isinstance(value, str):
            errors[str(key)] = CATALOG["messages"]["unknown_field"]
            continue
        value = validation.normalize_text(value)
        if not value:
            continue
        message = validation.validate_field(fields[key], value, today=today_vn())
        if message:
            errors[key] = message
        else:
            kept[key] = value
    if errors:
        raise ProfileProblem("Có thông tin chưa đúng nên chưa lưu. Hãy sửa rồi thử lại.", errors)
    communes = recent_communes(citizen)
    for key in (f"{SECTION}.noi_cu_tru_xa",):
        if kept.get(key):
            communes = [kept[key], *[c for c in communes if c != kept[key]]]
    citizen.profile = {"answers": kept, "communes": communes[:RECENT_COMMUNES]}
    citizen.profile_consent_at = utcnow()
    db.session.commit()


def forget(citizen: Citizen) -> None:
    citizen.profile = None
    citizen.profile_consent_at = None
    db.session.commit()


def as_json(citizen: Citizen) -> dict:
    communes = []
    for code in recent_communes(citizen):
        commune = get_commune(code)
        if commune is not None:
            communes.append({"code": code, "label": commune.label})
    return {
        "consent": citizen.profile_consent_at is not None,
        "answers": kept_details(citizen),
        "communes": communes,
    }
