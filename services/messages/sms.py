"""Sending SMS (one-time codes, appointment notices) through a configurable backend.

Every backend implements :class:`SmsSender`::

    sender = sender_from_config(app.config)
    sender.send("+84912345678", "Mã xác nhận của bạn là 123456", reference="a1b2...")

``reference`` is the message's stable id (services.messages.notify gives every
message one and sends it at every attempt): a gateway that honours it delivers a
retried message once.

Backends, chosen by ``SMS_BACKEND``:

``console`` (default, development only)
    Logs that a message was sent, with the phone number masked. The body is *not* logged
    because it usually contains a one-time code. A local developer who needs the code can
    set ``SMS_CONSOLE_REVEAL = True`` (``reveal_body=True``); then the body is logged at
    INFO. Never enable that outside a developer's machine.
``file``
    Appends one JSON line per message to ``SMS_OUTBOX_FILE`` (see :func:`read_outbox`).
    Useful for tests, staging and local development.
``http``
    POSTs ``{"to": ..., "message": ..., "reference": ...}`` as JSON to ``SMS_HTTP_URL``
    with ``Authorization: Bearer <SMS_HTTP_API_KEY>`` and the reference also as
    ``Idempotency-Key``; ``SMS_HTTP_TIMEOUT`` seconds (default 10).

Failures raise :class:`SmsError`; :class:`SmsUnknown` (a subclass) when the gateway may
have the message all the same (it timed out): retry it with the same reference.
Error messages and log lines never contain the message
body, the API key or the full phone number (only :func:`mask_phone`).
"""

from __future__ import annotations

import fcntl
import http.client
import json
import logging
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol, runtime_checkable

from domain.clock import now_utc

__all__ = [
    "ConsoleSender",
    "FileSender",
    "HttpSender",
    "SmsError",
    "SmsRefused",
    "SmsSender",
    "SmsUnknown",
    "mask_phone",
    "read_outbox",
    "sender_from_config",
]

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")

DEFAULT_LOGGER_NAME = "lienthong.sms"


class SmsError(Exception):
    """Sending an SMS failed. The message holds no body, key or full phone number.

    ``permanent``: the gateway refused this message (a 4xx): the same again fails too.
    """

    permanent = False


class SmsUnknown(SmsError):
    """No answer in time: the gateway may have accepted the message or not."""


class SmsRefused(SmsError):
    """The gateway refused the message itself (bad number, bad request)."""

    permanent = True


@runtime_checkable
class SmsSender(Protocol):
    def send(self, to: str, body: str, reference: str | None = None) -> None:
        """Send ``body`` to ``to`` (E.164, e.g. ``"+84912345678"``); raise SmsError on failure."""
        ...


def mask_phone(phone: str) -> str:
    """Return a phone number safe for logs: ``"+84912345678"`` -> ``"+8491****678"``."""
    phone = str(phone)
    if len(phone) >= 10:
        return f"{phone[:5]}****{phone[-3:]}"
    if len(phone) >= 6:
        return f"{phone[:2]}****{phone[-2:]}"
    return "****"


def _check_message(to: str, body: str) -> None:
    if not isinstance(to, str) or not _E164.fullmatch(to):
        raise SmsError(
            f"recipient {mask_phone(str(to))} is not an E.164 phone number like +84912345678"
        )
    if not isinstance(body, str) or not body:
        raise SmsError(f"empty SMS body for {mask_phone(to)}")


class ConsoleSender:
    """Development backend: logs the (masked) recipient, not the body.

    ``reveal_body=True`` additionally logs the body at INFO so a developer can read the
    one-time code. It is meant only for a developer's machine: bodies hold secrets.
    """

    def __init__(self, logger: logging.Logger | None = None, *, reveal_body: bool = False):
        self.logger = logger or logging.getLogger(DEFAULT_LOGGER_NAME)
        self.reveal_body = reveal_body

    def send(self, to: str, body: str, reference: str | None = None) -> None:
        _check_message(to, body)
        masked = mask_phone(to)
        self.logger.info("SMS to %s (%d characters) [console backend, not sent]", masked, len(body))
        if self.reveal_body:
            self.logger.info("SMS body for %s (SMS_CONSOLE_REVEAL is on): %s", masked, body)


class FileSender:
    """Appends one JSON line ``{"to", "body", "at"}`` per message to ``path``
    (and ``"reference"`` when the message has one).

    Safe with concurrent writers in threads and processes: each message is written with a
    single ``write`` on a file opened in append mode while holding an exclusive ``flock``.
    The file is created with mode 0600 because bodies contain one-time codes.
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)

    def send(self, to: str, body: str, reference: str | None = None) -> None:
        _check_message(to, body)
        record = {"to": to, "body": body, "at": now_utc().isoformat()}
        if reference:
            record["reference"] = reference
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    written = os.write(fd, line)
                    # A regular file practically never takes a short write; if it does,
                    # finish the line while still holding the lock.
                    while written < len(line):
                        written += os.write(fd, line[written:])
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
        except OSError as exc:
            raise SmsError(
                f"could not write SMS for {mask_phone(to)} to outbox file: {exc.strerror}"
            ) from exc


def read_outbox(path: str | os.PathLike[str]) -> list[dict]:
    """Return the messages written by :class:`FileSender`, oldest first ([] if no file)."""
    try:
        with open(path, encoding="utf-8") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH)
            try:
                text = fh.read()
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not success: urllib would turn the POST into a GET without body."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class HttpSender:
    """POSTs ``{"to", "message", "reference"}`` to an SMS gateway, standard library only.

    A non-2xx answer or a network error raises :class:`SmsError` (:class:`SmsRefused`
    for a 4xx). A connection error or a 5xx answer is retried once at once (after
    ``retry_delay`` seconds), with the same reference. A timeout raises
    :class:`SmsUnknown` and is not retried here: the gateway may have the message, so
    the outbox records it as unknown and sends it again later with the same reference,
    which a gateway that honours client references delivers once.
    """

    def __init__(
        self,
        url: str,
        api_key: str,
        timeout: float = 10,
        *,
        retry_delay: float = 0.5,
    ):
        if not url.lower().startswith(("http://", "https://")):
            raise ValueError("SMS HTTP URL must start with http:// or https://")
        if not api_key:
            raise ValueError("SMS HTTP API key must not be empty")
        if timeout <= 0:
            raise ValueError("SMS HTTP timeout must be a positive number of seconds")
        self.url = url
        self._api_key = api_key
        self.timeout = timeout
        self.retry_delay = retry_delay
        self._opener = urllib.request.build_opener(_NoRedirect)

    def __repr__(self) -> str:  # keep the API key out of reprs and tracebacks
        return f"HttpSender(url={self.url!r}, timeout={self.timeout!r})"

    def send(self, to: str, body: str, reference: str | None = None) -> None:
        _check_message(to, body)
        masked = mask_phone(to)
        message = {"to": to, "message": body}
        headers = {
            "Authorization": f"Bearer {self._api_key}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        if reference:
            message["reference"] = reference
            headers["Idempotency-Key"] = reference
        payload = json.dumps(message, ensure_ascii=False).encode("utf-8")
        for attempt in (1, 2):
            retry = attempt == 1
            request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
                self.url,
                data=payload,
                method="POST",
                headers=headers,
            )
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
                exc.close()
            except TimeoutError as exc:
                raise SmsUnknown(f"SMS gateway timed out sending to {masked}") from exc
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, TimeoutError):
                    raise SmsUnknown(f"SMS gateway timed out sending to {masked}") from exc
                if retry:
                    time.sleep(self.retry_delay)
                    continue
                raise SmsError(
                    f"could not reach SMS gateway sending to {masked}: {_reason(exc)}"
                ) from exc
            except (OSError, http.client.HTTPException) as exc:
                # Connection reset/refused, gateway closed the connection, bad status line.
                if retry:
                    time.sleep(self.retry_delay)
                    continue
                raise SmsError(
                    f"connection to SMS gateway failed sending to {masked}: {type(exc).__name__}"
                ) from exc

            if 200 <= status < 300:
                return
            if status >= 500 and retry:
                time.sleep(self.retry_delay)
                continue
            error = SmsRefused if 400 <= status < 500 else SmsError
            raise error(f"SMS gateway answered HTTP {status} sending to {masked}")
        raise AssertionError("unreachable")  # pragma: no cover


def _reason(exc: urllib.error.URLError) -> str:
    reason = exc.reason
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return type(reason).__name__ if isinstance(reason, BaseException) else str(reason)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _flag(config: Mapping, key: str) -> bool:
    value = config.get(key, False)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{key} must be true or false, got {value!r}")


def sender_from_config(config: Mapping) -> SmsSender:
    """Build the sender selected by ``config["SMS_BACKEND"]`` (see the module docstring).

    Raises ValueError with an explanation when the configuration is incomplete or invalid.
    """
    backend = str(config.get("SMS_BACKEND") or "console").strip().lower()
    if backend == "console":
        return ConsoleSender(
            logging.getLogger(DEFAULT_LOGGER_NAME),
            reveal_body=_flag(config, "SMS_CONSOLE_REVEAL"),
        )
    if backend == "file":
        path = config.get("SMS_OUTBOX_FILE")
        if not path:
            raise ValueError(
                "SMS_BACKEND is 'file' but SMS_OUTBOX_FILE is not set; "
                "set it to the path of the outbox file, e.g. instance/sms-outbox.jsonl"
            )
        return FileSender(path)
    if backend == "http":
        url = config.get("SMS_HTTP_URL")
        key = config.get("SMS_HTTP_API_KEY")
        missing = [
            name for name, value in (("SMS_HTTP_URL", url), ("SMS_HTTP_API_KEY", key)) if not value
        ]
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            raise ValueError(f"SMS_BACKEND is 'http' but {' and '.join(missing)} {verb} not set")
        raw_timeout = config.get("SMS_HTTP_TIMEOUT", 10)
        try:
            timeout = float(raw_timeout if raw_timeout not in (None, "") else 10)
        except (TypeError, ValueError):
            raise ValueError(
                f"SMS_HTTP_TIMEOUT must be a number of seconds, got {raw_timeout!r}"
            ) from None
        if timeout <= 0:
            raise ValueError(f"SMS_HTTP_TIMEOUT must be greater than 0, got {raw_timeout!r}")
        if not str(url).lower().startswith(("http://", "https://")):
            raise ValueError("SMS_HTTP_URL must start with http:// or https://")
        return HttpSender(str(url), str(key), timeout)
    raise ValueError(
        f"unknown SMS_BACKEND {backend!r}; use 'console' (development), 'file' or 'http'"
    )
