"""Telling the citizen about each step: the outbox and its worker.

``enqueue`` adds the messages for one dossier event to the session, so they
commit (or roll back) with the change itself: a change is never reported
without happening, nor happens without being reported. ``run_once`` sends
what is due, with exponential backoff between failed attempts.

Delivery: a worker claims a row with one conditional UPDATE (only one worker
can win it), sends, and marks it sent only while still holding the claim. A
sender that fails leaves the row for a later attempt; a worker that dies
after sending but before marking leaves a claim that expires after
``NOTIFY_LEASE_SECONDS``; the next attempt then carries the same reference
(``Notification.reference``, the gateway's client reference), as does the
retry of a send that timed out (recorded as delivery "unknown"), so a gateway
that honours references delivers each message once.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import case, delete, event, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from domain import statuses
from domain.catalog import CATALOG
from domain.communes import get_commune, unaccent
from domain.workflow import ACTIONS
from domain.working_days import format_vn_date
from extensions import db
from models import Citizen, Commune, Dossier, DossierEvent, Notification, OtpChallenge
from models.base import utcnow
from services import metrics
from services.messages.sms import SmsUnknown

LOGGER = logging.getLogger("lienthong.notify")

# What the citizen is told, per action; {code}, {due}, {procedure}, {amount}
# are filled in. The SMS is the same sentence without tone marks (GSM-7).
MESSAGES = {
    "accept": "Hồ sơ {code} đã được tiếp nhận. Hẹn trả kết quả: {due}.",
    "refuse": "Hồ sơ {code} không được tiếp nhận. Lý do: {reason}",
    "request_supplement": "Hồ sơ {code} cần bổ sung: {reason} Hãy mở hồ sơ để bổ sung, nộp lại.",
    "request_payment": "Hồ sơ {code}: cần nộp {amount} đồng tại UBND xã.",
    "confirm_payment": "Hồ sơ {code}: đã nhận {amount} đồng. Hồ sơ được xử lý tiếp.",
    "record_result": "Hồ sơ {code}: đã xong {procedure}.",
    "correct_result": "Hồ sơ {code}: kết quả {procedure} đã được sửa. Lý do: {reason}",
    "record_result_done": "Hồ sơ {code} đã có kết quả. {delivery}",
    "stop": "Hồ sơ {code}: dừng xử lý {procedure}. Lý do: {reason}",
    "stop_done": "Hồ sơ {code}: dừng xử lý {procedure}; các thủ tục khác đã có kết quả. {delivery}",
    "apologize": "Hồ sơ {code} bị chậm, chúng tôi xin lỗi. Lý do: {reason} Hẹn trả mới: {due}.",
    "return_at_office": "Hồ sơ {code} đã trả kết quả. Hồ sơ hoàn tất.",
    "send_by_post": "Hồ sơ {code}: kết quả đã gửi qua bưu điện. Số hiệu: {tracking}.",
    "withdraw": "Hồ sơ {code} đã được rút theo yêu cầu của bạn.",
    "resubmit": "Hồ sơ {code}: đã nhận phần bổ sung. Cán bộ sẽ xử lý tiếp.",
}
DELIVERY = {
    "buu-chinh": "Kết quả sẽ được gửi qua bưu điện.",
    "tai-xa": "Mời bạn nhận tại UBND xã.",
}


def public_url(path: str) -> str:
    """An absolute link for SMS, emails and QR codes: from PUBLIC_BASE_URL, or
    the request's address only when its host is in ALLOWED_HOSTS.

    The Host header is the client's to choose: taken as it came, anyone could
    put their own site into a citizen's receipt SMS. Without either, the link
    stays relative (the app refuses to start so in production: config_checks)."""
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    if not base and has_request_context():
        allowed = _allowed_hosts()
        host = request.host.lower()
        if host in allowed or (urlsplit(request.host_url).hostname or "") in allowed:
            base = request.host_url
    return base.rstrip("/") + path


def _allowed_hosts() -> set[str]:
    return {h.strip().lower() for h in current_app.config.get("ALLOWED_HOSTS", []) if h.strip()}


def _money(amount) -> str:
    return f"{int(amount or 0):,}".replace(",", ".")


# Two GSM-7 segments of a concatenated SMS (2 x 153 characters).
SMS_LIMIT = 306


def _sentence(text: str, limit: int | None) -> str:
    text = " ".join((text or "").split()).rstrip(".")
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 3, 0)].rstrip() + "..."
    return f"{text}." if text else ""


def message_for(dossier: Dossier, event: DossierEvent, reason_limit: int | None = None) -> str:
    changes = event.changes or {}
    key = event.action
    # Whatever the last step's outcome, results ready means "come and collect".
    if key in ("record_result", "stop") and event.status == statuses.Status.DONE:
        key = f"{key}_done"
    template = MESSAGES.get(key, "Hồ sơ {code}: " + statuses.label(event.status) + ".")
    procedure = CATALOG["procedures"].get(event.procedure_id or "", {}).get("title", "")
    return template.format(
        code=dossier.code,
        due=dossier.due_date.strftime("%d/%m/%Y"),
        procedure=procedure[:1].lower() + procedure[1:],
        amount=_money(changes.get("amount")),
        tracking=changes.get("tracking", ""),
        delivery=DELIVERY.get((dossier.answers or {}).get("nhan-ket-qua.hinh_thuc"), ""),
        reason=_sentence(changes.get("reason", ""), reason_limit),
    )


def _link(dossier: Dossier, event: DossierEvent) -> str:
    suffix = "/bo-sung" if event.action == "request_supplement" else ""
    return public_url(f"/ho-so/{dossier.code}{suffix}")


def gsm7(text: str) -> str:
    """Unaccented, and only characters of the GSM-7 basic set that count one."""
    plain = unaccent(text).replace("“", '"').replace("”", '"').replace("–", "-")
    return "".join(ch if ch in _GSM7 else "?" for ch in plain)


_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def sms_body(dossier: Dossier, event: DossierEvent) -> str:
    """The message with a short reason, the link always whole, in two segments."""
    tail = f" Xem: {_link(dossier, event)}"
    full = gsm7(message_for(dossier, event) + tail)
    if len(full) <= SMS_LIMIT:
        return full
    without = len(gsm7(message_for(dossier, event, reason_limit=0) + tail))
    budget = max(SMS_LIMIT - without, 0)
    return gsm7(message_for(dossier, event, reason_limit=budget) + tail)[:SMS_LIMIT]


# The slip an event hands the citizen (services.desk.slips), linked from its email.
SLIP_OF_ACTION = {
    "accept": ("tiep-nhan", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    "resubmit": ("tiep-nhan", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    "apologize": ("xin-loi", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    "request_supplement": ("bo-sung", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "refuse": ("tu-choi", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
}


def email_body(dossier: Dossier, event: DossierEvent) -> tuple[str, str]:
    commune = get_commune(dossier.commune_code)
    settings = db.session.get(Commune, dossier.commune_code)
    status = statuses.Status(dossier.status)
    lines = ["Kính gửi ông/bà,", "", message_for(dossier, event)]
    if event.detail:
        lines += ["", event.detail]
    slip = SLIP_OF_ACTION.get(event.action)
    if slip:
        url = public_url(f"/ho-so/{dossier.code}/phieu/{slip[0]}.pdf")
        lines += ["", f"{slip[1]} (PDF): {url}"]
    lines += [
        "",
        f"Tình trạng hồ sơ: {statuses.LABELS[status]}.",
        f"Hẹn trả kết quả: {format_vn_date(dossier.due_date)}.",
        f"Xem hồ sơ: {_link(dossier, event)}",
    ]
    if settings is not None:
        lines += [
            "",
            f"Cần hỗ trợ: {settings.officer_name}, điện thoại {settings.officer_phone} "
            f"({settings.office_hours}).",
        ]
    lines += ["", f"UBND {commune.name if commune else dossier.commune_code}", ""]
    lines.append("Thư này được gửi tự động. Xin đừng trả lời thư này.")
    subject = f"Hồ sơ {dossier.code}: {statuses.label(event.status)}"
    return subject, "\n".join(lines)


# The receipt of a dossier sent with an SMS code: its code, where it went, the
# due date and where to follow it (a passkey citizen finds it under "Hồ sơ của
# tôi" and gets no SMS).
RECEIPT_SMS = "Hồ sơ {code} đã được nộp đến UBND {commune}. Hạn giải quyết: {due}. Tra cứu: {url}"


_INSERT_MESSAGE = insert(Notification)


def enqueue_receipt(dossier: Dossier, event_id: int, sms: bool = True, connection=None) -> int:
    """Write the submitted dossier's receipt SMS (``sms``) and, when the citizen
    gave an address, its email, in the session's transaction (they commit
    with the dossier). One INSERT on the session's connection, as the submit
    writes its dossier: the ORM's unit of work cost more than the statement.
    `connection`: the session's, if the caller has it at hand. Returns how
    many messages were written."""
    commune = get_commune(dossier.commune_code)
    body = RECEIPT_SMS.format(
        code=dossier.code,
        commune=commune.name if commune else dossier.commune_code,
        due=dossier.due_date.strftime("%d/%m/%Y"),
        url=public_url("/theo-doi"),
    )
    rows = []
    # An e-ID without a phone number gets no SMS: the dossier is in "Hồ sơ của tôi".
    phone = db.session.get(Citizen, dossier.citizen_id).contact_phone
    message = {"dossier_id": dossier.id, "event_id": event_id}
    if sms and phone is not None:
        sms_row = {"channel": "sms", "recipient": phone, "subject": None, "body": unaccent(body)}
        rows.append(message | sms_row)
    email = (dossier.answers or {}).get("nguoi-yeu-cau.email")
    if email:
        lines = [
            "Kính gửi ông/bà,", "", body, "",
            "Hồ sơ sẽ được cán bộ xem và tiếp nhận trong giờ làm việc; khi tiếp nhận, "
            "ông/bà nhận được giấy tiếp nhận hồ sơ và hẹn trả kết quả qua thư này.",
            f"Xem hồ sơ: {public_url(f'/ho-so/{dossier.code}')}", "",
            "Thư này được gửi tự động. Xin đừng trả lời thư này.",
        ]  # fmt: skip
        rows.append(
            message | {
                "channel": "email", "recipient": email,
                "subject": f"Hồ sơ {dossier.code}: đã nộp", "body": "\n".join(lines),
            }
        )  # fmt: skip
    if rows:
        # Each row's reference and times come from the columns' defaults, row by row.
        (connection or db.session.connection()).execute(_INSERT_MESSAGE, rows)
        _wake_after_commit(db.session)
    return len(rows)


def enqueue(dossier: Dossier, event: DossierEvent) -> list[Notification]:
    """Add this event's SMS (and email, when the citizen gave one) to the session."""
    if event.action not in ACTIONS:
        return []
    phone = db.session.get(Citizen, dossier.citizen_id).contact_phone
    rows = [
        Notification(
            dossier_id=dossier.id, event=event, channel="sms", recipient=phone,
            body=sms_body(dossier, event),
        )
    ] if phone else []  # fmt: skip
    email = (dossier.answers or {}).get("nguoi-yeu-cau.email")
    if email:
        subject, body = email_body(dossier, event)
        rows.append(
            Notification(
                dossier_id=dossier.id, event=event, channel="email", recipient=email,
                subject=subject, body=body,
            )
        )  # fmt: skip
    db.session.add_all(rows)
    return rows


# --- the worker --------------------------------------------------------------


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    gave_up: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.gave_up


def backoff(attempts: int, config) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... capped (NOTIFY_BACKOFF_SECONDS, _MAX)."""
    base = config.get("NOTIFY_BACKOFF_SECONDS", 30)
    ceiling = config.get("NOTIFY_BACKOFF_MAX_SECONDS", 3600)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), ceiling))


def _due(now: datetime):
    return (
        Notification.sent_at.is_(None),
        Notification.failed_at.is_(None),
        Notification.next_attempt_at <= now,
        or_(Notification.claimed_until.is_(None), Notification.claimed_until < now),
    )


def _send(app: Flask, row: Notification) -> None:
    if row.channel == "sms":
        # The same reference at every attempt: a retry after a timeout or a
        # crash is one SMS at a gateway that honours client references.
        app.extensions["sms_sender"].send(row.recipient, row.body, reference=row.reference)
    else:
        app.extensions["email_sender"].send(row.recipient, row.subject or "", row.body)


# A receipt that came before the worker marked its own attempt is the truer word.
_FINAL = ("delivered", "undelivered")


def _status_unless_final(status: str):
    return case(
        (Notification.delivery_status.in_(_FINAL), Notification.delivery_status), else_=status
    )


def expire_codes(now: datetime) -> int:
    """Give up the codes not handed over by their deadline: too late to be
    worth typing. Their challenge goes (as a failed code's always did: it
    counts for nothing, and the page says the code could not be sent).
    In the caller's transaction (run_once's claim)."""
    rows = db.session.execute(
        select(Notification.id, Notification.challenge_id).where(
            Notification.challenge_id.is_not(None),
            Notification.sent_at.is_(None),
            Notification.failed_at.is_(None),
            Notification.deadline_at < now,
            or_(Notification.claimed_until.is_(None), Notification.claimed_until < now),
        )
    ).all()
    for row_id, challenge_id in rows:
        gone = db.session.execute(
            update(Notification)
            .where(Notification.id == row_id, Notification.failed_at.is_(None))
            .where(Notification.sent_at.is_(None))
            .values(failed_at=now, body="", last_error="deadline passed")
        ).rowcount
        if gone:
            _forget_code(challenge_id)
            LOGGER.warning("Code SMS %s not sent by its deadline: given up", row_id)
    return len(rows)


def _forget_code(challenge_id: int | None) -> None:
    if challenge_id is not None:
        db.session.execute(
            delete(OtpChallenge).where(
                OtpChallenge.id == challenge_id, OtpChallenge.used_at.is_(None)
            )
        )


@dataclass
class Claimed:
    """A message claimed by `token`, with what sending it needs: a code's
    sender gets this straight from the request that wrote the row."""

    id: int
    token: str
    channel: str
    recipient: str
    subject: str | None
    body: str
    reference: str | None
    attempts: int
    challenge_id: int | None


def claimed_by_writer(row: Notification, now: datetime, lease_seconds: float) -> str:
    """Claim a new row in the transaction that adds it (a code for this
    process's senders): returns the token, to build `Claimed` after the flush."""
    token = secrets.token_hex(16)
    row.claim_token, row.claimed_until, row.attempts = (
        token,
        now + timedelta(seconds=lease_seconds),
        1,
    )
    return token


def send_one(app: Flask, row_id: int, now: datetime | None = None, report: Report | None = None):
    """Claim one message, send it, and record what came of it; False when
    another worker has it (or it is not due)."""
    now = now or utcnow()
    claimed = _claim(app.config, [row_id], now)
    for message in claimed:
        send_claimed(app, message, now, report)
    return bool(claimed)


def _claim(config, ids: list[int], now: datetime) -> list[Claimed]:
    """Claim those of `ids` still due, in one transaction: one conditional
    UPDATE (a row another worker won is left out), then what sending needs.

    On SQLite every transaction outside a request takes the write lock and a
    commit that wrote syncs the disk: a claim, a read and a mark per message
    (six transactions, two syncs) queued every submit behind each receipt SMS.
    """
    token = secrets.token_hex(16)
    code_lease = timedelta(seconds=config["SMS_CODE_LEASE_SECONDS"])
    lease = timedelta(seconds=config.get("NOTIFY_LEASE_SECONDS", 300))
    kind = Notification.claimed_until.type
    until = case(
        (Notification.challenge_id.is_not(None), literal(now + code_lease, kind)),
        else_=literal(now + lease, kind),
    )
    db.session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), *_due(now))
        .values(claim_token=token, claimed_until=until, attempts=Notification.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    rows = db.session.execute(
        select(
            Notification.id,
            Notification.channel,
            Notification.recipient,
            Notification.subject,
            Notification.body,
            Notification.reference,
            Notification.attempts,
            Notification.challenge_id,
        )
        .where(Notification.claim_token == token)
        .order_by(Notification.priority, Notification.id)
    ).all()
    # Ended before the gateway: a transaction left open during a send held
    # the write lock (every submit, upload and sign-in waited) for as long as
    # the gateway took to answer.
    db.session.commit()
    return [
        Claimed(r.id, token, r.channel, r.recipient, r.subject, r.body, r.reference,
                r.attempts, r.challenge_id)
        for r in rows
    ]  # fmt: skip


def send_claimed(
    app: Flask, row: Claimed, now: datetime | None = None, report: Report | None = None
) -> None:
    """Send a message this worker holds the claim of, and record the outcome
    (only while still holding it)."""
    _record([(row, _attempt(app, row, now or utcnow(), report or Report()))])


def _attempt(app: Flask, row: Claimed, now: datetime, report: Report) -> dict:
    """Send `row`; what to write on it (claim released, sent or when to retry)."""
    config = app.config
    code = row.challenge_id is not None
    values = {"claim_token": None, "claimed_until": None}
    try:
        _send(app, row)
    except Exception as error:  # any sender failure: try again later
        attempts = row.attempts
        values["last_error"] = f"{type(error).__name__}: {error}"[:300]
        outcome = "unknown" if isinstance(error, SmsUnknown) else "retry"
        if isinstance(error, SmsUnknown):
            # Maybe delivered: the next attempt carries the same reference.
            values["delivery_status"] = _status_unless_final("unknown")
        permanent = getattr(error, "permanent", False)
        if attempts >= config.get("NOTIFY_MAX_ATTEMPTS", 20) or (code and permanent):
            values.update(failed_at=now)
            outcome = "gave_up"
            report.gave_up += 1
            LOGGER.error("Notification %s gave up after %s attempts", row.id, attempts)
        elif code:
            values["next_attempt_at"] = now + timedelta(seconds=config["SMS_CODE_RETRY_SECONDS"])
            report.retried += 1
        else:
            values["next_attempt_at"] = now + backoff(attempts, config)
            report.retried += 1
        if row.channel == "sms":
            metrics.SMS_FAILED.labels("code" if code else "notice", outcome).inc()
    else:
        values.update(sent_at=utcnow(), last_error=None)
        if row.channel == "sms":
            values["delivery_status"] = _status_unless_final("accepted")
            metrics.SMS_SENT.labels("code" if code else "notice").inc()
        report.sent += 1
    if code and ("sent_at" in values or "failed_at" in values):
        values["body"] = ""  # the code itself: kept no longer than needed
    return values


def _record(outcomes: list[tuple[Claimed, dict]]) -> None:
    """Write what came of these attempts, in one transaction, each only on a
    row this worker still holds (a lease that ran out is another's now)."""
    if not outcomes:
        return
    for row, values in outcomes:
        done = db.session.execute(
            update(Notification)
            .where(Notification.id == row.id, Notification.claim_token == row.token)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        if done and row.challenge_id is not None and "failed_at" in values:
            _forget_code(row.challenge_id)
    db.session.commit()


def _release(rows: list[Claimed]) -> None:
    """Give back claims not tried (their attempt did not happen)."""
    for row in rows:
        db.session.execute(
            update(Notification)
            .where(Notification.id == row.id, Notification.claim_token == row.token)
            .values(claim_token=None, claimed_until=None, attempts=Notification.attempts - 1)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()


# Outcomes are written at least this often while a pass sends: a worker that
# dies leaves at most this much of sent messages to be sent again (with the
# same references), and a fast gateway's pass costs one write, not one per message.
RECORD_EVERY_SECONDS = 1.0


def run_once(
    app: Flask, *, now: datetime | None = None, batch: int = 100, codes_only: bool = False
) -> Report:
    """Send every message due now (one pass), codes first; call inside an app context.

    The pass claims its messages together, sends them one after the other
    and writes their outcomes together (at least every RECORD_EVERY_SECONDS).
    It stops before a claim is half through its lease (a slow gateway), gives
    the untried ones back and wakes the worker for another pass."""
    now = now or utcnow()
    report = Report()
    expire_codes(now)
    query = select(Notification.id).where(*_due(now))
    if codes_only:
        query = query.where(Notification.challenge_id.is_not(None))
    ids = db.session.scalars(
        query.order_by(Notification.priority, Notification.id).limit(batch)
    ).all()
    if not ids:
        db.session.commit()
        return report
    claimed = _claim(app.config, ids, now)
    code_lease = app.config["SMS_CODE_LEASE_SECONDS"]
    lease = app.config.get("NOTIFY_LEASE_SECONDS", 300)
    started = last_record = time.monotonic()
    outcomes: list[tuple[Claimed, dict]] = []
    try:
        for index, row in enumerate(claimed):
            held = code_lease if row.challenge_id is not None else lease
            if time.monotonic() - started > held / 2:
                _record(outcomes)
                outcomes = []
                _release(claimed[index:])
                WAKE.set()
                break
            outcomes.append((row, _attempt(app, row, now, report)))
            if time.monotonic() - last_record >= RECORD_EVERY_SECONDS:
                _record(outcomes)
                outcomes, last_record = [], time.monotonic()
    finally:
        _record(outcomes)
    return report


# Set when a transaction that added messages commits: the app's background
# worker (services.background) sends them at once instead of at its next poll.
WAKE = threading.Event()


def _wake_after_commit(session: Session) -> None:
    session.info["notifications_added"] = True


@event.listens_for(Session, "after_commit")
def _wake_worker(session: Session) -> None:
    if session.info.pop("notifications_added", False):
        WAKE.set()


@event.listens_for(Session, "before_flush")
def _note_new_notifications(session: Session, _context, _instances) -> None:
    # A row written already claimed (a code for this process's senders) is
    # not the worker's to send: waking it would only make it race for the row.
    if any(isinstance(row, Notification) and row.claim_token is None for row in session.new):
        _wake_after_commit(session)


def outbox_counts(commune_code: str) -> dict[str, int]:
    """Waiting, sent and given-up messages of one commune, for its statistics."""
    rows = db.session.execute(
        select(Notification.sent_at.is_not(None), Notification.failed_at.is_not(None), func.count())
        .join(Dossier, Dossier.id == Notification.dossier_id)
        .where(Dossier.commune_code == commune_code)
        .group_by(Notification.sent_at.is_not(None), Notification.failed_at.is_not(None))
    ).all()
    counts = {"waiting": 0, "sent": 0, "failed": 0}
    for sent, failed, n in rows:
        counts["sent" if sent else "failed" if failed else "waiting"] += n
    return counts
