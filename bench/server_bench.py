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
import scenarios  # noqa: E402  (bench/scenarios.py, beside this file)

BIN = Path(sys.executable).parent
# Two processes so both cores run Python (one process holds one GIL); four
# threads each so a request waiting for SQLite's write lock or the disk does
# not leave its process idle. `make run` uses one process with 8 threads,
# which keeps the in-memory rate-limit counters in one place.
WORKERS = int(os.environ.get("BENCH_WORKERS") or 2)
THREADS = int(os.environ.get("BENCH_THREADS") or 4)
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


def prepare(env: dict, submits: int, uploaders: int = 0, sign_ins: int = 0) -> dict:
    os.environ.update(env)
    import flask_migrate

    from app import create_app
    from commands import enable_commune
    from extensions import db
    from models import Citizen
    from services.dossiers.submission import create_dossier
    from services.identity import otp
    from tests.helpers import sign_in_as
    from tests.office.helpers import add_complete_draft, add_started_draft

    # In-process: wait for each code's SMS file line before reading them back.
    app = create_app({"SMS_CODE_WAIT_SECONDS": 60})

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
        photographers = []
        for i in range(uploaders):
            citizen = Citizen(phone=f"+84{PHONE_BASE + 100_000 + i:09d}")
            db.session.add(citizen)
            db.session.flush()
            drafts = [add_started_draft(citizen.id, photos=0).id for _ in range(20)]
            photographers.append((citizen.id, drafts))
        db.session.commit()
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
        "uploaders": [(*session_of(cid), drafts) for cid, drafts in photographers],
        "sign_in_sessions": [session_of(None) for _ in range(sign_ins)],
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
    # gunicorn's master listens before its workers have booted (each loads
    # the app: seconds on a busy machine), and a booting worker answers
    # nothing: measured then, a first round showed 0 requests. Ready is when
    # a run of fresh connections, which the workers accept in turn, all answer.
    deadline = time.monotonic() + 120
    answered = 0
    while time.monotonic() < deadline and answered < 4 * WORKERS:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            connection.close()
            answered += 1
        except (OSError, http.client.HTTPException):
            answered = 0
            time.sleep(0.2)
    if answered < 4 * WORKERS:
        process.kill()
        raise RuntimeError(f"gunicorn did not start: {target}")
    # One booted worker answers them all, so also wait for every worker to
    # go quiet (its boot's CPU time stops growing).
    while time.monotonic() < deadline:
        before = workers_cpu(process.pid)
        time.sleep(0.5)
        after = workers_cpu(process.pid)
        if len(after) >= WORKERS and all(after[w] - before.get(w, 0) < 0.1 for w in after):
            break
    return process, port


def workers_cpu(master: int) -> dict[int, float]:
    """CPU seconds so far of each of gunicorn's worker processes."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # its parent
            found[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / 100
    return found


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
    answered = int(re.search(r"(\d+) requests in", out).group(1))
    if answered == 0:
        # Nothing answered in the whole run: wrk prints 0 for every
        # percentile, which would read as instant. The run's length is a
        # lower bound of what a lookup waited.
        wait = seconds * 1000.0
        return {"tool": f"wrk -c{conns} -d{seconds}s", "requests": 0, "p50": wait,
                "p99": wait, "rps": 0.0}  # fmt: skip
    return {
        "tool": f"wrk -c{conns} -d{seconds}s",
        "requests": answered,
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
    return summary(f"python -c{conns}", latencies, wall)


def summary(tool: str, latencies: list[float], wall: float) -> dict:
    ordered = sorted(latencies)
    return {
        "tool": tool,
        "requests": len(ordered),
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "rps": len(ordered) / wall,
        "latencies": ordered,
        "wall": wall,
    }


def alternating_python(
    port: int, requests: list, bare_port: int, bare_request: tuple, conns: int, rounds: int
) -> tuple[dict, dict, list[float]]:
    """The submits in `rounds` slices, each followed by as many bare requests
    again (at least 100), over `conns` connections: a neighbour's burst on the
    shared machine, or a slow minute, then lands on both sides of the ratio
    instead of on one. Returns the app's and the bare endpoint's results (every
    round's latencies together) and the p50 ratio of each round."""
    size = -(-len(requests) // rounds)
    app_runs, bare_runs, ratios = [], [], []
    for start in range(0, len(requests), size):
        app_run = python_load(port, "/api/v1/dossiers", requests[start : start + size], conns, 60)
        bare_run = python_load(bare_port, "/bare", [bare_request] * max(100, size), conns, 30)
        app_runs.append(app_run)
        bare_runs.append(bare_run)
        ratios.append(app_run["p50"] / bare_run["p50"])

    def pooled(runs: list[dict]) -> dict:
        latencies = [x for run in runs for x in run["latencies"]]
        tool = f"{runs[0]['tool']} x{len(runs)}"
        return summary(tool, latencies, sum(run["wall"] for run in runs))

    return pooled(app_runs), pooled(bare_runs), ratios


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


def p99_row(name: str, result: dict, idle: dict, bare: dict) -> str:
    return (
        f"| {name} | {result['tool']} | {result['requests']} | {result['p50']:.2f} | "
        f"{result['p99']:.2f} | {result['p99'] / idle['p99']:.1f}x | "
        f"{result['p99'] / bare['p99']:.1f}x | {result['rps'] / bare['rps']:.0%} |"
    )


def loads_text(loads: dict) -> list[str]:
    uploads = [load["statuses"] for load in loads["uploads"]]
    sign_ins = [load["outcomes"] for load in loads["sign_ins"]]
    longest = max((load["max"] for load in loads["sign_ins"]), default=0.0)
    return [
        f"- Uploads answered, per round (HTTP status: count): {uploads}; a stored photo's "
        "p50 per round: " + ", ".join(f"{load['p50']:.0f} ms" for load in loads["uploads"]),
        f"- Sign-ins answered, per round: {sign_ins}; the longest sign-in request took "
        f"{longest:.0f} ms.",
    ]


def report(results: dict, extra: dict, args, started: datetime) -> str:
    info = machine()
    bare = results
    limited_1, limited_8 = results["limited_1"], results["limited_8"]
    submit_1 = results["submit_1"]
    idle, sbare = results["scenario_idle"], results["scenario_bare"]
    uploads, sign_ins = results["scenario_uploads"], results["scenario_sign_ins"]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.strip()
    throughput = limited_8["rps"] / bare["bare_wrk_8"]["rps"]
    submit_ratio = submit_1["p50"] / bare["bare_py_1"]["p50"]
    targets = [
        (
            "lookup, limits on, >= 70% of bare throughput (8 connections)",
            throughput >= 0.7,
            f"{throughput:.0%} ({limited_8['rps']:.0f} req/s)",
        ),
        (
            "submit p50 <= 10x the bare p50 (1 connection)",
            submit_ratio <= 10,
            f"{submit_ratio:.1f}x ({submit_1['p50']:.1f} ms)",
        ),
        *[
            (
                f"lookup p99 {what} <= 10x the idle lookup p99",
                run["p99"] / idle["p99"] <= 10,
                f"{run['p99'] / idle['p99']:.1f}x ({run['p99']:.1f} ms vs {idle['p99']:.1f} ms)",
            )
            for what, run in (
                (f"with {args.uploaders} uploaders", uploads),
                (f"with a {args.gateway_delay:g} s SMS gateway", sign_ins),
            )
        ],
    ]
    profile = (ROOT / "bench" / "submit_profile.md").read_text().strip()
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/server_bench.py); run it again to refresh.",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC, commit {commit}",
        f"- Machine: {info['cpu']}; {info['os']}",
        f"- Software: {info['software']}",
        f"- Command: `make bench` (= `.venv/bin/python bench/server_bench.py "
        f"--seconds {args.seconds} --rounds {args.rounds} --submits {args.submits} "
        f"--uploaders {args.uploaders} --sign-in-rate {args.sign_in_rate:g} "
        f"--gateway-delay {args.gateway_delay:g}`)",
        "- Everything on 127.0.0.1: the load generator shares the 2 cores with the server "
        "(and, on this shared machine, with whatever else runs: hence the alternating "
        "rounds and medians).",
        "- Production is the headline: rate limits on and the background thread on "
        "(gunicorn.conf.py). Each figure is given beside its ratio to the bare Flask "
        "endpoint (bench/bare_app.py, same gunicorn command) measured the same way in the "
        "same run; absolute times move between machines, ratios much less.",
        "",
        "## Targets",
        "",
        *[f"- {'met' if ok else 'MISSED'}: {what} - {value}" for what, ok, value in targets],
        "",
        "## Production: lookups while citizens upload photos and codes are sent",
        "",
        f"Status lookups on one connection (what one citizen waits), {args.rounds} rounds "
        "of: bare endpoint, lookup idle, lookup while "
        f"{args.uploaders} simulated citizens send photos (a 2000x1500 JPEG each, one after "
        "the other, a 503 waited out for its Retry-After as the wizard does), lookup while "
        f"{args.sign_in_rate:g} citizens a second ask for a sign-in code and the SMS gateway "
        f"(on loopback) answers each after {args.gateway_delay:g} s. Medians of the rounds; "
        "the p99 ratio to the idle lookup per round: uploads "
        + ", ".join(f"{r:.1f}x" for r in results["scenario_p99_ratios"]["uploads"])
        + "; sign-ins "
        + ", ".join(f"{r:.1f}x" for r in results["scenario_p99_ratios"]["sign_ins"])
        + ".",
        "",
        "| lookup | load | requests | p50 ms | p99 ms | p99 vs idle | p99 vs bare | "
        "req/s vs bare |",
        "|---|---|---|---|---|---|---|---|",
        p99_row("bare Flask POST /bare", sbare, idle, sbare),
        p99_row("idle", idle, idle, sbare),
        p99_row(f"{args.uploaders} citizens uploading", uploads, idle, sbare),
        p99_row(f"sign-in codes, {args.gateway_delay:g} s gateway", sign_ins, idle, sbare),
        "",
        *loads_text(results["scenario_loads"]),
        f"- Messages the gateway received during the run: {results['gateway_received']}.",
        "",
        "## Server figures",
        "",
        "Latency in milliseconds. wrk rows: the median of "
        f"{args.rounds} runs, bare and app alternating; the production lookup's throughput "
        "ratio in each round was "
        + ", ".join(f"{r:.0%}" for r in results["ratios_1"])
        + " (1 connection) and "
        + ", ".join(f"{r:.0%}" for r in results["ratios_8"])
        + " (8 connections). Python client rows: the submits in "
        f"{args.rounds} slices, each followed by a slice of bare requests, every "
        "slice's latencies pooled; the submit's p50 ratio in each round was "
        + ", ".join(f"{r:.1f}x" for r in results["submit_ratios_1"])
        + " (1 connection) and "
        + ", ".join(f"{r:.1f}x" for r in results["submit_ratios_4"])
        + " (4 connections).",
        "",
        "| endpoint | load | requests | p50 ms | p99 ms | req/s | p50 vs bare | req/s vs bare |",
        "|---|---|---|---|---|---|---|---|",
        row("bare Flask POST /bare", bare["bare_wrk_1"], bare["bare_wrk_1"]),
        row("**status lookup, production**", limited_1, bare["bare_wrk_1"]),
        row("same, rate limits off", results["lookup_1"], bare["bare_wrk_1"]),
        row("bare Flask POST /bare", bare["bare_wrk_8"], bare["bare_wrk_8"]),
        row("**status lookup, production**", limited_8, bare["bare_wrk_8"]),
        row("same, rate limits off", results["lookup_8"], bare["bare_wrk_8"]),
        row("bare Flask POST /bare", bare["bare_py_1"], bare["bare_py_1"]),
        row("**submit, production**", submit_1, bare["bare_py_1"]),
        row("bare Flask POST /bare", bare["bare_py_4"], bare["bare_py_4"]),
        row("**submit, production**", results["submit_4"], bare["bare_py_4"]),
        "",
        profile,
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


def production_scenarios(args, prepared, bare_port, port, slow_sms_port, gateway) -> dict:
    """Lookups (wrk, 1 connection: what one citizen waits) on the production
    server idle, while uploaders send photos, and while sign-in codes go
    through the slow gateway; the bare endpoint idle in the same rounds."""
    cookie, token = prepared["anonymous"]
    lookup, seconds = prepared["lookup"], args.seconds
    photo = scenarios.photo_jpeg()
    sessions = list(prepared["sign_in_sessions"])
    runs = {"bare": [], "idle": [], "uploads": [], "sign_ins": []}
    loads = {"uploads": [], "sign_ins": []}
    print(
        f"production scenarios: {args.uploaders} uploaders, {args.sign_in_rate}/s sign-ins "
        f"through a {args.gateway_delay:g} s gateway ({args.rounds} rounds)...",
        flush=True,
    )
    for _ in range(args.rounds):
        runs["bare"].append(wrk(bare_port, "/bare", lookup, cookie, token, 1, seconds))
        runs["idle"].append(wrk(port, "/api/v1/status", lookup, cookie, token, 1, seconds))
        uploaders = scenarios.Uploaders(port, prepared["uploaders"], photo, "to-khai-khai-sinh")
        uploaders.start()
        time.sleep(1)  # every citizen has a photo on its way
        runs["uploads"].append(wrk(port, "/api/v1/status", lookup, cookie, token, 1, seconds))
        loads["uploads"].append(uploaders.stop())
        count = int(args.sign_in_rate * (seconds + 2))
        signers = scenarios.SignIns(
            slow_sms_port, [sessions.pop() for _ in range(count)], args.sign_in_rate,
            PHONE_BASE + 200_000 + len(sessions) * 10,
        )  # fmt: skip
        signers.start()
        time.sleep(1)
        runs["sign_ins"].append(
            wrk(slow_sms_port, "/api/v1/status", lookup, cookie, token, 1, seconds)
        )
        loads["sign_ins"].append(signers.stop())
        time.sleep(args.gateway_delay)  # the last codes reach the gateway
        print({k: v[-1] for k, v in runs.items()}, flush=True)
    return {
        "scenario_bare": median_run(runs["bare"]),
        "scenario_idle": median_run(runs["idle"]),
        "scenario_uploads": median_run(runs["uploads"]),
        "scenario_sign_ins": median_run(runs["sign_ins"]),
        "scenario_p99_ratios": {
            key: [
                r["p99"] / max(i["p99"], 1e-3) for r, i in zip(runs[key], runs["idle"], strict=True)
            ]
            for key in ("uploads", "sign_ins")
        },
        "scenario_loads": loads,
        "gateway_received": gateway.received,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=8, help="each wrk run")
    parser.add_argument("--rounds", type=int, default=5, help="wrk runs of each, medians kept")
    parser.add_argument("--submits", type=int, default=600, help="drafts prepared")
    parser.add_argument("--uploaders", type=int, default=50, help="citizens sending photos")
    parser.add_argument("--sign-in-rate", type=float, default=2.0, help="codes asked a second")
    parser.add_argument("--gateway-delay", type=float, default=5.0, help="SMS gateway's answer, s")
    parser.add_argument(
        "--scenarios-only", action="store_true", help="only the production scenarios, printed"
    )
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
        sign_ins = int(args.sign_in_rate * (args.seconds + 2) * args.rounds) + 10
        prepared = prepare(env, args.submits, args.uploaders, sign_ins)
        gateway = scenarios.SlowGateway(args.gateway_delay)
        app, app_port = start_gunicorn("app:create_app()", env)
        # The bare app has no outbox nor uploads: gunicorn.conf.py starts no
        # background thread in it (it would not start without their settings).
        bare, bare_port = start_gunicorn(
            "bare_app:create_app()",
            {**env, "BACKGROUND_IN_PROCESS": "0"},
            ["--pythonpath", "bench"],
        )
        # Production: limits on, the background thread on (gunicorn.conf.py).
        production = {**env, "RATELIMIT_ENABLED": "1"}
        limited, limited_port = start_gunicorn("app:create_app()", production)
        # The same, its SMS through the slow gateway; loopback is the office's
        # network, so the per-address sign-in limit lets the simulated citizens in.
        slow_sms, slow_sms_port = start_gunicorn(
            "app:create_app()",
            {
                **production,
                "SMS_BACKEND": "http",
                "SMS_HTTP_URL": gateway.url,
                "SMS_HTTP_API_KEY": "bench",
                "OFFICE_NETWORKS": "127.0.0.1/32",
                "SMS_BUDGET_PER_HOUR": "1000000",
            },
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
            wrk(slow_sms_port, "/api/v1/status", lookup, cookie, token, 2, 1)
            print(f"status lookup and bare Flask (wrk, {args.rounds} rounds)...", flush=True)
            for conns in () if args.scenarios_only else (1, 8):
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
                    lk["rps"] / b["rps"] for b, lk in zip(bare_runs, limited_runs, strict=True)
                ]
            results.update(
                production_scenarios(
                    args, prepared, bare_port, limited_port, slow_sms_port, gateway
                )
            )
            if args.scenarios_only:
                print(json.dumps(results, indent=1, ensure_ascii=False, default=str))
                return 0
            print("submit and bare Flask, alternating (Python client)...", flush=True)
            submits, bare_request = prepared["submits"], (lookup, cookie, token)
            # Warm the submit's own path (its statements' compiled forms, lazy
            # imports) as the lookups were, on a connection or two per worker: not
            # measured. A fresh worker's first submits took several times longer.
            warm, submits = submits[: 8 * WORKERS], submits[8 * WORKERS :]
            python_load(limited_port, "/api/v1/dossiers", warm, 2 * WORKERS, 60)
            first = len(submits) // 4
            for conns, part in ((1, submits[:first]), (4, submits[first:])):
                app_run, bare_run, ratios = alternating_python(
                    limited_port, part, bare_port, bare_request, conns, args.rounds
                )
                results[f"submit_{conns}"] = app_run
                results[f"bare_py_{conns}"] = bare_run
                results[f"submit_ratios_{conns}"] = ratios
        finally:
            stop(app)
            stop(bare)
            stop(limited)
            stop(slow_sms)
            gateway.close()
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
