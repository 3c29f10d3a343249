"""Photos are decoded and re-encoded in child processes of low CPU priority.

Why not in the request's thread: a 12 MP photo costs a few hundred ms of CPU,
much of it with the GIL held, and the worker's threads waiting on it were the
threads other citizens' status lookups needed. `make bench` with 50 citizens
uploading answered 4 lookups in 40 s. In a child at nice 10 the kernel gives
the CPU to requests first, the GIL of the worker stays free, and the pixels
(up to a few hundred MB for a 40 MP page) are freed with the child's memory,
not left fragmented in the worker's.

The children are forked from a fork server that imported Pillow once, never
from the worker itself (forking a process with threads can copy a lock held
by another thread). A child that dies (the kernel's OOM killer) costs only
the photos it was working on: the pool is started again, and those uploads
answer "busy, try again" (DecoderLost), their bytes still on the phone.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

NICENESS = 10
# Imported once by the fork server, so a new child starts in milliseconds.
PRELOADED = ["services.photos.images"]

T = TypeVar("T")


class DecoderLost(Exception):
    """The child decoding this photo died before it answered."""


def _lower_priority() -> None:
    os.nice(NICENESS)


class _Pool:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._pid: int | None = None

    def executor(self, size: int) -> ProcessPoolExecutor:
        with self._lock:
            # A pool belongs to the process that made it: a forked gunicorn
            # worker (or a test's child) makes its own.
            if self._executor is None or self._pid != os.getpid():
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(PRELOADED)
                self._executor = ProcessPoolExecutor(
                    max_workers=max(1, size), mp_context=context, initializer=_lower_priority
                )
                self._pid = os.getpid()
            return self._executor

    def discard(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)

    def children(self) -> list[int]:
        """The pids of the children alive now (for the tests)."""
        with self._lock:
            processes = getattr(self._executor, "_processes", None) or {}
            return [pid for pid, process in processes.items() if process.is_alive()]


POOL = _Pool()


def run(function: Callable[..., T], *args, size: int, **kwargs) -> T:
    """function(*args, **kwargs) in a child; its exceptions are raised here."""
    executor = POOL.executor(size)
    try:
        return executor.submit(function, *args, **kwargs).result()
    except BrokenProcessPool as error:
        POOL.discard(executor)
        raise DecoderLost() from error
