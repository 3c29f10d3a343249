"""Engine tuning for the embedded SQLite default, and which requests only read."""

from flask import current_app, has_request_context, request
from sqlalchemy import event
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


def request_reads_only() -> bool:
    if not has_request_context() or request.endpoint is None:
        return False
    marked = getattr(current_app.view_functions.get(request.endpoint), "reads_only", None)
    return marked if marked is not None else request.method in SAFE_METHODS


def tune_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
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
        connection.exec_driver_sql(f"PRAGMA query_only={int(reader)}")
        connection.exec_driver_sql("BEGIN" if reader else "BEGIN IMMEDIATE")
