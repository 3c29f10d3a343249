"""Shared fixtures: an app on a real SQLite file migrated by Alembic, clients, sign-in."""

import json
import re
from pathlib import Path

import flask_migrate
import pytest

from app import create_app
from extensions import db
from models import Citizen
from tests import databases
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.helpers import sign_in_as

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def browser():
    """One Debian Chromium for the whole run (Playwright allows one sync driver at a time)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_config(tmp_path: Path, db: Path | str) -> dict:
    """``db``: a SQLite file, or a database URI (tests/databases.py)."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": db if isinstance(db, str) else f"sqlite:///{db}",
        "SMS_BACKEND": "file",
        "SMS_OUTBOX_FILE": str(tmp_path / "sms.jsonl"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "RATELIMIT_STORAGE_URI": "memory://",
        # The office tests sign officers in with the password alone; the passkey
        # step has its own tests (tests/office/test_passkey_step.py).
        "OFFICER_PASSKEY_REQUIRED": False,
        # The request waits for the file backend's write (never near this long),
        # so a test reads the code right after asking for it even on a loaded
        # machine; tests/services/test_code_sender.py sets its own wait.
        "SMS_CODE_WAIT_SECONDS": 30,
    }


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> str:
    """Migrate once with Alembic and seed the demo commune; each test gets a copy
    (a SQLite file, or a PostgreSQL database when DATABASE_URL names a server)."""
    tmp = tmp_path_factory.mktemp("template")
    uri = databases.template_uri(tmp)
    app = create_app(test_config(tmp, uri))
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        from commands import enable_commune

        enable_commune("05665", "Cán bộ thử nghiệm", "0123 456 789", "Giờ hành chính")
        db.engine.dispose()
    yield uri
    databases.drop(uri)


def watch_uncached(engine) -> list[str]:
    """The statements run on `engine` that SQLAlchemy could not cache: each
    is compiled anew at every run, which cost a submit 140 us for one upsert
    (services.database.add_one). The list fills as they run."""
    from sqlalchemy import event
    from sqlalchemy.engine.default import NO_CACHE_KEY

    found: list[str] = []

    @event.listens_for(engine, "after_cursor_execute")
    def _uncached(_conn, _cursor, statement, _params, context, _many):
        compiled = getattr(context, "compiled", None)
        if compiled is not None and not context.isddl and context.cache_hit is NO_CACHE_KEY:
            found.append(" ".join(statement.split())[:120])

    return found


@pytest.fixture
def app(template_db, tmp_path):
    uri = databases.copy_of(template_db, tmp_path)
    app = create_app(test_config(tmp_path, uri))
    with app.app_context():
        uncached = watch_uncached(db.engine)
    yield app
    with app.app_context():
        db.engine.dispose()
    databases.drop(uri)
    # Every test that runs a statement checks it is compiled once, not per run.
    assert not uncached, f"statements SQLAlchemy cannot cache: {sorted(set(uncached))}"


@pytest.fixture
def client(app):
    return app.test_client()


def read_sms(app) -> list[dict]:
    path = Path(app.config["SMS_OUTBOX_FILE"])
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def last_code(app, phone: str) -> str:
    for message in reversed(read_sms(app)):
        if message["to"] == phone:
            found = re.search(r"\b(\d{6})\b", message["body"])
            if found:
                return found.group(1)
    raise AssertionError(f"no code sent to {phone}")


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


class Api:
    """A test client that speaks the JSON API with the CSRF header, as the wizard does."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def _headers(self):
        if self.token is None:
            self.token = self.client.get("/api/v1/csrf-token").get_json()["token"]
        return {"X-CSRFToken": self.token}

    def get(self, path, **kw):
        return self.client.get("/api/v1" + path, **kw)

    def post(self, path, json=None, **kw):
        return self.client.post("/api/v1" + path, json=json, headers=self._headers(), **kw)

    def put(self, path, json=None, **kw):
        return self.client.put("/api/v1" + path, json=json, headers=self._headers(), **kw)

    def patch(self, path, json=None, **kw):
        return self.client.patch("/api/v1" + path, json=json, headers=self._headers(), **kw)

    def delete(self, path, **kw):
        return self.client.delete("/api/v1" + path, headers=self._headers(), **kw)


def make_citizen(app, phone="+84912345678") -> int:
    with app.app_context():
        citizen = Citizen(phone=phone)
        db.session.add(citizen)
        db.session.commit()
        return citizen.id


@pytest.fixture
def citizen_client(app, client):
    """A client signed in as a citizen (session set directly; the flow has its own tests)."""
    citizen_id = make_citizen(app)
    sign_in_as(app, client, citizen_id=citizen_id)
    client.citizen_id = citizen_id
    client.phone = "+84912345678"
    return client


@pytest.fixture
def api(citizen_client):
    return Api(citizen_client)
