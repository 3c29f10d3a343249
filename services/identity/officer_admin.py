"""The commune admin manages the officers of their own commune in the app.

Create, deactivate (and reactivate), reset a password (a one-time temporary
password shown once to the admin, for handing over in person) or the passkeys.
Every change adds a row to the append-only audit log in the same transaction.
Ending sessions is not done here: setting ``password_hash`` or ``active`` and
deleting passkeys through the ORM ends that officer's sessions in the same
transaction (services.identity.sessions), so the next request of any of their
browsers finds no session.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select

from domain import workflow
from domain.errors import RuleError
from extensions import db
from models import Officer, OfficerAudit, Passkey
from services.identity import sessions
from services.identity.officer_auth import hash_password, normalize_username

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
# The admin creates the officers who work on dossiers; another admin account
# stays a command-line matter (flask create-officer), so one admin cannot
# quietly multiply the accounts that manage accounts.
CREATABLE_ROLES = workflow.AGENCY_ROLES
# No 0/O, 1/l/I: read aloud or copied from a screen without mistakes.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

AUDIT_LABELS = {
    "created": "Tạo tài khoản",
    "deactivated": "Khóa tài khoản",
    "reactivated": "Mở lại tài khoản",
    "password_reset": "Đặt lại mật khẩu",
    "passkeys_reset": "Xóa khóa đăng nhập (passkey)",
}


def officers_of(admin: Officer) -> list[Officer]:
    return list(
        db.session.scalars(
            select(Officer)
            .where(Officer.commune_code == admin.commune_code)
            .order_by(Officer.active.desc(), Officer.role, Officer.username)
        )
    )


def officer_of_commune(admin: Officer, officer_id: int) -> Officer | None:
    """The officer if they belong to the admin's commune; None (a 404) otherwise."""
    officer = db.session.get(Officer, officer_id)
    return officer if officer is not None and officer.commune_code == admin.commune_code else None


def audit_log(admin: Officer, limit: int = 200) -> list[OfficerAudit]:
    return list(
        db.session.scalars(
            select(OfficerAudit)
            .where(OfficerAudit.commune_code == admin.commune_code)
            .order_by(OfficerAudit.id.desc())
            .limit(limit)
        )
    )


def temporary_password() -> str:
    """Three groups of four, about 59 bits: the officer types it once and signs in."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def _audit(admin: Officer, officer: Officer, action: str, **detail) -> None:
    db.session.add(
        OfficerAudit(
            commune_code=admin.commune_code, admin_id=admin.id, officer_id=officer.id,
            action=action, detail=detail or None,
        )
    )  # fmt: skip


def create(admin: Officer, username: str, full_name: str, role: str) -> tuple[Officer, str]:
    """A new officer of the admin's commune and their temporary password."""
    errors = {}
    username = normalize_username(username)
    full_name = " ".join((full_name or "").split())
    if not USERNAME.fullmatch(username):
        errors["username"] = (
            "Tên đăng nhập gồm 3–64 chữ thường không dấu, chữ số, dấu chấm, gạch ngang hoặc "
            "gạch dưới, ví dụ hoa.nguyen."
        )
    elif db.session.scalars(select(Officer.id).where(Officer.username == username)).first():
        errors["username"] = "Tên đăng nhập này đã có người dùng. Hãy chọn tên khác."
    if not full_name or len(full_name) > 120:
        errors["full_name"] = "Hãy nhập họ và tên của cán bộ (tối đa 120 ký tự)."
    if role not in CREATABLE_ROLES:
        errors["role"] = "Hãy chọn vai trò của cán bộ."
    if errors:
        raise AdminProblem("Chưa tạo được tài khoản. Hãy sửa các ô được đánh dấu.", errors)
    password = temporary_password()
    officer = Officer(
        username=username, password_hash=hash_password(password), full_name=full_name,
        commune_code=admin.commune_code, role=role,
    )  # fmt: skip
    db.session.add(officer)
    db.session.flush()
    _audit(admin, officer, "created", role=role)
    db.session.commit()
    return officer, password


def _not_self(admin: Officer, officer: Officer) -> None:
    if officer.id == admin.id:
        raise AdminProblem(
            "Không tự khóa hay đặt lại tài khoản của chính mình ở đây. Hãy nhờ quản trị "
            "viên khác, hoặc dùng lệnh quản trị trên máy chủ."
        )


def deactivate(admin: Officer, officer: Officer) -> None:
    _not_self(admin, officer)
    if not officer.active:
        raise AdminProblem("Tài khoản này đã bị khóa từ trước.")
    officer.active = False  # ends every session of theirs in this transaction
    _audit(admin, officer, "deactivated")
    db.session.commit()


def reactivate(admin: Officer, officer: Officer) -> None:
    if officer.active:
        raise AdminProblem("Tài khoản này đang hoạt động.")
    officer.active = True
    _audit(admin, officer, "reactivated")
    db.session.commit()


def reset_password(admin: Officer, officer: Officer) -> str:
    """A new temporary password; the old one and every session stop at once."""
    _not_self(admin, officer)
    password = temporary_password()
    officer.password_hash = hash_password(password)  # ends their sessions
    _audit(admin, officer, "password_reset")
    db.session.commit()
    return password


def reset_passkeys(admin: Officer, officer: Officer) -> int:
    """Remove the officer's passkeys (a lost phone); the next sign-in makes a new one."""
    _not_self(admin, officer)
    keys = list(db.session.scalars(select(Passkey).where(Passkey.officer_id == officer.id)))
    for key in keys:
        db.session.delete(key)
    # A reset means "a device may be in the wrong hands": every session ends,
    # also when there was no passkey to remove.
    sessions.end_all("officer", officer.id, "reset")
    _audit(admin, officer, "passkeys_reset", removed=len(keys))
    db.session.commit()
    return len(keys)


class AdminProblem(RuleError):
    def __init__(self, message: str, fields: dict | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}
