"""The outbox worker: retries with backoff, nothing lost while a sender is down,
nothing sent twice; email over a real SMTP server on loopback."""

import socket
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy

import pytest

from extensions import db
from models import Notification
from models.base import utcnow
from services.messages import notify
from services.messages.email import SmtpEmailSender
from services.messages.sms import SmsError
from tests.office.helpers import EMAIL, PHONE, act, create_submitted_dossier


class FlakySms:
    """Down for the first `failures` calls, then fine; counts what it delivered."""

    def __init__(self, failures=0, delay=0.0):
        self.failures, self.delay = failures, delay
        self.delivered = []
        self.lock = threading.Lock()

    def send(self, to, body, reference=None):
        time.sleep(self.delay)
        with self.lock:
            if self.failures > 0:
                self.failures -= 1
                raise SmsError("gateway down")
            self.delivered.append((to, body))


class Smtp:
    """aiosmtpd on 127.0.0.1, startable and stoppable like a real mail server."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.messages = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()


@pytest.fixture
def smtp():
    server = Smtp()
    yield server
    if server.controller is not None and server.controller._thread is not None:
        server.stop()


def queue_two_steps(app, email=EMAIL):
    """Accept and ask a payment: two status changes, two messages each (SMS + email)."""
    with app.app_context():
        code = create_submitted_dossier(email=email)
        act(code, "tu-phap", "accept")
        act(code, "tu-phap", "request_payment", "dang-ky-khai-sinh", amount="16000")
        return code


def run(app, now):
    with app.app_context():
        return notify.run_once(app, now=now)


def test_a_sender_that_fails_then_recovers_delivers_each_message_exactly_once(app):
    sms = FlakySms(failures=3)
    app.extensions["sms_sender"] = sms
    queue_two_steps(app, email=None)
    now = utcnow()
    first = run(app, now)
    assert (first.sent, first.retried) == (0, 2)
    assert run(app, now).handled == 0  # not due again until the backoff has passed
    for minutes in (1, 3, 7, 15):
        run(app, now + timedelta(minutes=minutes))
    assert len(sms.delivered) == 2
    assert len({body for _, body in sms.delivered}) == 2
    with app.app_context():
        rows = db.session.scalars(db.select(Notification)).all()
        assert all(r.sent_at and r.claim_token is None for r in rows)
        assert sorted(r.attempts for r in rows) == [2, 3]


def test_retries_wait_longer_each_time_up_to_the_ceiling(app):
    assert [notify.backoff(n, app.config).total_seconds() for n in (1, 2, 3, 4, 20)] == [
        30, 60, 120, 240, 3600,
    ]  # fmt: skip


def test_a_message_is_given_up_only_after_the_last_attempt_and_counted(app):
    app.config["NOTIFY_MAX_ATTEMPTS"] = 2
    app.extensions["sms_sender"] = FlakySms(failures=100)
    queue_two_steps(app, email=None)
    now = utcnow()
    run(app, now)
    report = run(app, now + timedelta(hours=1))
    assert report.gave_up == 2
    with app.app_context():
        assert notify.outbox_counts("05665") == {"waiting": 0, "sent": 0, "failed": 2}
        assert all("SmsError" in r.last_error for r in db.session.scalars(db.select(Notification)))


def test_two_workers_at_once_never_send_one_message_twice(app):
    sms = FlakySms(delay=0.05)
    app.extensions["sms_sender"] = sms
    for _ in range(3):
        queue_two_steps(app, email=None)
    start = threading.Barrier(2)

    def worker():
        with app.app_context():
            start.wait()
            notify.run_once(app)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sms.delivered) == 6
    assert len(set(sms.delivered)) == 6


def test_email_goes_over_smtp_and_waits_while_the_server_is_down(app, smtp):
    app.extensions["sms_sender"] = FlakySms()
    app.extensions["email_sender"] = SmtpEmailSender(
        "127.0.0.1", smtp.port, "xa-van-lang@dichvucong.local", timeout=5
    )
    code = queue_two_steps(app)
    now = utcnow()
    down = run(app, now)  # nobody listens on the port yet
    # SMS out, emails waiting: the receipt's and the two steps'.
    assert (down.sent, down.retried) == (2, 3)
    smtp.start()
    run(app, now + timedelta(minutes=5))
    run(app, now + timedelta(minutes=10))
    assert len(smtp.messages) == 3
    recipients, raw = smtp.messages[1]
    assert recipients == [EMAIL]
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == f"Hồ sơ {code}: Được tiếp nhận"
    assert "Hẹn trả kết quả" in message.get_content()


def test_sms_bodies_are_unaccented_and_fit_one_segment(app):
    app.extensions["sms_sender"] = sms = FlakySms()
    app.config["PUBLIC_BASE_URL"] = "https://dichvucong.vanlang.gov.vn"
    queue_two_steps(app, email=None)
    run(app, utcnow())
    for to, body in sms.delivered:
        assert to == PHONE
        assert body.isascii() and len(body) <= 160
        assert "https://dichvucong.vanlang.gov.vn/ho-so/X05665-" in body


def test_the_notify_worker_command_sends_once_and_exits(app):
    app.extensions["sms_sender"] = sms = FlakySms()
    queue_two_steps(app, email=None)
    result = app.test_cli_runner().invoke(args=["notify-worker", "--once"])
    assert result.exit_code == 0
    assert "sent 2" in result.output
    assert len(sms.delivered) == 2


class HeldSms:
    """A gateway that answers only when `release` is set (a slow one, without waiting)."""

    def __init__(self):
        self.sending, self.release = threading.Event(), threading.Event()
        self.delivered = []

    def send(self, to, body, reference=None):
        self.sending.set()
        self.release.wait(20)
        self.delivered.append((to, body))


def test_a_slow_gateway_does_not_hold_the_database_while_it_sends(app):
    # On SQLite a transaction left open during the send held the write lock:
    # every submit, upload and sign-in waited for the gateway's answer.
    with app.app_context():
        create_submitted_dossier(receipt_sms=True)
    gateway = HeldSms()
    app.extensions["sms_sender"] = gateway
    worker = threading.Thread(target=lambda: _run_once_in(app))
    worker.start()
    try:
        assert gateway.sending.wait(20)
        wrote = threading.Event()

        def write():
            with app.app_context():
                create_submitted_dossier()
                wrote.set()

        writer = threading.Thread(target=write)
        writer.start()
        # Waits on the writer, not on a clock: on main it stays blocked until
        # the gateway answers, which only `release` below lets it do.
        assert wrote.wait(20)
    finally:
        gateway.release.set()
        worker.join(30)
    writer.join(30)
    assert len(gateway.delivered) == 1


def _run_once_in(app):
    with app.app_context():
        notify.run_once(app)


def test_a_pass_claims_and_records_its_messages_in_one_write_each(app):
    # On SQLite each write takes the database's only write lock and syncs the
    # disk; a write per claim and per outcome made every submit queue behind
    # each receipt SMS sent.
    app.extensions["sms_sender"] = sms = FlakySms()
    for _ in range(3):
        queue_two_steps(app, email=None)
    commits = []
    with app.app_context():
        engine = db.engine
    listener = lambda _conn: commits.append(1)  # noqa: E731
    db.event.listen(engine, "commit", listener)
    try:
        report = run(app, utcnow())
    finally:
        db.event.remove(engine, "commit", listener)
    assert report.sent == len(sms.delivered) == 6
    assert len(commits) == 2  # the claim, then the outcomes
    with app.app_context():
        rows = db.session.scalars(db.select(Notification)).all()
        assert all(r.sent_at is not None and r.claim_token is None for r in rows)
        assert all(r.attempts == 1 for r in rows)


class ClockedSms:
    """A gateway each answer of which takes `seconds` of the worker's clock."""

    def __init__(self, clock, seconds):
        self.clock, self.seconds, self.delivered = clock, seconds, []

    def send(self, to, body, reference=None):
        self.clock[0] += self.seconds
        self.delivered.append(to)


def test_a_slow_gateway_pass_gives_back_what_it_could_not_send_within_half_its_lease(
    app, monkeypatch
):
    # A pass sends its claimed messages one after the other: past half the
    # lease, another worker may soon take them and send them a second time.
    # The pass stops there, records what it sent, gives the rest back with
    # their attempt not counted, and asks for another pass at once.
    clock = [1000.0]
    monkeypatch.setattr(notify.time, "monotonic", lambda: clock[0])
    lease = app.config["NOTIFY_LEASE_SECONDS"] = 300
    app.extensions["sms_sender"] = sms = ClockedSms(clock, lease / 4 + 1)
    for _ in range(3):
        queue_two_steps(app, email=None)
    notify.WAKE.clear()
    now = utcnow()
    report = run(app, now)
    assert report.sent == len(sms.delivered) == 2
    assert notify.WAKE.is_set()
    with app.app_context():
        rows = db.session.scalars(db.select(Notification).order_by(Notification.id)).all()
        sent = [r for r in rows if r.sent_at is not None]
        waiting = [r for r in rows if r.sent_at is None]
        assert len(sent) == 2 and len(waiting) == 4
        assert all(r.claim_token is None and r.claimed_until is None for r in rows)
        assert all(r.attempts == 0 for r in waiting)
    report = run(app, now)  # the next pass goes on with the rest
    assert len(sms.delivered) == 4
