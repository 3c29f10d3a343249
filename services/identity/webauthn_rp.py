"""The relying party's side of WebAuthn: where passkeys belong (RP ID and
origins), the challenges handed out, and the first reading of an answer.

Challenges are rows, not session values, so several tabs can each hold one.
Each is random, single use, WEBAUTHN_CHALLENGE_SECONDS long, and bound to
what it may unlock: an account, a draft, or the anonymous browser that asked
(a hash of a random value in that browser's session).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, request, session
from sqlalchemy import delete, select, update
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, parse_client_data_json
from webauthn.helpers.structs import CollectedClientData

from extensions import db
from models import WebAuthnChallenge
from models.base import utcnow

MSG_MALFORMED = (
    "Dữ liệu từ khóa đăng nhập bị lỗi. Hãy thử lại; nếu vẫn không được, hãy dùng mã SMS."
)
MSG_CHALLENGE = (
    "Yêu cầu xác nhận này không còn dùng được (đã dùng rồi hoặc quá {minutes} phút). "
    "Hãy bấm lại nút để thử lần nữa."
)
MSG_ORIGIN = (
    "Khóa đăng nhập không dành cho địa chỉ trang này. Hãy mở đúng địa chỉ của Dịch vụ công "
    "liên thông rồi thử lại."
)
MSG_UNKNOWN = (
    "Khóa đăng nhập này không còn dùng được (có thể đã bị xóa). Hãy đăng nhập bằng mã SMS, "
    "rồi tạo khóa mới trong mục “Khóa đăng nhập”."
)
MSG_NOT_VERIFIED = (
    "Cần mở khóa bằng vân tay, khuôn mặt hoặc mã khóa màn hình của điện thoại. Hãy thử lại."
)
MSG_INVALID = "Không xác minh được khóa đăng nhập. Hãy thử lại, hoặc dùng mã SMS."
MSG_CLONED = (
    "Khóa đăng nhập này bị từ chối vì có dấu hiệu bị sao chép. Hãy đăng nhập bằng mã SMS, "
    "xóa khóa này trong mục “Khóa đăng nhập” và tạo khóa mới."
)
MSG_UNAVAILABLE = (
    "Khóa đăng nhập chỉ dùng được khi mở trang bằng tên miền (ví dụ http://localhost:5000), "
    "không dùng được với địa chỉ IP. Hãy dùng mã SMS."
)
MSG_DUPLICATE = "Khóa đăng nhập này đã được thêm vào tài khoản rồi."


@dataclass
class PasskeyError(Exception):
    code: str
    message: str
    status: int = 400


# ---- where passkeys belong: RP ID and origins ------------------------------
def rp_id() -> str:
    """The configured RP ID, or (development) the host the page was opened with."""
    return current_app.config.get("WEBAUTHN_RP_ID") or (urlsplit(request.host_url).hostname or "")


def origins() -> list[str]:
    config = current_app.config
    if config.get("WEBAUTHN_ORIGINS"):
        return list(config["WEBAUTHN_ORIGINS"])
    if config.get("WEBAUTHN_RP_ID"):
        return [f"https://{config['WEBAUTHN_RP_ID']}"]
    return [request.host_url.rstrip("/")]


def available() -> bool:
    """Browsers refuse an IP address as RP ID: there passkeys cannot work."""
    host = rp_id()
    if not host:
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return True
    return False


def require_available() -> None:
    if not available():
        raise PasskeyError("passkey_unavailable", MSG_UNAVAILABLE, 409)


# ---- challenges ---------------------------------------------------------------
def ttl() -> int:
    return int(current_app.config["WEBAUTHN_CHALLENGE_SECONDS"])


def browser_key() -> str:
    token = session.get("webauthn_browser")
    if not token:
        token = session["webauthn_browser"] = secrets.token_urlsafe(16)
    return hashlib.sha256(token.encode()).hexdigest()


def new_challenge(purpose: str, **binding) -> bytes:
    now = utcnow()
    # Old challenges are of no use to anyone: sweep them as new ones are made.
    db.session.execute(
        delete(WebAuthnChallenge).where(WebAuthnChallenge.expires_at < now - timedelta(hours=1))
    )
    value = secrets.token_bytes(32)
    db.session.add(
        WebAuthnChallenge(
            challenge=bytes_to_base64url(value),
            purpose=purpose,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl()),
            **binding,
        )
    )
    db.session.commit()
    return value


def challenge_error() -> PasskeyError:
    return PasskeyError("passkey_challenge", MSG_CHALLENGE.format(minutes=max(1, ttl() // 60)))


def spend(client_data: CollectedClientData, purpose: str, **binding) -> None:
    """Mark the challenge used, in the caller's transaction; refuse a stranger's,
    a spent or an expired one."""
    row = db.session.scalars(
        select(WebAuthnChallenge).where(
            WebAuthnChallenge.challenge == bytes_to_base64url(client_data.challenge)
        )
    ).first()
    if row is None or row.purpose != purpose:
        raise challenge_error()
    for key, value in binding.items():
        if getattr(row, key) != value:
            raise challenge_error()
    now = utcnow()
    spent = db.session.execute(
        update(WebAuthnChallenge)
        .where(WebAuthnChallenge.id == row.id, WebAuthnChallenge.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if spent != 1:
        current_app.logger.info("Passkey answer refused: challenge %s already used", row.id)
        raise PasskeyError(
            "passkey_replayed",
            "Yêu cầu xác nhận này đã được dùng rồi. Hãy bấm lại nút để thử lần nữa.",
        )
    if now > row.expires_at:
        raise challenge_error()


# ---- reading the browser's answer ---------------------------------------------------
def read_client_data(credential: dict, expected_type: str) -> CollectedClientData:
    try:
        raw = base64url_to_bytes(credential["response"]["clientDataJSON"])
        client_data = parse_client_data_json(raw)
    except Exception:  # anything unreadable gets the same answer
        raise PasskeyError("passkey_malformed", MSG_MALFORMED) from None
    if client_data.type != expected_type or not client_data.challenge:
        raise PasskeyError("passkey_malformed", MSG_MALFORMED)
    return client_data


def check_place(client_data: CollectedClientData, rp_id_hash: bytes) -> None:
    """The answer was made on one of our pages, for our RP ID, not in a frame."""
    if client_data.origin not in origins() or client_data.cross_origin:
        current_app.logger.info("Passkey answer refused: unexpected origin")
        raise PasskeyError("passkey_origin", MSG_ORIGIN)
    if not hmac.compare_digest(rp_id_hash, hashlib.sha256(rp_id().encode()).digest()):
        current_app.logger.info("Passkey answer refused: unexpected RP ID")
        raise PasskeyError("passkey_origin", MSG_ORIGIN)


def settle(work):
    """Run a verification; on refusal keep the spent challenge and nothing else."""
    try:
        return work()
    except PasskeyError:
        db.session.commit()
        raise
