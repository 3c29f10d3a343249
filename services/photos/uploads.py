"""The one way in for a citizen's photo, for a draft and for a supplement alike.

A photo is decoded and re-encoded with no database transaction open: a 170 KB
PNG of 40 MP takes seconds to decode, and inside the write transaction it held
every other citizen's draft save behind it (SQLite lets one writer in at a
time). So :func:`take_photo` checks in a first transaction (cheap refusals need
no decode), ends it, decodes a few photos at a time per process (each holds
up to a few hundred MB of pixels), writes the file, and only then opens the
writing transaction that checks again and adds the row.

Nothing is left behind by a refusal or a failure: the file is removed unless
its row committed; a process killed in between leaves a file that the hourly
sweep removes (services/dossiers/retention.py).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import current_app

from extensions import db
from models import Upload
from services.photos import decode_pool, storage
from services.photos.images import SanitizedImage, sanitize_image

RETRY_AFTER_SECONDS = 10


class DecoderBusy(Exception):
    """No decode slot came free in time, or too many photos already wait for one."""


class DecodeSlots:
    """At most `size` photos decoded at once by this process and `queue` more
    waiting, each for at most `wait` s; any other is refused at once.

    Each of them holds one of the worker's few request threads while it waits
    for its child (services/photos/decode_pool.py): unbounded, fifty citizens
    sending photos took every thread, and a status lookup queued behind them
    for seconds. A refused photo stays on the phone, which sends it again
    after the Retry-After."""

    def __init__(self, size: int, wait: float, queue: int = 1) -> None:
        self.size, self.wait, self.queue = max(1, size), wait, max(0, queue)
        self._free = threading.BoundedSemaphore(self.size)
        self._lock = threading.Lock()
        self.in_use = self.waiting = 0

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._free.acquire(blocking=False):
            with self._lock:
                if self.waiting >= self.queue:
                    raise DecoderBusy()
                self.waiting += 1
            try:
                if not self._free.acquire(timeout=self.wait):
                    raise DecoderBusy()
            finally:
                with self._lock:
                    self.waiting -= 1
        with self._lock:
            self.in_use += 1
        try:
            yield
        finally:
            with self._lock:
                self.in_use -= 1
            self._free.release()


_SLOTS_LOCK = threading.Lock()


def decode_slots(app=None) -> DecodeSlots:
    app = app or current_app._get_current_object()
    with _SLOTS_LOCK:
        slots = app.extensions.get("image_decode_slots")
        if slots is None:
            config = app.config
            slots = app.extensions["image_decode_slots"] = DecodeSlots(
                config["IMAGE_DECODE_CONCURRENCY"],
                config["IMAGE_DECODE_WAIT_SECONDS"],
                config["IMAGE_DECODE_QUEUE"],
            )
        return slots


def decode(data: bytes, config) -> SanitizedImage:
    """The photo re-encoded by a child process (ImageRejected otherwise),
    outside any transaction. DecoderBusy: no turn came; DecoderLost: the
    child died."""
    if db.session().in_transaction():
        # A programming error, caught by every test that uploads: decoding here
        # would hold the transaction (and SQLite's write lock) for seconds.
        raise RuntimeError("a photo is decoded with a database transaction open")
    with decode_slots().slot():
        return decode_pool.run(
            sanitize_image,
            data,
            max_bytes=config["MAX_UPLOAD_BYTES"],
            max_pixels=config["MAX_IMAGE_PIXELS"],
            size=config["IMAGE_DECODE_CONCURRENCY"],
        )


class _Stored:
    def __init__(self, key: str) -> None:
        self.key, self.kept = key, False


@contextmanager
def stored(data: bytes) -> Iterator[_Stored]:
    """The file written (StorageFull when the disk is full); removed again on
    leaving unless `.kept` was set once its row committed."""
    file = _Stored(storage.save(data))
    try:
        yield file
    finally:
        if not file.kept:
            storage.delete(file.key)


def photo_row(image: SanitizedImage, key: str, **where) -> Upload:
    """The Upload row of a cleaned photo stored under `key` (added, not committed);
    `where` says whose and where it goes (draft or dossier, paper, position)."""
    upload = Upload(
        id=str(uuid.uuid4()),
        storage_key=key,
        mime=image.mime,
        size=len(image.data),
        width=image.width,
        height=image.height,
        sha256=image.sha256,
        **where,
    )
    db.session.add(upload)
    return upload


def take_photo(
    read: Callable[[], bytes],
    check: Callable[[bool], Upload | None],
    insert: Callable[[SanitizedImage, str], Upload],
) -> tuple[Upload, bool]:
    """(upload, created). `read()` gives the photo's bytes (or raises).

    `check(locked)` raises for a photo the place refuses, or returns the upload
    already stored under the same client id (a retry), else None; it runs
    twice: before the decode, and again in the writing transaction with the
    owning row locked (`locked` True), since another request may have stored
    the same photo, or filled the pages, meanwhile. `insert(image, key)` adds
    the row (not committed).
    """
    existing = check(False)
    if existing is not None:
        return existing, False
    data = read()
    db.session.commit()  # ends the transaction the sign-in and the checks opened
    image = decode(data, current_app.config)
    with stored(image.data) as file:
        existing = check(True)
        if existing is not None:
            return existing, False
        upload = insert(image, file.key)
        db.session.commit()
        file.kept = True
    return upload, True
