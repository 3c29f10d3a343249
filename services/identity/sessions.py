"""Sessions kept on the server: the one way in, the check on every request,
and every way out.

The Flask cookie is signed, so nobody can forge one, but until now nothing on
the server could end a copied one. Now the cookie also carries a random token
(``sid``) whose SHA-256 names a row of ``sessions``; the account key
(``citizen_id`` / ``officer_id``) must match that row. Ending a session marks
its row: sign-out, the owner ending another device, any credential change
(password, passkey added or removed), an admin's reset or a deactivation, and
the idle and absolute limits of domain.sessions.

Every sign-in path calls ``start``; ``current`` is what current_citizen() and
current_officer() read.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from flask import Flask, current_app, g, has_request_context, request, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import bindparam, event, inspect, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import contains_eager

from domain import sessions as rules
from domain.devices import describe_device
from extensions import db
from models import Citizen, Officer, Passkey, UserSession
from models.base import utcnow
from services.database import request_reads_only

LOGGER = logging.getLogger(__name__)
TOKEN_KEY = "sid"  # noqa: S105  (the name of a cookie key, not a secret)
ACCOUNT_KEY = {"citizen": "citizen_id", "officer": "officer_id"}
# Why an officer was sent back to the sign-in page (shown there once).
ENDED_KEY = "session_ended"

Owner = Citizen | Officer


def _kind(owner: Owner) -> str:
    return "citizen" if isinstance(owner, Citizen) else "officer"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _owned_by(kind: str, account_id: int):
    column = UserSession.citizen_id if kind == "citizen" else UserSession.officer_id
    return column == account_id


# ---- the way in ----------------------------------------------------------------------
def open_row(owner: Owner, device: str) -> tuple[str, UserSession]:
    """A new session row (added, not committed) and the raw token for its cookie."""
    token = secrets.token_urlsafe(32)  # 32 random bytes
    now = utcnow()
    row = UserSession(
        token_hash=_hash(token),
        device=device[:60],
        created_at=now,
        last_seen_at=now,
        **{ACCOUNT_KEY[_kind(owner)]: owner.id},
    )
    db.session.add(row)
    return token, row


def start(owner: Owner, keep: tuple[str, ...] = ()) -> UserSession:
    """Sign `owner` in on this browser: end whatever session it had, start a
    fresh cookie (so a planted one is useless) keeping only `keep`, and commit
    the new row together with the caller's pending changes."""
    kept = {k: session[k] for k in keep if k in session}
    clear("replaced")
    session.update(kept)
    # The CSRF secret is made with the session, not by whichever page first
    # shows a form: two pages loading at once (or a late answer carrying the
    # cookie of a moment ago) then agree on it, and no form goes stale.
    g.pop("csrf_token", None)
    generate_csrf()
    token, row = open_row(owner, describe_device(request.user_agent.string))
    db.session.commit()
    session[TOKEN_KEY] = token
    session[ACCOUNT_KEY[_kind(owner)]] = owner.id
    g.user_session = row
    g.checked_sessions = {_kind(owner): row}
    return row


# ---- the check on every request ------------------------------------------------------
def limits(kind: str) -> rules.Limits:
    from datetime import timedelta

    config = current_app.config
    if kind == "officer":
        return rules.Limits(
            idle=timedelta(minutes=config["OFFICER_IDLE_MINUTES"]),
            absolute=timedelta(hours=config["OFFICER_SESSION_HOURS"]),
        )
    return rules.Limits(idle=current_app.permanent_session_lifetime)


def current(kind: str) -> UserSession | None:
    """This browser's live session of `kind`, or None (and the cookie forgets it)."""
    checked = g.setdefault("checked_sessions", {})
    if kind not in checked:
        checked[kind] = _check(kind)
        if checked[kind] is not None:
            g.user_session = checked[kind]
    return checked[kind]


# Built once: every signed-in request runs one of these, and building the
# citizen's (two joins, eager options) cost more than running it.
_BY_TOKEN = {
    "officer": select(UserSession).where(UserSession.token_hash == bindparam("token_hash")),
    # The citizen and their e-ID in the same statement: every citizen request
    # reads the citizen (auth.current_citizen), and the phone to send codes to
    # and what the e-ID vouched for come from both.
    "citizen": select(UserSession)
    .where(UserSession.token_hash == bindparam("token_hash"))
    .outerjoin(UserSession.citizen)
    .outerjoin(Citizen.identity)
    .options(contains_eager(UserSession.citizen).contains_eager(Citizen.identity)),
}


def _check(kind: str) -> UserSession | None:
    token, account_id = session.get(TOKEN_KEY), session.get(ACCOUNT_KEY[kind])
    if not account_id:
        return None  # not this kind of session (an officer's browser on a citizen page)
    if not token:  # a cookie from before server-side sessions: worth nothing now
        _forget(None)
        return None
    row = db.session.scalars(_BY_TOKEN[kind], {"token_hash": _hash(token)}).first()
    if row is None or getattr(row, ACCOUNT_KEY[kind]) != account_id:
        _forget(None)
        return None
    if row.ended_at is not None:
        _forget(row.end_reason)
        return None
    now = utcnow()
    reason = rules.ended_by_time(row.created_at, row.last_seen_at, now, limits(kind))
    if reason is not None:
        _later(row.id, ended_at=now, end_reason=reason)
        _forget(reason)
        return None
    if rules.needs_touch(row.last_seen_at, now):
        _later(row.id, last_seen_at=now)
        session.modified = True  # the cookie's expiry slides with the row
    return row


def _forget(reason: str | None) -> None:
    session.clear()
    if reason:
        session[ENDED_KEY] = reason


def _later(row_id: int, **values) -> None:
    """Write with the request's own commit if it makes one (`_carry_pending`),
    else after the view in a transaction of its own (`write_pending`): a GET
    only reads (services.database)."""
    g.setdefault("session_writes", []).append((row_id, values))


# Built once per set of columns (only two are ever written here): built at
# every request, the last-seen UPDATE cost more to construct and to find in
# SQLAlchemy's cache than to run (py-spy over make bench's submits: 6% of one).
_SESSION_UPDATES: dict[tuple[str, ...], object] = {}


def _session_update(row_id: int, values: dict):
    """The UPDATE of a live session row, and its parameters."""
    columns = tuple(sorted(values))
    statement = _SESSION_UPDATES.get(columns)
    if statement is None:
        statement = (
            update(UserSession)
            .where(UserSession.id == bindparam("row_id"), UserSession.ended_at.is_(None))
            # A bound parameter may not take its column's own name in a SET.
            .values({name: bindparam(f"new_{name}") for name in columns})
        )
        _SESSION_UPDATES[columns] = statement
    return statement, {"row_id": row_id, **{f"new_{k}": v for k, v in values.items()}}


def _carry_pending(orm_session) -> None:
    """A writing request that commits its work carries its session's pending
    writes in that same commit: one transaction and one fsync, not two. A
    submit a minute after the citizen's last request paid a second commit
    for its last-seen time (`make bench`: 1.5 to 2.5 ms of its 6)."""
    if not has_request_context() or g.get("session_may_write") or request_reads_only():
        return
    pending = g.get("session_writes")
    if not pending or g.get("session_writes_carried"):
        return
    connection = orm_session.connection()
    for row_id, values in pending:
        connection.execute(*_session_update(row_id, values))
    g.session_writes_carried = True


def _carried(_orm_session) -> None:
    if has_request_context() and g.pop("session_writes_carried", False):
        g.pop("session_writes", None)  # committed: nothing left for the teardown


def _not_carried(_orm_session) -> None:
    # Rolled back with the view's work: the teardown writes them on their own.
    if has_request_context():
        g.pop("session_writes_carried", None)


def write_pending(_error=None) -> None:
    pending = g.pop("session_writes", None)
    if not pending:
        return
    # Whatever the view left uncommitted is rolled back by the teardown anyway.
    db.session.rollback()
    g.session_may_write = True
    try:
        for row_id, values in pending:
            db.session.connection().execute(*_session_update(row_id, values))
        db.session.commit()
    except SQLAlchemyError as error:  # the next request tries again
        db.session.rollback()
        LOGGER.warning("Session %s not updated: %s", pending[0][0], type(error).__name__)
    finally:
        g.session_may_write = False


# ---- the ways out --------------------------------------------------------------------
def clear(reason: str = "signed_out") -> None:
    """End this browser's session (if any) and empty its cookie. Not committed."""
    token = session.get(TOKEN_KEY)
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow(), end_reason=reason)
        )
    session.clear()
    g.pop("user_session", None)
    g.pop("checked_sessions", None)


def sign_out() -> None:
    clear("signed_out")
    db.session.commit()


def end_all(kind: str, account_id: int, reason: str, keep: int | None = None, connection=None):
    """End every live session of an account (but `keep`). Not committed."""
    statement = (
        update(UserSession)
        .where(_owned_by(kind, account_id), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )
    if keep is not None:
        statement = statement.where(UserSession.id != keep)
    return (connection or db.session).execute(statement).rowcount


def owned(owner: Owner, session_id: int) -> UserSession | None:
    row = db.session.get(UserSession, session_id)
    if row is None or getattr(row, ACCOUNT_KEY[_kind(owner)]) != owner.id:
        return None
    return row


def end_one(owner: Owner, session_id: int) -> bool:
    """The owner ends one of their other sessions. False: not theirs, or ended."""
    kind = _kind(owner)
    ended = db.session.execute(
        update(UserSession)
        .where(
            UserSession.id == session_id,
            _owned_by(kind, owner.id),
            UserSession.ended_at.is_(None),
        )
        .values(ended_at=utcnow(), end_reason="ended_by_owner")
    ).rowcount
    db.session.commit()
    return bool(ended)


def end_others(owner: Owner) -> int:
    here = g.get("user_session")
    count = end_all(_kind(owner), owner.id, "ended_by_owner", keep=here.id if here else None)
    db.session.commit()
    return count


def live_sessions(owner: Owner) -> list[UserSession]:
    """The owner's sessions still worth something, the most recent first."""
    kind = _kind(owner)
    rows = db.session.scalars(
        select(UserSession)
        .where(_owned_by(kind, owner.id), UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    now, bounds = utcnow(), limits(kind)
    return [
        r for r in rows if rules.ended_by_time(r.created_at, r.last_seen_at, now, bounds) is None
    ]


# ---- credential changes end sessions, whoever makes them -----------------------------
def _credential_changes(orm_session) -> list[tuple[str, int, str]]:
    changes = []
    for obj in orm_session.dirty:
        if not isinstance(obj, Officer):
            continue
        attrs = inspect(obj).attrs
        if attrs.password_hash.history.has_changes():
            changes.append(("officer", obj.id, "credential"))
        if attrs.active.history.has_changes() and not obj.active:
            changes.append(("officer", obj.id, "deactivated"))
    for obj in (*orm_session.new, *orm_session.deleted):
        if isinstance(obj, Passkey):
            if obj.citizen_id is not None:
                changes.append(("citizen", obj.citizen_id, "credential"))
            elif obj.officer_id is not None:
                changes.append(("officer", obj.officer_id, "credential"))
    return changes


def _end_on_credential_change(orm_session, _flush_context) -> None:
    """A password set, a passkey added or removed, an officer deactivated: in
    the same transaction, every other session of that account ends (the one
    making the change, in this browser, stays). Whoever writes the change
    (a view, a CLI command, a future admin page) gets this without asking.
    A rehash at sign-in is written with a bulk UPDATE and is no change."""
    changes = _credential_changes(orm_session)
    if not changes:
        return
    here = g.get("user_session") if has_request_context() else None
    connection = orm_session.connection()
    for kind, account_id, reason in dict.fromkeys(changes):
        keep = (
            here.id if here is not None and getattr(here, ACCOUNT_KEY[kind]) == account_id else None
        )
        if reason == "deactivated":
            keep = None
        end_all(kind, account_id, reason, keep=keep, connection=connection)


def init_app(app: Flask) -> None:
    app.teardown_request(write_pending)


event.listen(OrmSession, "after_flush", _end_on_credential_change)
event.listen(OrmSession, "before_commit", _carry_pending)
event.listen(OrmSession, "after_commit", _carried)
event.listen(OrmSession, "after_rollback", _not_carried)
