"""Engine tuning for the embedded SQLite default."""

from sqlalchemy import event
from sqlalchemy.engine import Engine


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
        # IMMEDIATE takes the write lock up front. A deferred transaction that
        # reads and then writes fails at once with SQLITE_BUSY when another
        # writer got in between (busy_timeout cannot help there), which would
        # turn two concurrent submits into an error instead of a queue.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
