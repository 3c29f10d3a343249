"""The citizen a VNeID sign-in is, and linking it to a phone account.

Keyed on the personal ID number: the same number is the same citizen,
whatever name or phone the provider sends. A phone account and an e-ID
become one only when the citizen proves both in one browser (signed in with
the phone, then through VNeID from "Liên kết VNeID"); a matching phone
number links nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, inspect, select, update
from sqlalchemy.orm.util import identity_key

from domain.vneid import Vouched, check_answers, dossier_record, form_values
from extensions import db
from models import (
    Citizen,
    Dossier,
    Draft,
    Passkey,
    Upload,
    UserSession,
    VneidIdentity,
    WebAuthnChallenge,
)
from models.base import utcnow


class LinkRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def identity_of(citizen: Citizen | None) -> VneidIdentity | None:
    if citizen is None:
        return None
    return _identity_row(citizen.id)


def _identity_row(citizen_id: int) -> VneidIdentity | None:
    """The citizen's e-ID row, without a query when this transaction has it.

    A citizen's request loads the session, the citizen and the e-ID in one
    statement (services.identity.sessions); a submit then needs the row twice
    more (the check, and what the dossier records as vouched for)."""
    citizen = db.session.identity_map.get(identity_key(Citizen, citizen_id))
    if citizen is not None and "identity" not in inspect(citizen).unloaded:
        return citizen.identity
    return db.session.scalars(
        select(VneidIdentity).where(VneidIdentity.citizen_id == citizen_id)
    ).first()


def _by_number(personal_id: str) -> VneidIdentity | None:
    return db.session.scalars(
        select(VneidIdentity).where(VneidIdentity.personal_id == personal_id)
    ).first()


def _write(row: VneidIdentity, vouched: Vouched, vouched_at: datetime) -> None:
    row.full_name = vouched.full_name
    row.birth_date = vouched.birth_date
    row.sex = vouched.sex
    row.phone = vouched.phone
    row.residence = vouched.residence
    row.level = vouched.level
    row.vouched_at = vouched_at


# Identities are tied to citizens through the relationship, never the bare
# column, so a citizen already loaded in the transaction (with its e-ID, see
# _identity_row) never keeps an out-of-date one.


def citizen_for(vouched: Vouched, vouched_at: datetime) -> Citizen:
    """The citizen of this identity (a new one, without a phone account, the
    first time), with the latest claims written. Not committed."""
    row = _by_number(vouched.personal_id)
    if row is None:
        citizen = Citizen(phone=None)
        db.session.add(citizen)
        db.session.flush()
        row = VneidIdentity(personal_id=vouched.personal_id, citizen=citizen)
        db.session.add(row)
    else:
        citizen = db.session.get(Citizen, row.citizen_id)
    _write(row, vouched, vouched_at)
    citizen.last_sign_in_at = utcnow()
    return citizen


def link(phone_citizen: Citizen, vouched: Vouched, vouched_at: datetime) -> None:
    """Join this identity to the phone account signed in here. An identity
    that had its own account (signed in with VNeID only before) brings its
    drafts, dossiers and passkeys along, and that account's sessions end.
    Not committed."""
    if phone_citizen.phone is None:
        raise LinkRefused("Hãy đăng nhập bằng số điện thoại trước khi liên kết.")
    mine = identity_of(phone_citizen)
    if mine is not None and mine.personal_id != vouched.personal_id:
        raise LinkRefused("Tài khoản số điện thoại này đã liên kết với một tài khoản VNeID khác.")
    row = _by_number(vouched.personal_id)
    if row is None:
        row = VneidIdentity(personal_id=vouched.personal_id, citizen=phone_citizen)
        db.session.add(row)
    elif row.citizen_id != phone_citizen.id:
        other = db.session.get(Citizen, row.citizen_id)
        if other.phone is not None:
            raise LinkRefused(
                "Tài khoản VNeID này đã liên kết với một tài khoản số điện thoại khác. "
                "Hãy đăng nhập bằng VNeID để dùng tài khoản đó."
            )
        _merge(other, phone_citizen)
        row.citizen = phone_citizen
    _write(row, vouched, vouched_at)


def _merge(source: Citizen, target: Citizen) -> None:
    """Everything of a VNeID-only account moves to the phone account: one
    list of dossiers. The old account's sessions are removed with it."""
    db.session.execute(delete(WebAuthnChallenge).where(WebAuthnChallenge.citizen_id == source.id))
    for model in (Dossier, Draft, Upload, Passkey):
        db.session.execute(
            update(model).where(model.citizen_id == source.id).values(citizen_id=target.id)
        )
    db.session.execute(delete(UserSession).where(UserSession.citizen_id == source.id))
    db.session.flush()
    identity = identity_of(source)
    if identity is not None:
        identity.citizen = target
        db.session.flush()
    db.session.delete(source)


def vouched_of(row: VneidIdentity) -> Vouched:
    return Vouched(
        personal_id=row.personal_id,
        full_name=row.full_name,
        birth_date=row.birth_date,
        sex=row.sex,
        phone=row.phone,
        residence=row.residence,
        level=row.level,
    )


def vouched_form_values(citizen: Citizen) -> dict:
    """What the wizard fills and marks as vouched for (empty without an e-ID)."""
    row = identity_of(citizen)
    return form_values(vouched_of(row)) if row is not None else {}


def vouched_check(citizen_id: int, answers: dict) -> tuple[dict[str, str], list[str]]:
    """(errors by field, keys vouched for) of these answers; nothing without an e-ID."""
    row = _identity_row(citizen_id)
    if row is None:
        return {}, []
    return check_answers(answers, vouched_of(row))


def vouched_answers(citizen_id: int, answers: dict) -> dict | None:
    """For the dossier: {field key: when the e-ID vouched for its value}, and
    for a value changed with a reason, what the e-ID said and the reason."""
    row = _identity_row(citizen_id)
    if row is None:
        return None
    return dossier_record(answers, vouched_of(row), row.vouched_at.isoformat(timespec="seconds"))
