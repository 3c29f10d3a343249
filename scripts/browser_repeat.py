"""Run the browser tests several times in a row on a busy machine, and count the flakes.

    .venv/bin/python scripts/browser_repeat.py [--rounds N] [--load ARGS | --no-load] \
        [-- PYTEST ARGS]

stress-ng (``--load``, default ``--cpu 2 --io 1 --vm 1 --vm-bytes 256M``) keeps the machine
busy from before the first round until the end, whatever happens (Ctrl-C included). Each
round is one ``pytest tests/browser`` run with its own JUnit file; nothing is retried.
Prints a line per round, then a table per test (the ones that failed at least once first)
and each failure's first line; exits 1 if any test failed in any round. The rounds' logs and
JUnit files are kept in a temporary folder when something failed.
"""

import argparse
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [str(ROOT / ".venv/bin/pytest"), "-q", "-p", "no:cacheprovider", "tests/browser"]
DEFAULT_LOAD = "--cpu 2 --io 1 --vm 1 --vm-bytes 256M"


def parse_args(argv):
    extra = []
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rounds",
        type=int,
        default=int(os.environ.get("ROUNDS") or 10),
        help="how many runs of the browser tests (default: $ROUNDS, else 10)",
    )
    parser.add_argument(
        "--load",
        default=DEFAULT_LOAD,
        help=f"stress-ng's arguments (default: {DEFAULT_LOAD!r})",
    )
    parser.add_argument("--no-load", action="store_true", help="run without stress-ng")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds: at least 1")
    args.pytest_args = extra
    return args


def start_load(load: str, running: list) -> subprocess.Popen:
    if not shutil.which("stress-ng"):
        sys.exit("stress-ng is not installed: run make stress-ng (or pass --no-load)")
    # Its own session: Ctrl-C does not reach it, and its workers die with its group.
    proc = subprocess.Popen(  # noqa: S603
        ["stress-ng", *shlex.split(load)],  # noqa: S607
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    running.append(proc)  # stopped by main() whatever happens from here on
    time.sleep(1)
    if proc.poll() is not None:
        error = proc.stderr.read().decode(errors="replace").strip()
        sys.exit(f"stress-ng {load} stopped at once (exit {proc.returncode}): {error}")
    return proc


def stop(proc: subprocess.Popen | None, group=False):
    """TERM, then KILL after 10 s: the process (and its group, for stress-ng)."""
    if proc is None or proc.poll() is not None:
        return

    def send(sig):
        try:
            if group:
                os.killpg(proc.pid, sig)
            else:
                proc.send_signal(sig)
        except ProcessLookupError:
            pass

    send(signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        proc.wait()


def first_line(text: str | None) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def read_junit(path: Path) -> dict[str, tuple[str, str]]:
    """{test id: (passed | failed | skipped, the failure's first line)}."""
    results = {}
    for case in ET.parse(path).getroot().iter("testcase"):  # noqa: S314 - pytest's own file
        test = f"{case.get('classname', '')}::{case.get('name', '')}"
        outcome, message = results.get(test, ("passed", ""))
        for child in case:
            if child.tag in ("failure", "error") and outcome != "failed":
                lines = [ln for ln in (child.text or "").splitlines() if ln.startswith("E ")]
                message = first_line(child.get("message")) or first_line("\n".join(lines))
                message = message or first_line(child.text) or child.tag
                outcome = "failed"
            elif child.tag == "skipped" and outcome == "passed":
                outcome = "skipped"
        results[test] = (outcome, message)
    return results


def run_round(i: int, rounds: int, folder: Path, extra: list[str], running: list):
    junit, log = folder / f"round-{i:02d}.xml", folder / f"round-{i:02d}.log"
    start = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603
            [*PYTEST, f"--junitxml={junit}", *extra], cwd=ROOT, stdout=out, stderr=out
        )
        running[:] = [proc]
        code = proc.wait()
        running[:] = []
    seconds = time.monotonic() - start
    results = read_junit(junit) if junit.exists() else {}
    failed = sum(1 for outcome, _ in results.values() if outcome == "failed")
    if code not in (0, 1) or (code == 1 and not failed):
        # Collection errors, an interrupted or crashed run, no test collected (5)...
        results[f"<pytest run, see {log.name}>"] = ("failed", f"pytest exited {code}")
        failed += 1
    passed = sum(1 for outcome, _ in results.values() if outcome == "passed")
    skipped = sum(1 for outcome, _ in results.values() if outcome == "skipped")
    extra_note = f", {skipped} skipped" if skipped else ""
    print(f"round {i}/{rounds}: {passed} passed, {failed} failed{extra_note} ({seconds:.0f}s)")
    sys.stdout.flush()
    return results


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def report(rounds_done: list[dict]) -> bool:
    """Prints the table; True if any test failed in any round."""
    tally = defaultdict(lambda: [0, 0])  # test -> [passed, failed]
    failures = []  # (round, test, message)
    for i, results in enumerate(rounds_done, 1):
        for test, (outcome, message) in results.items():
            if outcome == "passed":
                tally[test][0] += 1
            elif outcome == "failed":
                tally[test][1] += 1
                failures.append((i, test, message))
    flaky = sorted((t for t in tally if tally[t][1]), key=lambda t: (-tally[t][1], t))
    steady = [t for t in tally if not tally[t][1] and tally[t][0] == len(rounds_done)]
    print()
    if flaky:
        print(f"{'passed':>6} {'failed':>6}  test")
        for test in flaky:
            passed, failed = tally[test]
            print(f"{passed:>6} {failed:>6}  {test}")
    print(f"always passed: {plural(len(steady), 'test')} ({plural(len(rounds_done), 'round')})")
    skipped = [t for t in tally if not tally[t][1] and tally[t][0] < len(rounds_done)]
    if skipped:
        print(f"never failed but skipped in some round: {plural(len(skipped), 'test')}")
    if failures:
        print("\nfailures:")
        for i, test, message in failures:
            print(f"round {i}: {test}\n    {message}")
    return bool(failures)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    folder = Path(tempfile.mkdtemp(prefix="browser-repeat-"))
    loads: list[subprocess.Popen] = []
    running: list[subprocess.Popen] = []
    rounds_done: list[dict] = []
    interrupted = False

    def terminated(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminated)
    try:
        if not args.no_load:
            load = start_load(args.load, loads)
            print(f"load: stress-ng {args.load} (pid {load.pid})")
        else:
            print("load: none")
        for i in range(1, args.rounds + 1):
            rounds_done.append(run_round(i, args.rounds, folder, args.pytest_args, running))
    except KeyboardInterrupt:
        interrupted = True
        print(f"\ninterrupted after {len(rounds_done)} of {args.rounds} rounds")
    except SystemExit:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        for proc in running:
            stop(proc)
        for proc in loads:
            stop(proc, group=True)
    failed = report(rounds_done) if rounds_done else False
    if failed or interrupted:
        print(f"\nlogs and JUnit files: {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    if interrupted:
        return 130
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
