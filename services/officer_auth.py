"""Officer accounts: argon2 passwords, a two-step session, the view guard.

Sign-in is built as steps so that a second factor (a passkey, issue 4) can be
inserted after the password without touching the views' guard:

1. ``check_password`` -> the officer, or None;
2. ``begin_sign_in`` opens a fresh session in the "password verified" state
   (``officer_pending``), which grants nothing;
3. ``complete_sign_in`` turns it into ``officer_id`` once every factor the
   officer needs is done (today: none beyond the password; issue 4 adds a
   passkey step that reads ``pending_officer`` between 2 and 3).

Officer keys never collide with the citizen's ``citizen_id``; signing in as an
officer clears any citizen session in that browser.
"""

from __future__ import annotations

import time
from functools import wraps

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import abort, current_app, g, redirect, request, session, url_for
from sqlalchemy import select

from domain.errors import RuleError
from extensions import db
from models import Officer
from models.base import utcnow

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
        officer.password_hash = _hasher.hash(password)
    return officer


def begin_sign_in(officer: Officer) -> None:
    """A fresh session (new cookie contents) in the "password verified" state."""
    session.clear()
    session["officer_pending"] = officer.id
    session["officer_pending_at"] = int(time.time())


def pending_officer() -> Officer | None:
    officer_id = session.get("officer_pending")
    started = session.get("officer_pending_at", 0)
    if not officer_id or time.time() - started > 600:  # 10 minutes for the next step
        return None
    return db.session.get(Officer, officer_id)


def complete_sign_in(officer: Officer) -> None:
    session.pop("officer_pending", None)
    session.pop("officer_pending_at", None)
    session["officer_id"] = officer.id
    session["officer_since"] = int(time.time())
    # Not "permanent": the cookie ends with the browser, and the idle check
    # below ends a forgotten session on a shared office computer.
    session.permanent = False
    officer.last_sign_in_at = utcnow()
    db.session.commit()
    g.officer = officer


def sign_out() -> None:
    session.clear()


def current_officer() -> Officer | None:
    if "officer" not in g:
        g.officer = None
        officer_id = session.get("officer_id")
        if officer_id:
            hours = current_app.config.get("OFFICER_SESSION_HOURS", 10)
            if time.time() - session.get("officer_since", 0) > hours * 3600:
                session.clear()
            else:
                officer = db.session.get(Officer, officer_id)
                g.officer = officer if officer is not None and officer.active else None
    return g.officer


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
