"""Sign-in and confirmation codes leave through the outbox, on a lane of their own.

A gateway that takes 5 s to answer held a request worker for those 5 s: a
handful of citizens asking for codes at once took every worker of the
process, and the status lookups of everybody else waited behind them
(`make bench-codes`). Now the request commits the code and its SMS as one
outbox row (services.messages.notify: priority 0, a deadline of
SMS_CODE_DEADLINE_SECONDS, a reference of its own) and hands the row's id to
this sender; it waits for the gateway at most SMS_CODE_WAIT_SECONDS (0 by
default: not at all), and the code page says "Đang gửi mã…" until the row is
sent.

The row is written already claimed by this process (for SMS_CODE_LEASE_SECONDS),
and its sender keeps what it needs in memory: a code costs the database the
write that creates it and the one that marks it sent, nothing more. On SQLite
every transaction outside a request takes the write lock, so a claim and a
read per code, and the background worker woken to race for it, made 8
sign-ins a second queue the status lookups behind them (`make bench-codes`).

Bounded: SMS_CODE_SENDERS threads per process send at once and SMS_CODE_QUEUE
more rows may wait for one. Past that nothing is lost: the row stays in the
outbox, where the background worker (or another process's) takes codes before
any other message. A row is claimed before it is sent, so two senders never
both send it; a retry after a timeout carries the same reference.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask

from extensions import db
from services.messages import notify

LOGGER = logging.getLogger("lienthong.sms")


class CodeSender:
    def __init__(self, app: Flask, threads: int, queue: int) -> None:
        self.app = app
        self._pool = ThreadPoolExecutor(max(1, threads), thread_name_prefix="sms-code")
        self._slots = threading.BoundedSemaphore(max(1, threads) + max(0, queue))

    def reserve(self) -> bool:
        """A place for one more code; False when every one is taken (then the
        row is left unclaimed for the outbox worker)."""
        if self._slots.acquire(blocking=False):
            return True
        LOGGER.warning("SMS code senders busy: a code waits for the outbox worker")
        notify.WAKE.set()
        return False

    def release(self) -> None:
        self._slots.release()

    def hand_over(self, message: notify.Claimed) -> Future:
        """Send a row this process claimed when it wrote it (a reserved place);
        the future ends once this attempt has."""
        try:
            return self._pool.submit(self._deliver, message)
        except BaseException:
            self._slots.release()
            raise

    def close(self) -> None:
        """Wait for the codes already handed over, then stop the threads."""
        self._pool.shutdown(wait=True)

    def _deliver(self, message: notify.Claimed) -> None:
        try:
            with self.app.app_context():
                notify.send_claimed(self.app, message)
                db.session.remove()
        except Exception:  # the claim expires: the outbox worker tries again
            LOGGER.exception("Sending a code failed before the gateway answered")
        finally:
            self._slots.release()


_LOCK = threading.Lock()


def code_sender(app: Flask) -> CodeSender:
    """This process's sender for `app`, started on first use (so in each
    gunicorn worker, after the fork)."""
    sender = app.extensions.get("code_sender")
    if sender is None:
        with _LOCK:
            sender = app.extensions.get("code_sender")
            if sender is None:
                sender = CodeSender(
                    app, app.config["SMS_CODE_SENDERS"], app.config["SMS_CODE_QUEUE"]
                )
                app.extensions["code_sender"] = sender
    return sender
