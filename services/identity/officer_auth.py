"""Officer accounts: argon2 passwords, a two-step session, the view guard.

Sign-in is built as steps so that a second factor (a passkey, issue 4) can be
inserted after the password without touching the views' guard:

1. ``check_password`` -> the officer, or None;
2. ``begin_sign_in`` opens a fresh cookie in the "password verified" state
   (``officer_pending``), which grants nothing;
3. ``complete_sign_in`` starts the server-side session (services.identity.sessions)
   once every factor the officer needs is done (the passkey step,
   blueprints/office/passkey.py, reads ``pending_officer`` between 2 and 3).

The session ends after OFFICER_IDLE_MINUTES without a request and after
OFFICER_SESSION_HOURS in all (NIST SP 800-63B, AAL2), and at once on sign-out,
a password or passkey change, a reset or a deactivation.

Officer keys never collide with the citizen's ``citizen_id``; signing in as an
officer clears any citizen session in that browser.
"""

from __future__ import annotations

import time
from functools import wraps

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import abort, current_app, g, redirect, request, session, url_for
from sqlalchemy import select, update

from domain.errors import RuleError
from extensions import db
from models import Officer
from models.base import utcnow
from services.identity import sessions

_hasher = PasswordHasher()  # argon2id with the library's current defaults
# Verified against when the username is unknown, so a wrong username costs as
# much time as a wrong password and does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("not-a-password-of-anyone")

MIN_PASSWORD_LENGTH = 10
MSG_SHORT_PASSWORD = f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự."


def hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise RuleError(MSG_SHORT_PASSWORD, code="short")
    return _hasher.hash(password)


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()


def check_password(username: str, password: str) -> Officer | None:
    officer = db.session.scalars(
        select(Officer).where(Officer.username == normalize_username(username))
    ).first()
    try:
        _hasher.verify(officer.password_hash if officer else _DUMMY_HASH, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if officer is None or not officer.active:
        return None
    if _hasher.check_needs_rehash(officer.password_hash):
        # A bulk UPDATE, not the attribute: the same password with new argon2
        # parameters is no credential change, so it must not end the
        # officer's sessions (services.identity.sessions watches the attribute).
        db.session.execute(
            update(Officer)
            .where(Officer.id == officer.id)
            .values(password_hash=_hasher.hash(password))
        )
    return officer


def begin_sign_in(officer: Officer) -> None:
    """A fresh cookie in the "password verified" state; the session this
    browser had (anyone's) ends."""
    sessions.clear("replaced")
    session["officer_pending"] = officer.id
    session["officer_pending_at"] = int(time.time())


def pending_officer() -> Officer | None:
    officer_id = session.get("officer_pending")
    started = session.get("officer_pending_at", 0)
    if not officer_id or time.time() - started > 600:  # 10 minutes for the next step
        return None
    return db.session.get(Officer, officer_id)


def complete_sign_in(officer: Officer) -> None:
    officer.last_sign_in_at = utcnow()
    # Not "permanent": the cookie ends with the browser, and the idle limit
    # ends a forgotten session on a shared office computer.
    sessions.start(officer)
    session.permanent = False
    g.officer = officer


def sign_out() -> None:
    g.pop("officer", None)
    sessions.sign_out()


def current_officer() -> Officer | None:
    if "officer" not in g:
        g.officer = None
        row = sessions.current("officer")
        if row is not None:
            officer = db.session.get(Officer, row.officer_id)
            g.officer = officer if officer is not None and officer.active else None
    return g.officer


# Why the sign-in page asks again (services.identity.sessions.ENDED_KEY).
def ended_message(reason: str | None) -> str | None:
    config = current_app.config
    if reason == "idle":
        return (
            f"Phiên làm việc đã hết do không thao tác trong {config['OFFICER_IDLE_MINUTES']} "
            "phút. Hãy đăng nhập lại để tiếp tục."
        )
    if reason == "expired":
        return (
            f"Phiên làm việc đã kéo dài quá {config['OFFICER_SESSION_HOURS']} giờ. "
            "Vì an toàn, hãy đăng nhập lại để tiếp tục."
        )
    if reason in ("credential", "reset"):
        return (
            "Phiên đăng nhập đã kết thúc vì mật khẩu hoặc khóa đăng nhập của tài khoản "
            "vừa được thay đổi. Hãy đăng nhập lại."
        )
    if reason == "deactivated":
        return "Tài khoản cán bộ này đã bị khóa. Hãy liên hệ quản trị của xã nếu cần mở lại."
    if reason in ("signed_out", "ended_by_owner", "replaced"):
        return "Phiên đăng nhập đã kết thúc. Hãy đăng nhập lại để tiếp tục."
    return None


def officer_required(*roles: str):
    """Guard a view: signed in as an officer (else to the sign-in page), and
    when ``roles`` are given, one of them (else 403)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            officer = current_officer()
            if officer is None:
                session["officer_next"] = request.path
                return redirect(url_for("office.sign_in"))
            if roles and officer.role not in roles:
                abort(403)
            return view(officer, *args, **kwargs)

        return wrapper

    return decorator
