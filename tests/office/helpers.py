"""Building officers and dossiers for the office tests with plain create_* helpers."""

from __future__ import annotations

import re
import uuid
from functools import cache

from domain import validation
from domain.catalog import CATALOG
from extensions import db
from models import Citizen, Dossier, Draft, Officer, Upload
from services.desk import office
from services.dossiers.submission import create_dossier
from tests.domain.sample_answers import valid_birth_answers, valid_death_answers
from tests.helpers import jpeg_bytes

PASSWORD = "mat-khau-thu-nghiem-1"
PHONE = "+84912345678"
EMAIL = "lan.nguyen@vidu.vn"


@cache
def password_hash() -> str:
    # argon2 is slow on purpose: hash once per run, not per officer.
    from services.identity.officer_auth import hash_password

    return hash_password(PASSWORD)


def create_officer(role: str, commune: str = "05665", username: str | None = None) -> Officer:
    officer = Officer(
        username=username or f"{role}-{commune}",
        password_hash=password_hash(),
        full_name=f"Cán bộ {role} thử nghiệm",
        commune_code=commune,
        role=role,
    )
    db.session.add(officer)
    db.session.commit()
    return officer


def officer_client(app, role: str, commune: str = "05665"):
    """A test client signed in as an officer of this role (session set directly)."""
    from tests.helpers import sign_in_as

    with app.app_context():
        officer = db.session.scalars(
            db.select(Officer).where(Officer.username == f"{role}-{commune}")
        ).first() or create_officer(role, commune)
        officer_id = officer.id
    client = app.test_client()
    client.session_row = sign_in_as(app, client, officer_id=officer_id)
    client.officer_id = officer_id
    return client


def answers_for(group_id: str, email: str | None = EMAIL) -> dict:
    answers = valid_birth_answers() if group_id == "khai-sinh" else valid_death_answers()
    if email:
        answers["nguoi-yeu-cau.email"] = email
    return answers


def create_submitted_dossier(
    group_id: str = "khai-sinh",
    procedure_ids: list[str] | None = None,
    phone: str = PHONE,
    email: str | None = EMAIL,
    commune: str = "05665",
    answers: dict | None = None,
    receipt_sms: bool = False,
) -> str:
    """A dossier as the wizard files it (its photos included); returns its code."""
    citizen = db.session.scalars(db.select(Citizen).where(Citizen.phone == phone)).first()
    if citizen is None:
        citizen = Citizen(phone=phone)
        db.session.add(citizen)
        db.session.flush()
    draft = add_complete_draft(
        citizen.id, group_id, procedure_ids, commune, answers or answers_for(group_id, email)
    )
    db.session.commit()
    return create_dossier(citizen.id, draft, uuid.uuid4().hex, receipt_sms=receipt_sms).code


def add_complete_draft(
    citizen_id: int,
    group_id: str = "khai-sinh",
    procedure_ids: list[str] | None = None,
    commune: str = "05665",
    answers: dict | None = None,
) -> Draft:
    """A draft ready to submit, its required photos uploaded (not committed)."""
    group = next(g for g in CATALOG["groups"] if g["id"] == group_id)
    procedure_ids = procedure_ids or group["procedures"]
    answers = answers or answers_for(group_id, email=None)
    draft = Draft(
        id=str(uuid.uuid4()),
        citizen_id=citizen_id,
        commune_code=commune,
        group_id=group_id,
        procedure_ids=procedure_ids,
        answers=validation.clean_answers(group_id, procedure_ids, answers),
        edited_at={},
    )
    db.session.add(draft)
    db.session.flush()
    for attachment in validation.attachments_for(group_id, procedure_ids, draft.answers):
        if attachment.get("required"):
            add_upload(citizen_id, draft.id, attachment["id"])
    return draft


def add_started_draft(citizen_id: int, photos: int = 1) -> Draft:
    """A draft just begun: no answers yet, `photos` pages of the birth
    certificate (not committed)."""
    draft = Draft(
        id=str(uuid.uuid4()),
        citizen_id=citizen_id,
        commune_code="05665",
        group_id="khai-sinh",
        procedure_ids=["dang-ky-khai-sinh"],
        answers={},
        edited_at={},
    )
    db.session.add(draft)
    db.session.flush()
    for _ in range(photos):
        add_upload(citizen_id, draft.id, "giay-chung-sinh")
    return draft


@cache
def _photo() -> bytes:
    return jpeg_bytes()


def add_upload(citizen_id: int, draft_id: str, attachment_id: str) -> None:
    from services.photos import storage

    data = _photo()
    db.session.add(
        Upload(
            id=str(uuid.uuid4()), citizen_id=citizen_id, draft_id=draft_id,
            attachment_id=attachment_id, client_id=uuid.uuid4().hex, position=0,
            storage_key=storage.save(data), mime="image/jpeg", size=len(data),
            width=800, height=600, sha256="0" * 64,
        )
    )  # fmt: skip


def dossier(code: str) -> Dossier:
    db.session.expire_all()
    return db.session.scalars(db.select(Dossier).where(Dossier.code == code)).one()


def officer_of(role: str, commune: str = "05665") -> Officer:
    return db.session.scalars(
        db.select(Officer).where(Officer.username == f"{role}-{commune}")
    ).first() or create_officer(role, commune)


def act(code: str, role: str, action: str, pid: str | None = None, **fields):
    """Do an action through the service, as an officer of that role would."""
    d = dossier(code)
    inp = office.ActionInput(action, d.version, pid, **fields)
    return office.perform(d, role, inp, officer=officer_of(role) if role != "citizen" else None)


BIRTH_RESULTS = {
    "dang-ky-khai-sinh": lambda answers: {
        "so_dang_ky": "125",
        "quyen_so": "01/2026",
        "ngay_dang_ky": answers["tre.ngay_sinh"],
        "so_dinh_danh_tre": child_id(answers),
    },
    "dang-ky-thuong-tru": lambda answers: {"so_thong_bao": "TB-2026-77"},
    "cap-the-bhyt": lambda answers: {"ma_so_bhxh": "1926001234", "han_the": "2032-12-31"},
    "dang-ky-khai-tu": lambda answers: {
        "so_dang_ky": "41",
        "ngay_dang_ky": answers["tu-vong.ngay_mat"],
    },
    "xoa-thuong-tru": lambda answers: {"so_thong_bao": "TB-2026-78"},
    "tro-cap-mai-tang": lambda answers: {"so_quyet_dinh": "QĐ-15", "so_tien": "46800000"},
    "ho-tro-mai-tang": lambda answers: {"so_quyet_dinh": "QĐ-16", "so_tien": "10800000"},
}


def child_id(answers: dict) -> str:
    from datetime import date

    from tests.domain.sample_answers import personal_id_for

    born = date.fromisoformat(answers["tre.ngay_sinh"])
    return personal_id_for(born, answers["tre.gioi_tinh"], "009876")


def result_for(pid: str, answers: dict) -> dict:
    return BIRTH_RESULTS[pid](answers)


def form_of(result: dict) -> dict:
    return {f"kq-{k}": v for k, v in result.items()}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def search(client, query: str) -> str:
    """The queue's search, as the form sends it (POST: no personal data in URLs)."""
    token = csrf_of(client.get("/can-bo/").text)
    return client.post("/can-bo/", data={"csrf_token": token, "q": query}).text
