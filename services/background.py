"""What the app's own processes do between requests: send the citizens'
messages, purge stale drafts once a day, and sweep photo files that no row
names (every UPLOAD_SWEEP_SECONDS).

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

from services.dossiers import retention
from services.messages import notify

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
        # Orphan photo files: far more often than the purge, so that a crash's
        # leftovers are gone within the hour; the first sweep with the first purge.
        self.sweep_every = float(app.config["UPLOAD_SWEEP_SECONDS"])
        self._next_sweep = time.monotonic() + first_purge_after
        # Woken by a commit, the worker lets the next ones come first: a pass
        # claims and records its messages in one write each, so receipts
        # gathered a fifth of a second cost one pass, not one each
        # (`make bench`: the submits' p50 with the thread on).
        self.gather = float(app.config["NOTIFY_GATHER_SECONDS"])
        self._stopping = threading.Event()
        self.passes = 0  # finished passes, however they ended
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
        due = [t for t in (self._next_purge, self._next_sweep) if t is not None]
        return max(0.0, min([self.poll, *(t - time.monotonic() for t in due)]))

    def _loop(self) -> None:
        while not self._stopping.is_set():
            if notify.WAKE.wait(self._timeout()) and self.gather:
                self._stopping.wait(self.gather)
            notify.WAKE.clear()
            if self._stopping.is_set():
                return
            try:
                with self.app.app_context():
                    notify.run_once(self.app)
                    if self._next_purge is not None and time.monotonic() >= self._next_purge:
                        self._next_purge = time.monotonic() + self.purge_every
                        self._purge()
                    if time.monotonic() >= self._next_sweep:
                        self._next_sweep = time.monotonic() + self.sweep_every
                        self._sweep()
            except Exception:  # a database hiccup: the next pass tries again
                LOGGER.exception("Background pass failed")
                self._stopping.wait(self.poll)
            self.passes += 1

    def _purge(self) -> None:
        days = self.app.config["DRAFT_RETENTION_DAYS"]
        report = retention.purge(days)
        if report.drafts or report.uploads or report.files:
            LOGGER.info(
                "Purged %s draft(s), %s upload row(s), %s file(s) older than %s days",
                report.drafts, report.uploads, report.files, days,
            )  # fmt: skip

    def _sweep(self) -> None:
        files, freed = retention.sweep_orphans(self.app.config["UPLOAD_ORPHAN_SECONDS"])
        if files:
            LOGGER.info("Swept %s photo file(s) no row names (%s bytes)", files, freed)
