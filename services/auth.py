"""Who is signed in, and the guards views use."""

from functools import wraps

from flask import g, redirect, request, session, url_for

from extensions import db
from models import Citizen


def current_citizen() -> Citizen | None:
    if "citizen" not in g:
        citizen_id = session.get("citizen_id")
        g.citizen = db.session.get(Citizen, citizen_id) if citizen_id else None
    return g.citizen


def sign_in(citizen: Citizen) -> None:
    """Start a fresh session (a new id) so a planted session cookie is useless."""
    keep = {k: session[k] for k in ("next", "commune_code") if k in session}
    session.clear()
    session.update(keep)
    session["citizen_id"] = citizen.id
    session.permanent = True
    g.citizen = citizen


def citizen_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_citizen() is None:
            session["next"] = request.full_path if request.query_string else request.path
            return redirect(url_for("auth.choose_account"))
        return view(*args, **kwargs)

    return wrapper
