"""The embedded SQLite: WAL, a busy timeout, writers queue, readers do not wait.

These build their own SQLite app, so they run in `make test-pg` too.
"""

import threading

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app import create_app
from extensions import db
from services.database import reads_only, request_reads_only, writer_turn, writes
from tests.conftest import test_config as app_config


@pytest.fixture
def sqlite_app(tmp_path):
    app = create_app(app_config(tmp_path, tmp_path / "own.sqlite3"))
    with app.app_context():
        db.session.execute(text("CREATE TABLE t (n INTEGER)"))
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_connections_use_wal_a_busy_timeout_and_foreign_keys(sqlite_app):
    with sqlite_app.app_context():
        pragma = lambda name: db.session.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("busy_timeout") == 10000
        assert pragma("foreign_keys") == 1
        # An acknowledged dossier survives a power cut: WAL synced at each commit.
        assert pragma("synchronous") == 2  # FULL


def hold_write_lock(app, started: threading.Event, release: threading.Event):
    with app.app_context():
        db.session.execute(text("INSERT INTO t VALUES (1)"))  # BEGIN IMMEDIATE: lock taken
        started.set()
        release.wait(10)
        db.session.commit()


def insert(app, done: threading.Event):
    with app.app_context():
        db.session.execute(text("INSERT INTO t VALUES (2)"))
        db.session.commit()
    done.set()


def test_a_second_writer_waits_for_the_first_instead_of_failing(sqlite_app):
    started, release, done = threading.Event(), threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(sqlite_app, started, release))
    holder.start()
    started.wait(5)
    second = threading.Thread(target=insert, args=(sqlite_app, done))
    second.start()
    assert not done.wait(0.3)  # queued behind the holder, not failed
    release.set()
    assert done.wait(10)
    holder.join()
    second.join()
    with sqlite_app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM t")).scalar() == 2


def test_a_reading_request_does_not_wait_for_a_writer(sqlite_app):
    started, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(sqlite_app, started, release))
    holder.start()
    started.wait(5)
    with sqlite_app.test_request_context("/", method="GET"):
        seen = db.session.execute(text("SELECT count(*) FROM t")).scalar()
        db.session.rollback()
    released_before_the_read = release.is_set()
    release.set()
    holder.join()
    # Read while the writer held the lock: the committed state, without its insert.
    assert (seen, released_before_the_read) == (0, False)


def test_a_reading_request_cannot_write(sqlite_app):
    with sqlite_app.test_request_context("/", method="GET"):
        with pytest.raises(OperationalError, match="readonly"):
            db.session.execute(text("INSERT INTO t VALUES (3)"))
        db.session.rollback()
    with sqlite_app.app_context():  # the next transaction on that connection writes again
        db.session.execute(text("INSERT INTO t VALUES (4)"))
        db.session.commit()
    # The pragma is sent only when it changes: a reader after a writer is
    # read-only again, a second writer in a row still writes.
    with sqlite_app.test_request_context("/", method="GET"):
        with pytest.raises(OperationalError, match="readonly"):
            db.session.execute(text("INSERT INTO t VALUES (5)"))
        db.session.rollback()
    for n in (6, 7):
        with sqlite_app.app_context():
            db.session.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
            db.session.commit()
    with sqlite_app.app_context():
        assert db.session.execute(text("SELECT n FROM t ORDER BY n")).scalars().all() == [4, 6, 7]


def test_which_requests_read_only():
    app = Flask(__name__)

    @app.get("/page")
    def page():
        return ""

    @app.post("/lookup")
    @reads_only
    def lookup():
        return ""

    @app.get("/challenge")
    @writes
    def challenge():
        return ""

    @app.post("/save")
    def save():
        return ""

    def reads(method, path):
        with app.test_request_context(path, method=method):
            return request_reads_only()

    assert reads("GET", "/page") is True
    assert reads("POST", "/lookup") is True
    assert reads("GET", "/challenge") is False
    assert reads("POST", "/save") is False
    with app.app_context():
        assert request_reads_only() is False  # the CLI, the worker: outside any request


def test_the_writers_turn_is_given_back_however_a_transaction_ends(sqlite_app):
    # A turn kept by mistake would make every later writer of the process
    # wait out the busy timeout.
    with sqlite_app.app_context():
        turn = writer_turn(db.engine)
        db.session.execute(text("INSERT INTO t VALUES (5)"))
        assert turn.taken()
        db.session.commit()
        assert not turn.taken()

        with pytest.raises(OperationalError):
            db.session.execute(text("INSERT INTO missing_table VALUES (1)"))
        assert turn.taken()
        db.session.rollback()
        assert not turn.taken()

        db.session.execute(text("INSERT INTO t VALUES (6)"))
        db.session.close()  # back to the pool mid-transaction: rolled back
        assert not turn.taken()

        with db.engine.connect() as connection:  # Core, closed without commit
            connection.execute(text("INSERT INTO t VALUES (7)"))
        assert not turn.taken()
        assert db.session.execute(text("SELECT count(*) FROM t")).scalar() == 1
        db.session.rollback()


def test_writers_of_one_process_take_turns_and_all_get_in(sqlite_app):
    def write(n):
        with sqlite_app.app_context():
            db.session.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
            db.session.commit()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with sqlite_app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM t")).scalar() == 16
        db.session.rollback()  # outside a request this transaction is a writer's too
        assert not writer_turn(db.engine).taken()


def test_writers_queue_on_a_file_beside_the_database_that_other_processes_see(sqlite_app, tmp_path):
    # While one writer holds the turn, another process (here a plain flock on
    # the same file, as a second gunicorn worker would take it) cannot.
    import fcntl
    import os

    lock_file = tmp_path / "own.sqlite3.writers"
    with sqlite_app.app_context():
        db.session.execute(text("INSERT INTO t VALUES (8)"))
        fd = os.open(lock_file, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            db.session.commit()
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free once committed
        finally:
            os.close(fd)
