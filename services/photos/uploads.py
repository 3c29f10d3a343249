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
from services.photos import storage
from services.photos.images import SanitizedImage, sanitize_image

RETRY_AFTER_SECONDS = 10


class DecoderBusy(Exception):
    """Every decode slot stayed taken for IMAGE_DECODE_WAIT_SECONDS."""


class DecodeSlots:
    """At most `size` decodes at once in this process; a waiter gives up after `wait` s."""

    def __init__(self, size: int, wait: float) -> None:
        self.size, self.wait = max(1, size), wait
        self._free = threading.BoundedSemaphore(self.size)
        self._lock = threading.Lock()
        self.in_use = 0

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._free.acquire(timeout=self.wait):
            raise DecoderBusy()
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
            slots = app.extensions["image_decode_slots"] = DecodeSlots(
                app.config["IMAGE_DECODE_CONCURRENCY"], app.config["IMAGE_DECODE_WAIT_SECONDS"]
            )
        return slots


def decode(data: bytes, config) -> SanitizedImage:
    """The photo re-encoded (ImageRejected otherwise), outside any transaction."""
    if db.session().in_transaction():
        # A programming error, caught by every test that uploads: decoding here
        # would hold the transaction (and SQLite's write lock) for seconds.
        raise RuntimeError("a photo is decoded with a database transaction open")
    with decode_slots().slot():
        return sanitize_image(
            data, max_bytes=config["MAX_UPLOAD_BYTES"], max_pixels=config["MAX_IMAGE_PIXELS"]
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
