"""Settings of the office side, read from the environment with safe defaults.

Applied when the office blueprint is registered; values already in the app's
config (a test's, for instance) win over the environment.
"""

from __future__ import annotations

import os

from flask import Flask

from config import INSTANCE_DIR
from domain import legal_clock
from services.messages import email


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def defaults() -> dict:
    return {
        # The public address printed in QR codes and messages, e.g.
        # "https://dichvucong.example.vn"; empty: the address of the request.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").strip(),
        # Without PUBLIC_BASE_URL, the hosts (name, or name:port; comma-separated)
        # whose request address may be printed in links; any other Host header
        # is a client's invention. Default: this machine's own names, any port.
        "ALLOWED_HOSTS": [
            h.strip()
            for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,::1").split(",")
            if h.strip()
        ],
        # "production" makes PUBLIC_BASE_URL (or ALLOWED_HOSTS set) mandatory at start.
        "APP_ENV": os.environ.get("APP_ENV", "development").strip().lower(),
        "POSTER_FONT_DIR": os.environ.get("POSTER_FONT_DIR", "/usr/share/fonts/truetype/dejavu"),
        # Officers sign in again after this many minutes without a request,
        # and after this many hours in all (NIST SP 800-63B, AAL2).
        "OFFICER_IDLE_MINUTES": _int("OFFICER_IDLE_MINUTES", 30),
        "OFFICER_SESSION_HOURS": _int("OFFICER_SESSION_HOURS", 12),
        # Failed sign-ins allowed per username before a pause (Flask-Limiter syntax).
        "OFFICER_SIGN_IN_LIMIT": os.environ.get("OFFICER_SIGN_IN_LIMIT", "10 per 15 minutes"),
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "console"),
        "MAIL_OUTBOX_FILE": os.environ.get(
            "MAIL_OUTBOX_FILE", str(INSTANCE_DIR / "mail-outbox.jsonl")
        ),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "khong-tra-loi@dichvucong.local"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": _int("SMTP_PORT", 25),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": os.environ.get("SMTP_STARTTLS", "0"),
        "SMTP_TIMEOUT": _int("SMTP_TIMEOUT", 10),
        "NOTIFY_BACKOFF_SECONDS": _int("NOTIFY_BACKOFF_SECONDS", 30),
        "NOTIFY_BACKOFF_MAX_SECONDS": _int("NOTIFY_BACKOFF_MAX_SECONDS", 3600),
        "NOTIFY_MAX_ATTEMPTS": _int("NOTIFY_MAX_ATTEMPTS", 20),
        "NOTIFY_LEASE_SECONDS": _int("NOTIFY_LEASE_SECONDS", 300),
        # The legal clock (domain.legal_clock.RULES names the rule behind each default).
        "ACKNOWLEDGE_WORKING_HOURS": _int(
            "ACKNOWLEDGE_WORKING_HOURS", legal_clock.RULES["acknowledge_working_hours"]["value"]
        ),
        "SUPPLEMENT_WORKING_DAYS": _int(
            "SUPPLEMENT_WORKING_DAYS", legal_clock.RULES["supplement_working_days"]["value"]
        ),
        "OFFICE_WORKING_HOURS": legal_clock.parse_hours(
            os.environ.get("OFFICE_WORKING_HOURS", "07:30-11:30,13:00-17:00")
        ),
    }


def check_public_address(config) -> None:
    """Refuse to start in production without a known public address: links in
    SMS would otherwise follow a Host header anyone can forge, or be relative."""
    if config.get("APP_ENV") != "production" or config.get("PUBLIC_BASE_URL"):
        return
    if os.environ.get("ALLOWED_HOSTS", "").strip():
        return
    raise RuntimeError(
        "APP_ENV=production cần PUBLIC_BASE_URL (ví dụ https://dichvucong.example.vn) "
        "hoặc ALLOWED_HOSTS (các tên miền của trang, cách nhau bằng dấu phẩy): liên kết "
        "trong tin nhắn gửi công dân được tạo từ đó. / Set PUBLIC_BASE_URL (or ALLOWED_HOSTS) "
        "in production: links in citizens' SMS are built from it."
    )


def init_app(app: Flask) -> None:
    for key, value in defaults().items():
        app.config.setdefault(key, value)
    check_public_address(app.config)
    app.extensions.setdefault("email_sender", email.sender_from_config(app.config))
