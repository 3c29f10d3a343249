import errno
import io
import os
import uuid

from PIL import Image


def jpeg_bytes(width=800, height=600, color=(200, 180, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def new_draft_id() -> str:
    return str(uuid.uuid4())


def sign_in_as(
    app,
    client,
    citizen_id: int | None = None,
    officer_id: int | None = None,
    device: str = "Trình duyệt thử nghiệm",
):
    """Sign a test client in directly: a server-side session row (services.identity.sessions)
    and the cookie that names it. The real sign-in flows have their own tests."""
    from extensions import db
    from models import Citizen, Officer
    from services.identity import sessions

    with app.app_context():
        owner = (
            db.session.get(Citizen, citizen_id)
            if citizen_id is not None
            else db.session.get(Officer, officer_id)
        )
        token, row = sessions.open_row(owner, device)
        db.session.commit()
        row_id = row.id
    with client.session_transaction() as session:
        session.clear()
        session[sessions.TOKEN_KEY] = token
        if citizen_id is not None:
            session["citizen_id"] = citizen_id
            session.permanent = True
        else:
            session["officer_id"] = officer_id
    return row_id


def session_cookie(app, citizen_id: int, device: str = "Trình duyệt thử nghiệm") -> str:
    """The signed value of a `session` cookie for a real browser, naming a new
    server-side session of this citizen (a forged cookie alone opens nothing)."""
    from extensions import db
    from models import Citizen
    from services.identity import sessions

    with app.app_context():
        token, _row = sessions.open_row(db.session.get(Citizen, citizen_id), device)
        db.session.commit()
    contents = {sessions.TOKEN_KEY: token, "citizen_id": citizen_id, "_permanent": True}
    return app.session_interface.get_signing_serializer(app).dumps(contents)


def age_session(app, row_id: int, hours: float = 0, idle_minutes: float | None = None):
    """Move a session back in time: it began `hours` ago, and its last request
    was `idle_minutes` ago (default: when it began)."""
    from datetime import timedelta

    from extensions import db
    from models import UserSession
    from models.base import utcnow

    with app.app_context():
        row = db.session.get(UserSession, row_id)
        now = utcnow()
        row.created_at = now - timedelta(hours=hours)
        row.last_seen_at = (
            now - timedelta(minutes=idle_minutes) if idle_minutes is not None else row.created_at
        )
        db.session.commit()


def fill_disk(path) -> None:
    """Write ``path`` until its file system is full: the next write anywhere
    on it meets ENOSPC in the kernel, as on a real full disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)
