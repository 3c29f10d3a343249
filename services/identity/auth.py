"""Who is signed in, and the guards views use."""

from functools import wraps

from flask import g, redirect, request, session, url_for

from extensions import db
from models import Citizen
from services.identity import sessions


def current_citizen() -> Citizen | None:
    """The citizen of this browser's live server-side session (services.identity.sessions)."""
    if "citizen" not in g:
        row = sessions.current("citizen")
        g.citizen = db.session.get(Citizen, row.citizen_id) if row is not None else None
    return g.citizen


def sign_in(citizen: Citizen) -> None:
    """Every citizen sign-in (SMS code, passkey): a fresh session row and cookie,
    so a planted session cookie is useless. Commits the caller's changes too."""
    sessions.start(citizen, keep=("next", "commune_code"))
    session.permanent = True
    g.citizen = citizen


def sign_out() -> None:
    g.pop("citizen", None)
    sessions.sign_out()


def citizen_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_citizen() is None:
            session["next"] = request.full_path if request.query_string else request.path
            return redirect(url_for("auth.choose_account"))
        return view(*args, **kwargs)

    return wrapper
