"""Uploaded pages, by random key, in one of two stores chosen by PHOTO_STORAGE:

- ``local`` (default): files under UPLOAD_DIR, outside the web root. One host,
  or several sharing that folder.
- ``s3``: an S3-compatible object store (services/photos/object_store.py,
  boto3), for several hosts without a shared folder.

Both keep the same promise: a photo is under its final key only once it is
whole (local: temp file, fsync, rename; S3: one PUT whose Content-MD5 the
store checks, so an object appears complete or not at all), and both list
what they hold so the purge and the orphan sweep (services/dossiers/
retention.py) work the same on either.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from flask import Response, current_app


def check_key(key: str) -> str:
    if not key.isalnum():  # keys are ours, but never let one walk the tree
        raise ValueError("bad storage key")
    return key


def _path(key: str) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / key[:2] / check_key(key)


# A full disk, or the account's quota used up.
FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


class StorageFull(OSError):
    """No room left to store a photo: the caller answers 507, the citizen retries later."""


class StorageUnavailable(OSError):
    """The store cannot be reached now: the caller answers 503, the phone retries."""


class Store(Protocol):
    def save(self, key: str, data: bytes) -> None: ...
    def load(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def size(self, key: str) -> int | None: ...
    def listing(self) -> Iterator[tuple[str, float, int]]:
        """(name, modified epoch, bytes) of everything held, leftovers of
        interrupted writes included (a name that is no key)."""
        ...

    def remove_leftover(self, name: str) -> None: ...
    def ready(self) -> bool: ...


class LocalStore:
    """Files under UPLOAD_DIR/<first two characters>/<key>."""

    def save(self, key: str, data: bytes) -> None:
        """Write atomically (temp file, fsync, rename) so a crash leaves no half file.

        A write that fails (a full disk fails at write, flush, fsync or close
        alike) removes its temp file before raising: nothing else would. A
        full disk is raised as StorageFull.
        """
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

    def load(self, key: str) -> bytes:
        return _path(key).read_bytes()

    def delete(self, key: str) -> None:
        _path(key).unlink(missing_ok=True)

    def size(self, key: str) -> int | None:
        try:
            return _path(key).stat().st_size
        except FileNotFoundError:
            return None

    def listing(self) -> Iterator[tuple[str, float, int]]:
        root = Path(current_app.config["UPLOAD_DIR"])
        if not root.is_dir():
            return
        for folder in root.iterdir():
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                try:  # another process's purge may have removed it meanwhile
                    if not path.is_file():
                        continue
                    stat = path.stat()
                except FileNotFoundError:
                    continue
                # A key by itself; anything else (a .tmp) by its folder too.
                name = path.name if path.name.isalnum() else f"{folder.name}/{path.name}"
                yield name, stat.st_mtime, stat.st_size

    def remove_leftover(self, name: str) -> None:
        folder, _, file = name.partition("/")
        root = Path(current_app.config["UPLOAD_DIR"])
        (root / Path(folder).name / Path(file).name).unlink(missing_ok=True)

    def ready(self) -> bool:
        """The folder is there (or can be made) and takes a write: for /readyz."""
        root = Path(current_app.config["UPLOAD_DIR"])
        root.mkdir(parents=True, exist_ok=True)
        return os.access(root, os.W_OK | os.X_OK)


def store() -> Store:
    """This app's store, made on first use from PHOTO_STORAGE."""
    found = current_app.extensions.get("photo_store")
    if found is None:
        kind = current_app.config.get("PHOTO_STORAGE", "local")
        if kind == "s3":
            from services.photos.object_store import S3Store

            found = S3Store.from_config(current_app.config)
        elif kind == "local":
            found = LocalStore()
        else:
            raise ValueError(f"PHOTO_STORAGE must be 'local' or 's3', got {kind!r}")
        current_app.extensions["photo_store"] = found
    return found


def save(data: bytes) -> str:
    """Store a photo under a new random key, whole or not at all."""
    key = secrets.token_hex(16)
    store().save(key, data)
    return key


def path_of(key: str) -> Path:
    """The local store's file of `key` (tests and the local sweep)."""
    return _path(key)


def load(key: str) -> bytes:
    return store().load(check_key(key))


def delete(key: str) -> None:
    store().delete(check_key(key))


def size(key: str) -> int | None:
    return store().size(check_key(key))


def ready() -> bool:
    return store().ready()


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
