"""A fresh database per test, copied from one migrated template.

SQLite (the default): the template is a file, each test gets a copy.
PostgreSQL (DATABASE_URL=postgresql+psycopg://user@host:port/db, as
scripts/test-pg.sh sets it): the template is a database migrated once per
run, and each test gets `CREATE DATABASE ... TEMPLATE` of it, dropped after.
"""

import os
import shutil
import uuid
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

SERVER_URL = os.environ.get("DATABASE_URL", "")
USE_POSTGRES = SERVER_URL.startswith("postgresql")


def _admin(sql: str) -> None:
    engine = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text(sql))
    finally:
        engine.dispose()


def _with_database(name: str) -> str:
    return make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)


def template_uri(tmp: Path) -> str:
    """Where the template lives: empty, for the caller to migrate and seed."""
    if not USE_POSTGRES:
        return f"sqlite:///{tmp / 'template.sqlite3'}"
    name = f"template_{os.getpid()}"
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    return _with_database(name)


def copy_of(template: str, tmp_path: Path, stem: str = "app") -> str:
    """A new database holding what the template holds."""
    url = make_url(template)
    if url.get_backend_name() == "sqlite":
        path = tmp_path / f"{stem}.sqlite3"
        shutil.copy(url.database, path)
        return f"sqlite:///{path}"
    name = f"t_{uuid.uuid4().hex[:20]}"
    # FILE_COPY (PostgreSQL 15+) copies the few files of a small database
    # instead of writing them all to the WAL: about three times faster here.
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}" STRATEGY FILE_COPY')
    return _with_database(name)


def drop(uri: str) -> None:
    url = make_url(uri)
    if url.get_backend_name() == "sqlite":
        return  # the file goes with tmp_path
    _admin(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


def sqlite_path(uri: str) -> Path | None:
    url = make_url(uri)
    return Path(url.database) if url.get_backend_name() == "sqlite" else None
