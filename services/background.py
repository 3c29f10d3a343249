"""What the app's own processes do between requests: send the citizens'
messages, and purge stale drafts once a day.

gunicorn.conf.py starts one BackgroundWorker per gunicorn worker, so the
embedded default (`make run`) needs no second program and no cron. Several
processes may each run one: a message is claimed before it is sent, and a
purge deletes only what is still there.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from services import notify, retention

LOGGER = logging.getLogger("lienthong.background")
DAY = 86400.0


class BackgroundWorker:
    """A daemon thread: the outbox on every commit that added messages (and
    every `poll` seconds, for retries); retention every `purge_every`
    seconds, first `first_purge_after` seconds after the start (None: never)."""

    def __init__(
        self,
        app: Flask,
        poll: float = 5.0,
        purge_every: float | None = DAY,
        first_purge_after: float = 60.0,
    ) -> None:
        self.app, self.poll, self.purge_every = app, poll, purge_every
        self._next_purge = time.monotonic() + first_purge_after if purge_every else None
        self._stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="background", daemon=True)

    def start(self) -> BackgroundWorker:
        self.thread.start()
        notify.WAKE.set()  # a first pass at once: what waited while the app was down
        return self

    def stop(self) -> None:
        self._stopping.set()
        notify.WAKE.set()
        self.thread.join(10)

    def _timeout(self) -> float:
        if self._next_purge is None:
            return self.poll
        return max(0.0, min(self.poll, self._next_purge - time.monotonic()))

    def _loop(self) -> None:
        while not self._stopping.is_set():
            notify.WAKE.wait(self._timeout())
            notify.WAKE.clear()
            if self._stopping.is_set():
                return
            try:
                with self.app.app_context():
                    notify.run_once(self.app)
                    if self._next_purge is not None and time.monotonic() >= self._next_purge:
                        self._next_purge = time.monotonic() + self.purge_every
                        self._purge()
            except Exception:  # a database hiccup: the next pass tries again
                LOGGER.exception("Background pass failed")
                self._stopping.wait(self.poll)

    def _purge(self) -> None:
        days = self.app.config["DRAFT_RETENTION_DAYS"]
        report = retention.purge(days)
        if report.drafts or report.uploads or report.files:
            LOGGER.info(
                "Purged %s draft(s), %s upload row(s), %s file(s) older than %s days",
                report.drafts, report.uploads, report.files, days,
            )  # fmt: skip
