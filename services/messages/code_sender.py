"""Sign-in and confirmation codes go to the SMS gateway from a few threads of
their own, not from the request that asked for them.

A gateway that takes 5 s to answer held a request worker for those 5 s: a
handful of citizens asking for codes at once took every worker of the
process, and the status lookups of everybody else waited behind them
(`make bench`, the slow-gateway row). Now the request hands the SMS to this
sender and waits for the answer at most SMS_CODE_WAIT_SECONDS: a gateway that
answers (or fails) within that time gives the page the same truth as before;
a slower one no longer holds the worker, and the code is on its way.

Bounded on both sides: SMS_CODE_SENDERS threads per process send at once,
and at most SMS_CODE_QUEUE more codes wait for one; past that the citizen is
told to try again in a minute, and nothing was sent. A code whose SMS failed
after its request had gone has its row deleted (as a failed code always
was: it does not count against the phone's hourly codes), so that entering
it says that no code is waiting, and "Gửi lại mã" works at once.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask
from sqlalchemy import delete

from domain.phones import mask_phone
from extensions import db
from models import OtpChallenge
from services.messages.sms import SmsError

LOGGER = logging.getLogger("lienthong.sms")


class SenderBusy(Exception):
    """Every sender thread is busy and the queue is full: nothing was sent."""


class CodeSender:
    def __init__(self, app: Flask, threads: int, queue: int) -> None:
        self.app = app
        self._pool = ThreadPoolExecutor(max(1, threads), thread_name_prefix="sms-code")
        self._slots = threading.BoundedSemaphore(max(1, threads) + max(0, queue))

    def send(self, phone: str, body: str, challenge_id: int) -> Future:
        """Start sending; the future's result is True once sent, False if it failed."""
        if not self._slots.acquire(blocking=False):
            raise SenderBusy
        try:
            return self._pool.submit(self._deliver, phone, body, challenge_id)
        except BaseException:
            self._slots.release()
            raise

    def close(self) -> None:
        """Wait for the codes already handed over, then stop the threads."""
        self._pool.shutdown(wait=True)

    def _deliver(self, phone: str, body: str, challenge_id: int) -> bool:
        try:
            # Looked up at each send: tests and the console swap the backend.
            self.app.extensions["sms_sender"].send(phone, body)
            return True
        except Exception as error:  # any backend failure: the code did not leave
            reason = str(error) if isinstance(error, SmsError) else type(error).__name__
            LOGGER.warning("SMS to %s failed: %s", mask_phone(phone), reason)
            self._forget(challenge_id)
            return False
        finally:
            self._slots.release()

    def _forget(self, challenge_id: int) -> None:
        try:
            with self.app.app_context():
                db.session.execute(
                    delete(OtpChallenge).where(
                        OtpChallenge.id == challenge_id, OtpChallenge.used_at.is_(None)
                    )
                )
                db.session.commit()
        except Exception:  # the code then simply expires unused
            LOGGER.exception("Could not delete the code whose SMS failed")


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
