"""Engine tuning for the embedded SQLite default, and which requests only read."""

import fcntl
import logging
import os
import threading
import time
import weakref

from flask import current_app, g, has_request_context, request
from sqlalchemy import Table, TextClause, bindparam, event, text
from sqlalchemy.engine import Engine

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def reads_only(view):
    """Mark a view that never writes though its method is not GET (a POSTed lookup)."""
    view.reads_only = True
    return view


def writes(view):
    """Mark a GET view that writes (e.g. makes a single-use challenge row)."""
    view.reads_only = False
    return view


def locking_read(view):
    """Mark a GET whose answer must include the writes already under way (the
    phone's sync compares its photos with it): it waits for the write lock as a
    writer does, and should lock its row (FOR UPDATE) for PostgreSQL."""
    view.reads_only = False
    return view


def add_one(table: Table, keys: tuple[str, ...], counter: str) -> TextClause:
    """One statement that counts one more for a row, making it at 1 if it is
    missing, and returns the new count: INSERT ... ON CONFLICT DO UPDATE ...
    RETURNING, whatever other requests do at the same time.

    Written as SQL text, which SQLite and PostgreSQL spell alike: SQLAlchemy's
    own on_conflict_do_update has no cache key, so it was compiled anew on
    every run (140 of its 145 us in a submit, against 17 us for a cached
    statement). The keys are bound with their columns' types."""
    # Every name is the schema's own (table.c raises on any other): no input
    # reaches this text, only the values bound at each run.
    counter = table.c[counter].name
    names = ", ".join(table.c[key].name for key in keys)
    binds = ", ".join(f":{key}" for key in keys)
    sql = (
        f"INSERT INTO {table.name} ({names}, {counter}) VALUES ({binds}, 1) "  # noqa: S608
        f"ON CONFLICT ({names}) DO UPDATE SET {counter} = {table.name}.{counter} + 1 "
        f"RETURNING {counter}"
    )
    return text(sql).bindparams(*(bindparam(key, type_=table.c[key].type) for key in keys))


def request_reads_only() -> bool:
    if not has_request_context() or request.endpoint is None:
        return False
    if g.get("session_may_write"):
        # services.identity.sessions writes a session's last_seen_at after the view,
        # in a transaction of its own, on reading requests too.
        return False
    marked = getattr(current_app.view_functions.get(request.endpoint), "reads_only", None)
    return marked if marked is not None else request.method in SAFE_METHODS


LOGGER = logging.getLogger(__name__)
BUSY_TIMEOUT_MS = 10_000


class WriterTurn:
    """One writing transaction at a time, handed over as soon as it ends.

    SQLite lets one writer in; the others wait in its busy handler, which
    polls with sleeps growing to 100 ms, so under a burst of submits a waiter
    sleeps through many turns (p99 of 4 concurrent submits over 2 processes:
    650 ms in `make bench`). Writers queue here instead: threads of a process
    on a lock that wakes the next one at once, processes on an flock of a file
    beside the database, retried every 0.5-2 ms. The kernel drops the flock
    of a process that dies, even by SIGKILL. After `timeout` a writer goes on
    without its turn and SQLite's busy handler decides, as it did before.
    """

    def __init__(self, timeout: float, lock_path: str | None) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._fd: int | None = None
        self._path = lock_path
        self.timeout = timeout

    def take(self) -> bool:
        """True when this call took the turn (and must give it back)."""
        if self._owner == threading.get_ident():
            return False  # a second connection of the same thread: no waiting on ourselves
        deadline = time.monotonic() + self.timeout
        if not self._lock.acquire(timeout=self.timeout):
            return False
        if self._path is not None and not self._lock_file(deadline):
            self._lock.release()
            return False
        self._owner = threading.get_ident()
        return True

    def _lock_file(self, deadline: float) -> bool:
        try:
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            # A read-only folder: queue within the process only, and let
            # SQLite's busy handler arbitrate between processes as before.
            LOGGER.warning("Cannot open %s; writers queue per process", self._path)
            self._path = None
            return True
        pause = 0.0005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._fd = fd
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(pause)
                pause = min(pause * 2, 0.002)

    def give_back(self) -> None:
        self._owner = None
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing drops the flock
        self._lock.release()

    def taken(self) -> bool:
        return self._lock.locked()


_TURNS: weakref.WeakKeyDictionary[Engine, WriterTurn] = weakref.WeakKeyDictionary()


def writer_turn(engine: Engine) -> WriterTurn | None:
    """The engine's WriterTurn (SQLite only)."""
    return _TURNS.get(engine)


def tune_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    database = engine.url.database
    on_disk = database not in (None, "", ":memory:") and not database.startswith("file:")
    lock_path = f"{database}.writers" if on_disk else None
    turn = _TURNS[engine] = WriterTurn(BUSY_TIMEOUT_MS / 1000, lock_path)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: in WAL mode each commit syncs the log before it returns, so an
        # acknowledged dossier survives a power cut (NORMAL may lose the last
        # commits then; the database stays whole, the citizen's receipt lies).
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A writer takes the write lock up front (IMMEDIATE): a deferred
        # transaction that reads and then writes fails at once with
        # SQLITE_BUSY when another writer got in between (busy_timeout cannot
        # help there), which would turn two concurrent submits into an error
        # instead of a queue. A request that only reads must not queue behind
        # the writers, though (WAL lets readers run beside them): it begins
        # deferred, and query_only turns a write it should not make into an
        # error every test sees, instead of a rare lock error in production.
        reader = request_reads_only()
        # The pragma stays set on the connection: sent only when it changes
        # (a round trip less in most transactions).
        if connection.info.get("query_only") is not reader:
            connection.exec_driver_sql(f"PRAGMA query_only={int(reader)}")
            connection.info["query_only"] = reader
        if reader:
            connection.exec_driver_sql("BEGIN")
            return
        if turn.take():
            connection.info["writer_turn"] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _give_back(connection.info)
            raise

    def _give_back(info: dict) -> None:
        if info.pop("writer_turn", False):
            turn.give_back()

    # The turn ends with the transaction, however it ends: commit, rollback
    # (an error, or a Connection closed mid-transaction), or the pool taking
    # the connection back (its reset rolls back without a rollback event).
    @event.listens_for(engine, "commit")
    def _on_commit(connection):
        _give_back(connection.info)

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection):
        _give_back(connection.info)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record):
        if record is not None:
            _give_back(record.info)
