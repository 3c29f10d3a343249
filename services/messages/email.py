"""Sending email to citizens who gave an address, through a configurable backend.

Backends, chosen by ``MAIL_BACKEND``:

``console`` (default)
    Logs that a message would be sent (masked address, no body).
``file``
    Appends one JSON line per message to ``MAIL_OUTBOX_FILE``.
``smtp``
    Sends over SMTP with the standard library to ``SMTP_HOST``:``SMTP_PORT``,
    with STARTTLS when ``SMTP_STARTTLS=1`` and a login when ``SMTP_USERNAME``
    is set. Failures raise :class:`EmailError`, whose message holds no body,
    password or full address.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

from domain.clock import now_utc

LOGGER = logging.getLogger("lienthong.email")


class EmailError(Exception):
    """Sending failed; the message is safe to log."""


class EmailSender(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


def mask_email(address: str) -> str:
    """ "lan.nguyen@vidu.vn" -> "l***@vidu.vn"."""
    local, _, domain = (address or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def build_message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)  # UTF-8 plain text: Vietnamese keeps its tone marks
    return message


class ConsoleEmailSender:
    def send(self, to: str, subject: str, body: str) -> None:
        LOGGER.info(
            "Email to %s (%d characters) [console backend, not sent]", mask_email(to), len(body)
        )


class FileEmailSender:
    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)

    def send(self, to: str, subject: str, body: str) -> None:
        record = {"to": to, "subject": subject, "body": body, "at": now_utc().isoformat()}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise EmailError(f"could not write email for {mask_email(to)}") from exc


class SmtpEmailSender:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str = "",
        password: str = "",
        starttls: bool = False,
        timeout: float = 10,
    ):
        self.host, self.port, self.sender = host, port, sender
        self.username, self._password = username, password
        self.starttls, self.timeout = starttls, timeout

    def __repr__(self) -> str:  # keep the password out of reprs and tracebacks
        return f"SmtpEmailSender(host={self.host!r}, port={self.port!r})"

    def send(self, to: str, subject: str, body: str) -> None:
        message = build_message(self.sender, to, subject, body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self._password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise EmailError(
                f"SMTP {self.host}:{self.port} failed for {mask_email(to)}: {type(exc).__name__}"
            ) from exc


def sender_from_config(config: Mapping) -> EmailSender:
    backend = str(config.get("MAIL_BACKEND") or "console").strip().lower()
    if backend == "console":
        return ConsoleEmailSender()
    if backend == "file":
        return FileEmailSender(config["MAIL_OUTBOX_FILE"])
    if backend == "smtp":
        if not config.get("SMTP_HOST"):
            raise ValueError("MAIL_BACKEND is 'smtp' but SMTP_HOST is not set")
        return SmtpEmailSender(
            config["SMTP_HOST"],
            int(config.get("SMTP_PORT") or 25),
            config.get("MAIL_FROM") or "khong-tra-loi@localhost",
            username=config.get("SMTP_USERNAME") or "",
            password=config.get("SMTP_PASSWORD") or "",
            starttls=str(config.get("SMTP_STARTTLS", "0")) in ("1", "true", "True"),
            timeout=float(config.get("SMTP_TIMEOUT") or 10),
        )
    raise ValueError(f"unknown MAIL_BACKEND {backend!r}; use 'console', 'file' or 'smtp'")
