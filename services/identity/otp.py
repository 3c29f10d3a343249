"""One-time SMS codes: issue, send and check them.

Only an HMAC of each code is stored. A code lives OTP_TTL_SECONDS, dies after
OTP_MAX_ATTEMPTS wrong tries, and a new one can be asked for after
OTP_RESEND_SECONDS, at most OTP_PER_PHONE_PER_HOUR codes sent an hour per phone.

Per phone, across its codes: OTP_MAX_FAILURES wrong codes in a row lock the
phone's codes for OTP_LOCK_SECONDS (NIST SP 800-63B 5.2.2). Without it five
codes an hour times five guesses gave 25 checked guesses an hour, for ever.
Its passkeys still sign in. And no more than SMS_BUDGET_PER_HOUR SMS leave in
any hour, codes and notices together: past that, new codes wait (logged as an
error for whoever watches the logs).
"""

import hashlib
import hmac
import re
import secrets
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, func, select, union_all, update

from domain.phones import mask_phone
from extensions import db
from models import Notification, OtpChallenge, PhoneCodeFailures
from models.base import utcnow
from services.database import add_one
from services.messages import notify
from services.messages.code_sender import code_sender
from services.web import vn_clock, vn_time, wait_text

HOUR = timedelta(hours=1)

# SMS bodies are unaccented on purpose: accented text switches the message to
# UCS-2, which halves the characters per SMS and doubles the cost.
BODIES = {
    "sign_in": "Ma dang nhap Dich vu cong lien thong: {code}. Hieu luc 5 phut. "
    "KHONG cung cap ma nay cho bat ky ai.",
    "submit": "Ma xac nhan nop ho so lien thong: {code}. Hieu luc 5 phut. "
    "KHONG cung cap ma nay cho bat ky ai.",
}


@dataclass
class OtpError(Exception):
    code: str
    message: str
    retry_after: int | None = None


def _digest(nonce: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{nonce}:{code}".encode(), hashlib.sha256).hexdigest()


def _latest(phone: str, purpose: str, draft_id: str | None) -> OtpChallenge | None:
    query = select(OtpChallenge).where(OtpChallenge.phone == phone, OtpChallenge.purpose == purpose)
    if draft_id is not None:
        query = query.where(OtpChallenge.draft_id == draft_id)
    return db.session.scalars(query.order_by(OtpChallenge.id.desc()).limit(1)).first()


def _latest_with_failures_query(with_draft: bool):
    query = (
        select(
            OtpChallenge.id,
            OtpChallenge.code_hash,
            OtpChallenge.created_at,
            OtpChallenge.expires_at,
            OtpChallenge.attempts,
            OtpChallenge.used_at,
            PhoneCodeFailures.failures,
            PhoneCodeFailures.locked_until,
        )
        .outerjoin(PhoneCodeFailures, PhoneCodeFailures.phone == OtpChallenge.phone)
        .where(OtpChallenge.phone == bindparam("phone"))
        .where(OtpChallenge.purpose == bindparam("purpose"))
    )
    if with_draft:
        query = query.where(OtpChallenge.draft_id == bindparam("draft_id"))
    return query.order_by(OtpChallenge.id.desc()).limit(1)


# Built once (every code check runs one): building it cost more than running it.
_LATEST_WITH_FAILURES = {
    False: _latest_with_failures_query(False),
    True: _latest_with_failures_query(True),
}


def _take_attempt_statement(use: bool):
    return (
        update(OtpChallenge)
        .where(
            OtpChallenge.id == bindparam("challenge"),
            OtpChallenge.attempts < bindparam("max"),
            OtpChallenge.used_at.is_(None),
        )
        .values(
            attempts=OtpChallenge.attempts + 1, **({"used_at": bindparam("now")} if use else {})
        )
        .returning(OtpChallenge.attempts)
    )


# Keyed by whether the code was right: a right one is marked used as well.
_TAKE_ATTEMPT = {False: _take_attempt_statement(False), True: _take_attempt_statement(True)}


def _latest_with_failures(phone: str, purpose: str, draft_id: str | None):
    """The latest challenge and the phone's wrong-code count, in one statement
    when there is a challenge (every code check; a submit has a dozen).

    Read as plain rows on the session's connection (the code check only reads
    them, and loading ORM objects cost twice the statement): the challenge's
    columns, and the failures' (``failures``, ``locked_until``), or None."""
    query = _LATEST_WITH_FAILURES[draft_id is not None]
    values = {"phone": phone, "purpose": purpose, "draft_id": draft_id}
    row = db.session.connection().execute(query, values).first()
    if row is None:
        return None, db.session.get(PhoneCodeFailures, phone)
    # failures is NOT NULL: None means the phone has no row yet.
    return row, row if row.failures is not None else None


def _usable(challenge: OtpChallenge | None) -> bool:
    return (
        challenge is not None
        and challenge.used_at is None
        and challenge.attempts < current_app.config["OTP_MAX_ATTEMPTS"]
        and utcnow() <= challenge.expires_at
    )


def seconds_until_resend(phone: str, purpose: str, draft_id: str | None = None) -> int:
    """The wait before a new code, 0 when one may be sent now.

    The wait only guards a code still waiting to be typed: once it is used
    (signed in from Zalo, then again in the browser), spent or expired, the
    citizen would otherwise wait for nothing, told to type a code that no
    longer opens anything. The per-hour cap still counts every code.
    """
    latest = _latest(phone, purpose, draft_id)
    if not _usable(latest):
        return 0
    wait = current_app.config["OTP_RESEND_SECONDS"]
    elapsed = (utcnow() - latest.created_at).total_seconds()
    return max(0, int(wait - elapsed + 0.999))


@dataclass
class CodeState:
    """What the code page may truthfully say about the phone's latest code."""

    sent_at: datetime | None
    expires_at: datetime | None
    usable: bool
    used: bool
    resend_after: int
    # The latest code's SMS: "sending" (not with the gateway yet), "sent",
    # "failed" (given up: the code was deleted), None (no code, or older rows).
    sms: str | None = None
    delivered: bool = False


def _latest_code_sms(phone: str, latest: OtpChallenge | None) -> Notification | None:
    """The SMS of the phone's latest code, or of a newer one given up since
    (its challenge deleted). By challenge id, which is indexed: codes issued
    after `latest` are few, the whole outbox is not."""
    after = latest.id - 1 if latest is not None else 0
    return db.session.scalars(
        select(Notification)
        .where(Notification.challenge_id > after, Notification.recipient == phone)
        .order_by(Notification.challenge_id.desc())
        .limit(1)
    ).first()


def _sms_state(row: Notification | None, latest: OtpChallenge | None) -> str | None:
    if row is None:
        return None
    if row.failed_at is not None:
        # Given up after the latest code still standing was sent: that one stays true.
        return "failed" if latest is None or row.challenge_id > latest.id else None
    if latest is None or row.challenge_id != latest.id:
        return None
    return "sent" if row.sent_at is not None else "sending"


def code_state(phone: str, purpose: str, draft_id: str | None = None) -> CodeState:
    latest = _latest(phone, purpose, draft_id)
    row = _latest_code_sms(phone, latest)
    sms = _sms_state(row, latest)
    return CodeState(
        sent_at=(row.sent_at if sms == "sent" else None) or (latest.created_at if latest else None),
        expires_at=latest.expires_at if latest else None,
        usable=_usable(latest),
        used=bool(latest and latest.used_at),
        resend_after=seconds_until_resend(phone, purpose, draft_id),
        sms=sms,
        delivered=bool(sms == "sent" and row.delivery_status == "delivered"),
    )


def _seconds_until(moment: datetime) -> int:
    return max(1, int((moment - utcnow()).total_seconds() + 0.999))


def _free_after(times, limit: int) -> int | None:
    """None while fewer than `limit` of `times` (a one-column select of the
    last hour's moments) are in the hour; else the seconds until one leaves."""
    times = times.subquery()
    column = next(iter(times.c))
    count = db.session.scalar(select(func.count()).select_from(times))
    if count < limit:
        return None
    # The hour frees a place when the (count - limit + 1)-th oldest leaves it.
    oldest = db.session.scalar(select(column).order_by(column).offset(count - limit).limit(1))
    return _seconds_until(oldest + HOUR)


def _locked_until(phone: str) -> datetime | None:
    return _lock_end(db.session.get(PhoneCodeFailures, phone))


def _lock_end(state: PhoneCodeFailures | None) -> datetime | None:
    if state is None or state.locked_until is None or state.locked_until <= utcnow():
        return None
    return state.locked_until


def _locked_error(until: datetime) -> "OtpError":
    wait = _seconds_until(until)
    return OtpError(
        "phone_locked",
        "Số điện thoại này đã nhập sai mã quá nhiều lần liên tiếp, nên mã SMS của số này "
        f"tạm khóa đến {vn_time(until)}. Hãy đợi {wait_text(wait)} rồi thử lại. Nếu đã tạo "
        "khóa đăng nhập (passkey), bạn vẫn dùng được khóa đó; cần gấp, hãy liên hệ cán bộ xã.",
        wait,
    )


def _sms_budget_wait(now: datetime) -> int | None:
    budget = current_app.config["SMS_BUDGET_PER_HOUR"]
    since = now - HOUR
    sent = union_all(
        select(OtpChallenge.created_at.label("at")).where(OtpChallenge.created_at > since),
        select(Notification.sent_at.label("at")).where(
            Notification.channel == "sms",
            Notification.sent_at > since,
            Notification.challenge_id.is_(None),  # codes are counted above
        ),
    )
    wait = _free_after(select(sent.subquery().c.at), budget)
    if wait is not None:
        # Once an hour per process: an alert, not a line per refused citizen.
        alerted = current_app.extensions.get("sms_budget_alerted_at")
        if alerted is None or now - alerted >= HOUR:
            current_app.extensions["sms_budget_alerted_at"] = now
            current_app.logger.error(
                "SMS budget reached: %d SMS in the last hour (SMS_BUDGET_PER_HOUR); "
                "new codes are refused for %d s",
                budget,
                wait,
            )
    return wait


def issue_code(phone: str, purpose: str, draft_id: str | None = None) -> str:
    """Create a code and hand its SMS over, or raise OtpError saying why not.

    "sent" when the gateway took it within SMS_CODE_WAIT_SECONDS, else "sending"."""
    config = current_app.config
    until = _locked_until(phone)
    if until is not None:  # a code it may not enter would be an SMS for nothing
        raise _locked_error(until)
    wait = seconds_until_resend(phone, purpose, draft_id)
    if wait:
        sent = _latest(phone, purpose, draft_id).created_at
        raise OtpError(
            "too_soon",
            f"Chưa gửi mã mới: mã trước đã được gửi lúc {vn_clock(sent)} và vẫn còn dùng được. "
            f"Hãy nhập mã trong tin nhắn đó, hoặc đợi {wait} giây rồi bấm “Gửi lại mã”.",
            wait,
        )
    now = utcnow()
    # Codes sent, not asked for: a failed SMS's row is deleted below.
    wait = _free_after(
        select(OtpChallenge.created_at).where(
            OtpChallenge.phone == phone, OtpChallenge.created_at > now - HOUR
        ),
        config["OTP_PER_PHONE_PER_HOUR"],
    )
    if wait is not None:
        raise OtpError(
            "too_many",
            f"Số điện thoại này đã nhận quá nhiều mã ({config['OTP_PER_PHONE_PER_HOUR']} mã) "
            "trong một giờ qua. "
            f"Hãy đợi {wait_text(wait)} rồi bấm gửi lại mã, hoặc liên hệ cán bộ xã.",
            wait,
        )
    wait = _sms_budget_wait(now)
    if wait is not None:
        raise OtpError(
            "sms_budget",
            "Hệ thống đang tạm ngừng gửi mã SMS vì đã gửi quá nhiều tin trong một giờ qua. "
            f"Hãy đợi {wait_text(wait)} rồi thử lại; nếu đã tạo khóa đăng nhập (passkey), "
            "bạn dùng được khóa đó ngay.",
            wait,
        )
    code = f"{secrets.randbelow(10**6):06d}"
    nonce = secrets.token_hex(8)
    challenge = OtpChallenge(
        phone=phone,
        purpose=purpose,
        draft_id=draft_id,
        code_hash=f"{nonce}${_digest(nonce, code)}",
        created_at=now,
        expires_at=now + timedelta(seconds=config["OTP_TTL_SECONDS"]),
    )
    db.session.add(challenge)
    db.session.flush()
    # The SMS is an outbox row committed with the code (services.messages.
    # code_sender): sent off the request path, first among messages, given
    # up past its deadline; the request waits at most SMS_CODE_WAIT_SECONDS.
    message = Notification(
        channel="sms",
        recipient=phone,
        body=BODIES[purpose].format(code=code),
        priority=0,
        deadline_at=now + timedelta(seconds=config["SMS_CODE_DEADLINE_SECONDS"]),
        challenge_id=challenge.id,
        reference=secrets.token_hex(16),
    )
    # Claimed by this process as it is written, when one of its senders has
    # a place: the sender then needs no read and no claim of its own (on
    # SQLite each would take the write lock). Else the outbox worker takes it.
    sender = code_sender(current_app._get_current_object())
    reserved = sender.reserve()
    token = (
        notify.claimed_by_writer(message, now, config["SMS_CODE_LEASE_SECONDS"])
        if reserved
        else None
    )
    db.session.add(message)
    try:
        db.session.flush()
        claimed = notify.Claimed(
            message.id, token or "", "sms", phone, None, message.body, message.reference,
            1, challenge.id,
        )  # fmt: skip
        db.session.commit()
    except BaseException:
        if reserved:
            sender.release()
        raise
    if not reserved:
        return "sending"
    outcome = sender.hand_over(claimed)
    wait = config["SMS_CODE_WAIT_SECONDS"]
    if wait <= 0:
        return "sending"
    try:
        outcome.result(timeout=wait)
    except FutureTimeout:
        return "sending"  # on its way: the gateway is slow to answer
    db.session.expire_all()
    state = db.session.get(Notification, claimed.id)
    if state is not None and state.failed_at is not None:
        raise OtpError(
            "sms_failed", "Chưa gửi được tin nhắn. Hãy kiểm tra số điện thoại và thử lại."
        )
    return "sent" if state is not None and state.sent_at is not None else "sending"


_FAILURE_COUNTED = add_one(PhoneCodeFailures.__table__, ("phone",), "failures")


def _one_more_failure(phone: str) -> datetime | None:
    """Count a checked wrong code; the end of the lock if this one reached the limit.

    One statement that adds one whatever other requests do at the same time
    (an upsert, in SQLite and PostgreSQL alike).
    """
    table = PhoneCodeFailures.__table__
    counted = db.session.execute(_FAILURE_COUNTED, {"phone": phone}).scalar_one()
    if counted < current_app.config["OTP_MAX_FAILURES"]:
        return None
    until = utcnow() + timedelta(seconds=current_app.config["OTP_LOCK_SECONDS"])
    db.session.execute(
        update(table).where(table.c.phone == phone).values(failures=0, locked_until=until)
    )
    current_app.logger.warning("SMS codes of %s locked after wrong codes", mask_phone(phone))
    return until


def clean_code(raw: str) -> str:
    return re.sub(r"[\s\-.]", "", raw or "")


def verify_code(
    phone: str, purpose: str, raw_code: str, draft_id: str | None = None, commit: bool = True
) -> None:
    """Consume a correct code, or raise OtpError with what to do next.

    With commit=False the code is marked used in the caller's transaction,
    to be committed together with what the code unlocks.
    """
    code = clean_code(raw_code)
    if not code:
        raise OtpError("missing", "Hãy nhập mã xác nhận gồm 6 chữ số trong tin nhắn.")
    if not code.isdigit():
        raise OtpError("format", "Mã xác nhận chỉ gồm chữ số. Hãy nhập 6 chữ số trong tin nhắn.")
    if len(code) != 6:
        raise OtpError(
            "format", "Mã xác nhận gồm đúng 6 chữ số. Hãy kiểm tra lại tin nhắn và nhập đủ."
        )
    challenge, failures = _latest_with_failures(phone, purpose, draft_id)
    until = _lock_end(failures)
    if until is not None:
        raise _locked_error(until)
    if challenge is None:
        raise OtpError(
            "none", "Chưa có mã nào được gửi đến số này. Hãy bấm “Gửi lại mã” để nhận mã."
        )
    if challenge.used_at is not None:
        raise OtpError(
            "used",
            f"Mã gửi lúc {vn_clock(challenge.created_at)} đã được dùng rồi; mỗi mã chỉ dùng "
            "một lần. Hãy bấm “Gửi lại mã” để nhận mã mới.",
        )
    max_attempts = current_app.config["OTP_MAX_ATTEMPTS"]
    exhausted = OtpError(
        "locked", "Bạn đã nhập sai quá nhiều lần. Hãy bấm “Gửi lại mã” để nhận mã mới."
    )
    if challenge.attempts >= max_attempts:
        raise exhausted
    if utcnow() > challenge.expires_at:
        raise OtpError("expired", "Mã đã hết hạn. Hãy bấm “Gửi lại mã” để nhận mã mới.")
    nonce, digest = challenge.code_hash.split("$", 1)
    right = hmac.compare_digest(digest, _digest(nonce, code))
    # Take the attempt before answering, in one conditional UPDATE that also
    # marks a right code used: two guesses at the same moment cannot both use
    # the code's last try, nor one right code serve twice.
    # On the session's connection: the ORM's DML path (for objects this
    # check never loaded) cost eight times the statement.
    taken = (
        db.session.connection()
        .execute(
            _TAKE_ATTEMPT[right],
            {"challenge": challenge.id, "max": max_attempts, "now": utcnow()},
        )
        .first()
    )
    if taken is None:  # another request took the last try, or used the code
        raise exhausted
    if not right:
        until = _one_more_failure(phone)
        db.session.commit()
        if until is not None:
            raise _locked_error(until)
        left = max_attempts - taken.attempts
        if left <= 0:
            raise OtpError(
                "locked", "Mã không đúng và đã hết số lần thử. Hãy bấm “Gửi lại mã” để nhận mã mới."
            )
        raise OtpError("wrong", f"Mã xác nhận không đúng. Bạn còn {left} lần thử.")
    # A right code ends the run of wrong ones (no statement when there is none).
    if failures is not None and failures.failures:
        db.session.execute(
            update(PhoneCodeFailures).where(PhoneCodeFailures.phone == phone).values(failures=0)
        )
    if commit:
        db.session.commit()
