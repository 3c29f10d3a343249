"""The access logs of both servers never print query values.

The /vneid callback's OIDC ``code`` and ``state`` were printed by werkzeug's
and gunicorn's access logs; so would any phone number or token a query carries.
"""

import contextlib
import http.client
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from services.access_log import scrub_request_line, scrub_url

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ("c0de-S3CRET-4a", "st4te-S3CRET-9b", "0912345678")
CALLBACK = f"/dang-nhap/vneid/ve?code={SECRETS[0]}&state={SECRETS[1]}"
REFERER = f"http://127.0.0.1/can-bo/ho-so?q={SECRETS[2]}"


def test_the_werkzeug_access_log_keeps_the_path_and_drops_the_secrets(app, caplog):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            request = urllib.request.Request(
                f"http://127.0.0.1:{server.server_port}{CALLBACK}", headers={"Referer": REFERER}
            )
            # Whatever the page answers, the log line is what is tested.
            with (
                contextlib.suppress(urllib.error.HTTPError),
                urllib.request.urlopen(  # noqa: S310
                    request, timeout=10
                ) as response,
            ):
                response.read()
            deadline = time.monotonic() + 5
            while "/dang-nhap/vneid/ve" not in caplog.text and time.monotonic() < deadline:
                time.sleep(0.02)
    finally:
        server.shutdown()
        thread.join()
    assert "GET /dang-nhap/vneid/ve?code=…&state=… HTTP/1.1" in caplog.text
    for secret in SECRETS:
        assert secret not in caplog.text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_gunicorn_access_log_keeps_the_path_and_drops_the_secrets(tmp_path):
    """gunicorn as `make run` starts it (gunicorn.conf.py), serving a bare app."""
    port = _free_port()
    log = tmp_path / "access.log"
    fmt = '%(r)s %(s)s q=%(q)s f="%(f)s" ref="%({referer}i)s" loc="%({location}o)s"'
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", str(log),
        "--access-logformat", fmt, "tests.services.test_access_log:redirecting_app",
    ]  # fmt: skip
    env = {**os.environ, "BACKGROUND_IN_PROCESS": "0"}
    errors = (tmp_path / "gunicorn.err").open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=errors)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", CALLBACK, headers={"Referer": REFERER})
                connection.getresponse().read()
                connection.close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        while "vneid" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=30)
        errors.close()
    text = log.read_text()
    assert "GET /dang-nhap/vneid/ve?code=…&state=… HTTP/1.1 302" in text
    assert "q=code=…&state=…" in text and 'ref="http://127.0.0.1/can-bo/ho-so?q=…"' in text
    assert 'loc="https://idp.example/authorize?state=…&nonce=…"' in text
    for secret in (*SECRETS, "n0nce-S3CRET"):
        assert secret not in text


def redirecting_app(environ, start_response):
    """Answers like the sign-in start: a redirect whose URL carries secrets."""
    start_response(
        "302 Found",
        [("Location", f"https://idp.example/authorize?state={SECRETS[1]}&nonce=n0nce-S3CRET")],
    )
    return [b""]


@pytest.mark.parametrize(
    ("line", "logged"),
    [
        ("GET /theo-doi?ma=X05665-260302-0001 HTTP/1.1", "GET /theo-doi?ma=… HTTP/1.1"),
        ("GET /x/05665 HTTP/1.1", "GET /x/05665 HTTP/1.1"),
        ("GET /a?flag&b= HTTP/1.0", "GET /a?flag=…&b=… HTTP/1.0"),
    ],
)
def test_a_request_line_keeps_names_and_drops_values(line, logged):
    assert scrub_request_line(line) == logged


def test_a_full_url_loses_its_query_values_and_fragment():
    assert scrub_url("https://a.vn/p?q=0912345678#x") == "https://a.vn/p?q=…"
