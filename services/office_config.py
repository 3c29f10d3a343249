"""Settings of the office side, read from the environment with safe defaults.

Applied when the office blueprint is registered; values already in the app's
config (a test's, for instance) win over the environment.
"""

from __future__ import annotations

import os

from flask import Flask

from config import INSTANCE_DIR
from services import email


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def defaults() -> dict:
    return {
        # The public address printed in QR codes and messages, e.g.
        # "https://dichvucong.example.vn"; empty: the address of the request.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
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
    }


def init_app(app: Flask) -> None:
    for key, value in defaults().items():
        app.config.setdefault(key, value)
    app.extensions.setdefault("email_sender", email.sender_from_config(app.config))
