"""Where a submit's time goes: pyinstrument over real submits, in-process.

    .venv/bin/python bench/profile_submit.py [--submits 100]

The same preparation as `make bench` (bench/server_bench.py: drafts with
photos and codes in a fresh SQLite file, synchronous=FULL), then --submits
POST /api/v1/dossiers through Flask's test client, one after the other, with
the background thread off (its share is measured by the bench, not here).
Sessions are aged ten minutes first (--fresh-sessions: not), so that each
submit carries its session's last-seen write as in `make bench`. Prints the
statements and flushes per submit, the time inside COMMIT, and
pyinstrument's tree of the whole loop (requires pyinstrument, in
requirements-dev.txt).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server_bench import bench_env, prepare  # noqa: E402  (bench/, beside this file)


def age_sessions(app, minutes: int) -> None:
    """Sessions last seen `minutes` ago, as in `make bench`, whose submits come
    after minutes of lookups: each submit then carries its session's last-seen
    write (services.identity.sessions), as a citizen's does after filling in
    the form. Fresh sessions, as prepared, leave that statement out."""
    from datetime import timedelta

    from sqlalchemy import update

    from extensions import db
    from models import UserSession
    from models.base import utcnow

    with app.app_context():
        then = utcnow() - timedelta(minutes=minutes)
        db.session.execute(update(UserSession).values(last_seen_at=then, created_at=then))
        db.session.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submits", type=int, default=100)
    parser.add_argument("--html", help="also write pyinstrument's HTML here")
    parser.add_argument(
        "--fresh-sessions",
        action="store_true",
        help="sessions signed in a moment ago (no last-seen write to carry)",
    )
    parser.add_argument(
        "--no-profile", action="store_true", help="time the submits without the profiler's overhead"
    )
    args = parser.parse_args()
    from pyinstrument import Profiler
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    with tempfile.TemporaryDirectory() as tmp:
        env = bench_env(Path(tmp))
        prepared = prepare(env, args.submits)
        from app import create_app
        from extensions import db

        app = create_app()
        if not args.fresh_sessions:
            age_sessions(app, minutes=10)
        counts = {"statements": 0, "flushes": 0, "commit_s": 0.0, "selects": 0}
        with app.app_context():
            engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def _statement(conn, cursor, statement, *_):
            counts["statements"] += 1
            counts["selects"] += statement.lstrip().upper().startswith("SELECT")

        started = {}

        @event.listens_for(engine, "commit")
        def _commit_start(conn):
            started["at"] = time.perf_counter()

        @event.listens_for(Session, "after_commit")
        def _commit_end(session):
            if "at" in started:
                counts["commit_s"] += time.perf_counter() - started.pop("at")

        @event.listens_for(Session, "after_flush")
        def _flush(session, _context):
            counts["flushes"] += 1

        client = app.test_client(use_cookies=False)
        profiler = None if args.no_profile else Profiler(interval=0.0005)
        wall = time.perf_counter()
        if profiler:
            profiler.start()
        for body, cookie, token in prepared["submits"]:
            response = client.post(
                "/api/v1/dossiers",
                data=body,
                headers={
                    "Cookie": cookie,
                    "X-CSRFToken": token,
                    "Content-Type": "application/json",
                },
            )
            if response.status_code != 201:
                raise SystemExit(f"submit answered {response.status_code}: {response.text}")
        if profiler:
            profiler.stop()
        wall = time.perf_counter() - wall
        n = args.submits
        print(f"{n} submits in {wall:.2f} s: {wall / n * 1000:.2f} ms each (in-process)")
        print(
            f"per submit: {counts['statements'] / n:.1f} SQL statements "
            f"({counts['selects'] / n:.1f} SELECT), {counts['flushes'] / n:.1f} flushes, "
            f"{counts['commit_s'] / n * 1000:.2f} ms in COMMIT (the fsync)"
        )
        if profiler:
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        if profiler and args.html:
            Path(args.html).write_text(profiler.output_html())
        with app.app_context():
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
