"""Uploaded pages live under UPLOAD_DIR, outside the web root, by random key."""

import errno
import os
import secrets
from pathlib import Path

from flask import Response, current_app


def _path(key: str) -> Path:
    if not key.isalnum():  # keys are ours, but never let one walk the tree
        raise ValueError("bad storage key")
    return Path(current_app.config["UPLOAD_DIR"]) / key[:2] / key


# A full disk, or the account's quota used up.
FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


class StorageFull(OSError):
    """No room left to store a photo: the caller answers 507, the citizen retries later."""


def save(data: bytes) -> str:
    """Write atomically (temp file, fsync, rename) so a crash leaves no half file.

    A write that fails (a full disk fails at write, flush, fsync or close alike)
    removes its temp file before raising: nothing else would. A full disk is
    raised as StorageFull.
    """
    key = secrets.token_hex(16)
    path = _path(key)
    tmp = path.with_suffix(".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        if error.errno in FULL:
            raise StorageFull(error.errno, os.strerror(error.errno)) from error
        raise
    return key


def path_of(key: str) -> Path:
    return _path(key)


def load(key: str) -> bytes:
    return _path(key).read_bytes()


def delete(key: str) -> None:
    _path(key).unlink(missing_ok=True)


def photo_response(upload, width: int | None = None) -> Response:
    """One page of a citizen's papers, for its owner or an officer; with
    ``width`` (services.photos.sizes.WIDTHS) no wider than that.

    Never kept by any cache: not a proxy's, and not the browser's on a phone
    that the next person in line may use after the citizen signs out.
    """
    data, mime = load(upload.storage_key), upload.mime
    if width is not None:
        from services.photos.sizes import resized

        data, mime = resized(data, width) or (data, mime)
    response = Response(data, mimetype=mime)
    response.headers["Cache-Control"] = "private, no-store"
    return response
