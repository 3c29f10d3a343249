"""Each message once (issue 17): the same client reference at every attempt,
a timeout recorded as "unknown" and retried with it, a crashed worker's
message retried with it, against a loopback gateway that honours references
and counts what it delivered (tests/sms_gateway.py)."""

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from extensions import db
from models import Notification
from models.base import utcnow
from services.messages import notify
from services.messages.sms import HttpSender
from tests.office.helpers import create_submitted_dossier
from tests.sms_gateway import LoopbackGateway

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def gateway(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    with LoopbackGateway() as gateway:
        yield gateway


def receipt_waiting(app) -> int:
    """A filed dossier whose receipt SMS waits in the outbox; its row id."""
    with app.app_context():
        create_submitted_dossier(email=None, receipt_sms=True)
        return db.session.scalars(db.select(Notification.id)).one()


def row(app, row_id) -> Notification:
    with app.app_context():
        found = db.session.get(Notification, row_id)
        db.session.expunge(found)
        return found


def test_a_gateway_that_answers_after_the_timeout_delivers_the_receipt_once(app, gateway):
    app.extensions["sms_sender"] = HttpSender(gateway.url, "key", timeout=0.3, retry_delay=0)
    row_id = receipt_waiting(app)
    gateway.release.clear()  # accepts the message, answers too late
    now = utcnow()
    with app.app_context():
        first = notify.run_once(app, now=now)
    assert (first.sent, first.retried) == (0, 1)
    assert row(app, row_id).delivery_status == "unknown"
    gateway.release.set()
    with app.app_context():
        notify.run_once(app, now=now + timedelta(minutes=1))
    assert len(gateway.requests) == 2
    assert gateway.requests[0]["reference"] == gateway.requests[1]["reference"]
    assert gateway.delivered == 1  # on main: 2, one per attempt
    done = row(app, row_id)
    assert done.sent_at is not None and done.delivery_status == "accepted"


_CRASHING_WORKER = """
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from app import create_app
from services.messages import notify
from services.messages.sms import HttpSender
from tests.conftest import test_config
app = create_app(test_config(Path(sys.argv[2]), sys.argv[3]))
app.extensions["sms_sender"] = HttpSender(sys.argv[4], "key", timeout=30)
with app.app_context():
    notify.run_once(app)
"""


def test_a_worker_killed_after_sending_leaves_a_retry_that_delivers_nothing_twice(
    app, gateway, tmp_path
):
    row_id = receipt_waiting(app)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    gateway.release.clear()  # the worker has sent and waits for the answer...
    worker = subprocess.Popen(
        [sys.executable, "-c", _CRASHING_WORKER, str(ROOT), str(tmp_path), uri, gateway.url],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert gateway.arrived.acquire(timeout=60)
        worker.send_signal(signal.SIGKILL)  # ...and dies before marking it sent
        worker.wait(30)
    finally:
        if worker.poll() is None:
            worker.kill()
    gateway.release.set()
    claimed = row(app, row_id)
    assert claimed.sent_at is None and claimed.claim_token is not None
    lease = app.config["NOTIFY_LEASE_SECONDS"]
    app.extensions["sms_sender"] = HttpSender(gateway.url, "key", timeout=30)
    with app.app_context():
        report = notify.run_once(app, now=utcnow() + timedelta(seconds=lease + 1))
    assert report.sent == 1
    assert len(gateway.requests) == 2
    assert gateway.delivered == 1
    assert row(app, row_id).sent_at is not None


def test_codes_go_to_the_gateway_before_other_messages(app, gateway):
    from services.messages.code_sender import code_sender
    from tests.test_auth import ask_for_code

    app.extensions["sms_sender"] = HttpSender(gateway.url, "key", timeout=30)
    receipt_waiting(app)
    app.config.update(SMS_CODE_SENDERS=1, SMS_CODE_QUEUE=0, SMS_CODE_WAIT_SECONDS=0)
    code_sender(app)._slots.acquire()  # every sender busy: the code waits in the outbox
    ask_for_code(app.test_client(), "0912 000 111")
    with app.app_context():
        notify.run_once(app)
    assert [r["to"] for r in gateway.requests] == ["+84912000111", "+84912345678"]
    assert "Ma dang nhap" in gateway.requests[0]["message"]


def test_a_code_not_sent_by_its_deadline_is_given_up_and_can_be_asked_again(app, client):
    from tests.test_auth import ask_for_code

    class Down:
        def send(self, to, body, reference=None):
            raise ConnectionRefusedError("gateway down")

    app.extensions["sms_sender"] = Down()
    app.config["SMS_CODE_WAIT_SECONDS"] = 0
    assert ask_for_code(client).status_code == 302
    from services.messages.code_sender import code_sender

    code_sender(app).close()
    page = client.get("/dang-nhap/nhap-ma").text
    assert "Đang gửi mã" in page and "Đã gửi" not in page
    late = utcnow() + timedelta(seconds=app.config["SMS_CODE_DEADLINE_SECONDS"] + 1)
    with app.app_context():
        notify.run_once(app, now=late)
        code_row = db.session.scalars(
            db.select(Notification).where(Notification.challenge_id.is_not(None))
        ).one()
        assert code_row.failed_at is not None and code_row.body == ""
    page = client.get("/dang-nhap/nhap-ma").text
    assert "Chưa gửi được mã" in page
    assert 'data-wait="0"' in page  # "Gửi lại mã" at once
