"""One-time SMS codes: issue, send and check them.

Only an HMAC of each code is stored. A code lives OTP_TTL_SECONDS, dies after
OTP_MAX_ATTEMPTS wrong tries, and a new one can be asked for after
OTP_RESEND_SECONDS, at most OTP_PER_PHONE_PER_HOUR times an hour per phone.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from domain.phones import mask_phone
from extensions import db
from models import OtpChallenge
from models.base import utcnow
from services.sms import SmsError

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


def seconds_until_resend(phone: str, purpose: str, draft_id: str | None = None) -> int:
    latest = _latest(phone, purpose, draft_id)
    if latest is None:
        return 0
    wait = current_app.config["OTP_RESEND_SECONDS"]
    elapsed = (utcnow() - latest.created_at).total_seconds()
    return max(0, int(wait - elapsed + 0.999))


def issue_code(phone: str, purpose: str, draft_id: str | None = None) -> None:
    """Create a code and send it by SMS, or raise OtpError saying why not."""
    config = current_app.config
    wait = seconds_until_resend(phone, purpose, draft_id)
    if wait:
        raise OtpError(
            "too_soon", f"Mã vừa được gửi. Hãy đợi {wait} giây rồi bấm gửi lại mã.", wait
        )
    hour_ago = utcnow() - timedelta(hours=1)
    sent_last_hour = db.session.scalar(
        select(func.count())
        .select_from(OtpChallenge)
        .where(OtpChallenge.phone == phone, OtpChallenge.created_at > hour_ago)
    )
    if sent_last_hour >= config["OTP_PER_PHONE_PER_HOUR"]:
        raise OtpError(
            "too_many",
            "Số điện thoại này đã nhận quá nhiều mã trong một giờ. Hãy thử lại sau 1 giờ "
            "hoặc liên hệ cán bộ xã.",
            3600,
        )
    code = f"{secrets.randbelow(10**6):06d}"
    nonce = secrets.token_hex(8)
    now = utcnow()
    challenge = OtpChallenge(
        phone=phone,
        purpose=purpose,
        draft_id=draft_id,
        code_hash=f"{nonce}${_digest(nonce, code)}",
        created_at=now,
        expires_at=now + timedelta(seconds=config["OTP_TTL_SECONDS"]),
    )
    db.session.add(challenge)
    db.session.commit()
    try:
        current_app.extensions["sms_sender"].send(phone, BODIES[purpose].format(code=code))
    except SmsError:
        current_app.logger.warning("SMS to %s failed", mask_phone(phone))
        db.session.delete(challenge)
        db.session.commit()
        raise OtpError(
            "sms_failed", "Chưa gửi được tin nhắn. Hãy kiểm tra số điện thoại và thử lại."
        ) from None


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
    challenge = _latest(phone, purpose, draft_id)
    if challenge is None or challenge.used_at is not None:
        raise OtpError("none", "Chưa có mã nào đang chờ. Hãy bấm “Gửi mã” để nhận mã mới.")
    max_attempts = current_app.config["OTP_MAX_ATTEMPTS"]
    if challenge.attempts >= max_attempts:
        raise OtpError(
            "locked", "Bạn đã nhập sai quá nhiều lần. Hãy bấm “Gửi lại mã” để nhận mã mới."
        )
    if utcnow() > challenge.expires_at:
        raise OtpError("expired", "Mã đã hết hạn. Hãy bấm “Gửi lại mã” để nhận mã mới.")
    nonce, digest = challenge.code_hash.split("$", 1)
    if not hmac.compare_digest(digest, _digest(nonce, code)):
        challenge.attempts += 1
        db.session.commit()
        left = max_attempts - challenge.attempts
        if left <= 0:
            raise OtpError(
                "locked", "Mã không đúng và đã hết số lần thử. Hãy bấm “Gửi lại mã” để nhận mã mới."
            )
        raise OtpError("wrong", f"Mã xác nhận không đúng. Bạn còn {left} lần thử.")
    challenge.used_at = utcnow()
    if commit:
        db.session.commit()
