"""SIGKILL the server during concurrent submits, restart it on the same database.

The app runs under gunicorn (two worker processes) on loopback; every process
of it is killed at once, as a power cut would, while submits are in flight.
Then: every dossier whose code reached a client is there with all its photos,
on disk and in the database; nothing is half-written; the day's sequence has
no gap; and the clients' retries after the restart get the same codes.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import create_app
from domain.dossier_code import parse_code
from extensions import db
from models import Citizen, DailySequence, Dossier, DossierEvent, Draft, ProcedureProgress, Upload
from services.identity import otp
from services.photos import storage
from tests import databases
from tests.conftest import last_code
from tests.conftest import test_config as app_config
from tests.helpers import sign_in_as
from tests.office.helpers import add_complete_draft

ROOT = Path(__file__).resolve().parent.parent
SUBMITS = 24
KILL_AFTER = 6  # responses received before the kill; the others are in flight or queued
IN_FLIGHT = 8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn in its own process group, so one signal reaches every worker."""

    def __init__(self, config: dict):
        self.env = {
            **os.environ,
            "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": config["SECRET_KEY"],
            "UPLOAD_DIR": config["UPLOAD_DIR"],
            "SMS_BACKEND": "file",
            "SMS_OUTBOX_FILE": config["SMS_OUTBOX_FILE"],
            "RATELIMIT_ENABLED": "0",
        }
        self.port = free_port()
        self.process = None

    def start(self):
        gunicorn = Path(sys.executable).parent / "gunicorn"
        command = [str(gunicorn), "--bind", f"127.0.0.1:{self.port}", "--workers", "2"]
        self.process = subprocess.Popen(  # noqa: S603
            [*command, "--threads", "4", "--log-level", "warning", "app:create_app()"],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                connection.request("GET", "/api/v1/catalog")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
            finally:
                connection.close()
        raise AssertionError("the server did not start")

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)


@pytest.fixture
def world(template_db, tmp_path):
    """A database with SUBMITS citizens, each with a complete draft, its photos
    uploaded and a confirmation code issued; and their submit requests."""
    uri = databases.copy_of(template_db, tmp_path, "crash")
    config = {**app_config(tmp_path, uri), "OTP_TTL_SECONDS": 3600}
    app = create_app(config)
    people = []
    with app.app_context():
        for i in range(SUBMITS):
            citizen = Citizen(phone=f"+8491200{i:04d}")
            db.session.add(citizen)
            db.session.flush()
            draft = add_complete_draft(citizen.id)
            db.session.commit()
            otp.issue_code(citizen.phone, "submit", draft.id)
            people.append((citizen.id, citizen.phone, draft.id))
        db.session.remove()
        db.engine.dispose()
    submits = []
    for citizen_id, phone, draft_id in people:  # outside the app context: a fresh `g` each
        client = app.test_client()
        sign_in_as(app, client, citizen_id=citizen_id)
        token = client.get("/api/v1/csrf-token").get_json()["token"]
        body = {
            "draft_id": draft_id,
            "idempotency_key": uuid.uuid4().hex,
            "confirmation_code": last_code(app, phone),
        }
        headers = {
            "Content-Type": "application/json",
            "X-CSRFToken": token,
            "Cookie": f"session={client.get_cookie('session').value}",
        }
        submits.append((json.dumps(body), headers))
    server = Server(config)
    yield app, server, submits
    server.stop()
    with app.app_context():
        db.engine.dispose()
    databases.drop(uri)


def send_all(port: int, submits: list, stop_after: int | None = None):
    """Send every submit, IN_FLIGHT at a time. Returns the codes that came back,
    by submit index (filled in as answers arrive), and the sending threads.
    With stop_after, returns once that many came back, the rest still in flight."""
    codes: dict[int, str] = {}
    pending = list(range(len(submits)))
    lock = threading.Lock()
    enough = threading.Event()

    def worker():
        while not enough.is_set():
            with lock:
                if not pending:
                    return
                index = pending.pop(0)
            body, headers = submits[index]
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
            try:
                connection.request("POST", "/api/v1/dossiers", body=body, headers=headers)
                response = connection.getresponse()
                answer = json.loads(response.read())
            except (OSError, http.client.HTTPException, ValueError):
                continue  # the server died under this request: no code reached us
            finally:
                connection.close()
            assert response.status in (200, 201), answer
            with lock:
                codes[index] = answer["code"]
                if stop_after is not None and len(codes) >= stop_after:
                    enough.set()

    threads = [threading.Thread(target=worker) for _ in range(IN_FLIGHT)]
    for thread in threads:
        thread.start()
    if stop_after is not None:
        enough.wait(timeout=60)
    else:
        for thread in threads:
            thread.join(timeout=60)
    return codes, threads


def check_nothing_half_written(app) -> list[Dossier]:
    with app.app_context():
        dossiers = db.session.scalars(select(Dossier).order_by(Dossier.id)).all()
        for dossier in dossiers:
            events = db.session.scalar(
                select(func.count()).where(DossierEvent.dossier_id == dossier.id)
            )
            steps = db.session.scalar(
                select(func.count()).where(ProcedureProgress.dossier_id == dossier.id)
            )
            assert events >= 1, f"{dossier.code} has no history"
            assert steps == len(dossier.procedure_ids), f"{dossier.code} lacks its steps"
            draft = db.session.scalars(select(Draft).where(Draft.dossier_id == dossier.id)).one()
            photos = db.session.scalars(select(Upload).where(Upload.draft_id == draft.id)).all()
            assert photos and all(p.dossier_id == dossier.id for p in photos), dossier.code
        for upload in db.session.scalars(select(Upload)):
            assert storage.path_of(upload.storage_key).is_file(), "an upload row without its file"
        # No gap, no duplicate: the day's counter equals the dossiers of the day,
        # and their numbers are exactly 1..N.
        by_day = Counter((d.agency_code, parse_code(d.code)[1]) for d in dossiers)
        for (agency, day), count in by_day.items():
            sequence = db.session.get(DailySequence, (agency, day))
            assert sequence.last == count
            numbers = sorted(
                parse_code(d.code)[2]
                for d in dossiers
                if (d.agency_code, parse_code(d.code)[1]) == (agency, day)
            )
            assert numbers == list(range(1, count + 1))
        db.session.expunge_all()
        return dossiers


def test_a_killed_server_loses_no_returned_dossier_and_leaves_nothing_half_written(world):
    app, server, submits = world
    server.start()
    returned, threads = send_all(server.port, submits, stop_after=KILL_AFTER)
    server.kill()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    assert KILL_AFTER <= len(returned) < SUBMITS, "the kill did not land mid-way"

    server.start()  # the same database and upload folder
    dossiers = check_nothing_half_written(app)
    codes = {d.code for d in dossiers}
    assert set(returned.values()) <= codes, "a code a client was given is missing"

    # The clients retry everything that got no answer, and everything else too:
    # each key gives its one dossier, the same code as before where one came back.
    again, _ = send_all(server.port, submits)
    assert len(again) == SUBMITS
    for index, code in returned.items():
        assert again[index] == code
    dossiers = check_nothing_half_written(app)
    assert len(dossiers) == SUBMITS
    assert len({d.code for d in dossiers}) == SUBMITS
