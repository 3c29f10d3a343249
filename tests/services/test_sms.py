import json
import logging
import socket
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from services.messages.sms import (
    ConsoleSender,
    FileSender,
    HttpSender,
    SmsError,
    SmsSender,
    mask_phone,
    read_outbox,
    sender_from_config,
)

ROOT = str(Path(__file__).resolve().parents[2])
PHONE = "+84912345678"
BODY = "Mã xác nhận của bạn là 482913. Không chia sẻ mã này."


# --- helpers ---------------------------------------------------------------------------


def test_mask_phone():
    assert mask_phone(PHONE) == "+8491****678"
    assert "2345" not in mask_phone(PHONE)
    assert mask_phone("12") == "****"


def test_invalid_recipient_rejected_without_revealing_it(tmp_path):
    with pytest.raises(SmsError) as info:
        FileSender(tmp_path / "o.jsonl").send("0912345678", BODY)
    assert "0912345678" not in str(info.value)
    with pytest.raises(SmsError):
        FileSender(tmp_path / "o.jsonl").send(PHONE, "")


def test_all_backends_satisfy_protocol(tmp_path):
    assert isinstance(ConsoleSender(), SmsSender)
    assert isinstance(FileSender(tmp_path / "x"), SmsSender)
    assert isinstance(HttpSender("http://127.0.0.1:9/", "k"), SmsSender)


# --- console ---------------------------------------------------------------------------


def test_console_logs_masked_phone_but_not_body(caplog):
    logger = logging.getLogger("test.sms.console")
    with caplog.at_level(logging.DEBUG, logger="test.sms.console"):
        ConsoleSender(logger).send(PHONE, BODY)
    assert "+8491****678" in caplog.text
    assert PHONE not in caplog.text
    assert "482913" not in caplog.text
    assert BODY not in caplog.text


def test_console_reveals_body_only_when_asked(caplog):
    logger = logging.getLogger("test.sms.console")
    with caplog.at_level(logging.INFO, logger="test.sms.console"):
        ConsoleSender(logger, reveal_body=True).send(PHONE, BODY)
    assert BODY in caplog.text
    assert PHONE not in caplog.text
    assert all(r.levelno == logging.INFO for r in caplog.records)


# --- file ------------------------------------------------------------------------------


def test_file_backend_writes_json_lines(tmp_path):
    path = tmp_path / "nested" / "dir" / "outbox.jsonl"
    sender = FileSender(path)
    sender.send(PHONE, BODY)
    sender.send("+84987654321", "Lịch hẹn: 9 giờ sáng thứ Hai\ntại UBND xã")

    raw = path.read_bytes().decode("utf-8")
    lines = raw.splitlines()
    assert len(lines) == 2 and raw.endswith("\n")
    assert "Mã xác nhận" in lines[0]  # ensure_ascii=False: Vietnamese stays readable
    first = json.loads(lines[0])
    assert set(first) == {"to", "body", "at"}
    assert first["to"] == PHONE and first["body"] == BODY
    at = datetime.fromisoformat(first["at"])
    assert at.utcoffset() == timedelta(0)
    assert read_outbox(path)[1]["body"].endswith("tại UBND xã")
    assert (path.stat().st_mode & 0o777) == 0o600


def test_read_outbox_missing_file(tmp_path):
    assert read_outbox(tmp_path / "none.jsonl") == []


def test_file_backend_concurrent_threads_produce_intact_lines(tmp_path):
    path = tmp_path / "outbox.jsonl"
    threads, per_thread = 16, 40
    long_body = "Thông báo " + "x" * 5000  # larger than a pipe buffer / typical page chunk
    errors = []

    def worker(n):
        sender = FileSender(path)  # also share nothing but the path
        try:
            for i in range(per_thread):
                sender.send(PHONE, f"{n}:{i}:{long_body}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors
    messages = read_outbox(path)  # json.loads fails on any torn line
    assert len(messages) == threads * per_thread
    seen = {tuple(m["body"].split(":", 2)[:2]) for m in messages}
    assert len(seen) == threads * per_thread


_WRITER = """
import sys
sys.path.insert(0, sys.argv[1])
from services.messages.sms import FileSender
sender = FileSender(sys.argv[2])
for i in range(int(sys.argv[4])):
    sender.send("+84912345678", f"p{sys.argv[3]}:{i}:" + "y" * 3000)
"""


def test_file_backend_concurrent_processes(tmp_path):
    path = tmp_path / "outbox.jsonl"
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, ROOT, str(path), str(n), "30"])
        for n in range(4)
    ]
    assert [p.wait(60) for p in procs] == [0, 0, 0, 0]
    messages = read_outbox(path)
    assert len(messages) == 120
    assert {m["body"].split(":")[0] for m in messages} == {"p0", "p1", "p2", "p3"}


# --- http ------------------------------------------------------------------------------


class _Gateway:
    """A real HTTP server on 127.0.0.1 answering with queued statuses."""

    def __init__(self):
        self.requests = []
        self.statuses = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                gateway.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                payload = b'{"ok": true}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def gateway(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    with _Gateway() as gw:
        yield gw


def test_http_backend_posts_json_with_bearer(gateway):
    HttpSender(gateway.url, "secret-key-123", timeout=5).send(PHONE, BODY)
    assert len(gateway.requests) == 1
    req = gateway.requests[0]
    assert req["path"] == "/sms/send"
    assert req["headers"]["Authorization"] == "Bearer secret-key-123"
    assert req["headers"]["Content-Type"] == "application/json"
    assert json.loads(req["body"].decode("utf-8")) == {"to": PHONE, "message": BODY}


def test_http_backend_retries_once_on_5xx(gateway):
    gateway.statuses = [500, 200]
    HttpSender(gateway.url, "k", retry_delay=0).send(PHONE, BODY)
    assert len(gateway.requests) == 2


def test_http_backend_gives_up_after_two_5xx(gateway):
    gateway.statuses = [503, 502, 200]
    with pytest.raises(SmsError, match="502"):
        HttpSender(gateway.url, "k", retry_delay=0).send(PHONE, BODY)
    assert len(gateway.requests) == 2


def test_http_backend_401_raises_without_retry_or_secrets(gateway):
    gateway.statuses = [401]
    with pytest.raises(SmsError) as info:
        HttpSender(gateway.url, "secret-key-123", retry_delay=0).send(PHONE, BODY)
    assert len(gateway.requests) == 1
    message = str(info.value)
    assert "401" in message and "+8491****678" in message
    assert PHONE not in message and "482913" not in message and "secret-key" not in message


def test_http_backend_redirect_is_an_error(gateway):
    gateway.statuses = [302]
    with pytest.raises(SmsError, match="302"):
        HttpSender(gateway.url, "k", retry_delay=0).send(PHONE, BODY)


def test_http_backend_unreachable_port_raises(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    with socket.socket() as s:  # find a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SmsError) as info:
        HttpSender(f"http://127.0.0.1:{port}/", "k", timeout=2, retry_delay=0).send(PHONE, BODY)
    assert PHONE not in str(info.value)


def test_http_sender_repr_hides_key():
    assert "secret" not in repr(HttpSender("https://sms.example/", "secret"))


# --- configuration ---------------------------------------------------------------------


def test_config_default_is_console():
    sender = sender_from_config({})
    assert isinstance(sender, ConsoleSender) and not sender.reveal_body
    assert sender_from_config({"SMS_CONSOLE_REVEAL": "true"}).reveal_body is True


def test_config_file_and_http(tmp_path):
    f = sender_from_config({"SMS_BACKEND": "file", "SMS_OUTBOX_FILE": str(tmp_path / "o")})
    assert isinstance(f, FileSender)
    h = sender_from_config(
        {
            "SMS_BACKEND": "HTTP",
            "SMS_HTTP_URL": "https://sms.example/send",
            "SMS_HTTP_API_KEY": "k",
            "SMS_HTTP_TIMEOUT": "3.5",
        }
    )
    assert isinstance(h, HttpSender) and h.timeout == 3.5


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        ({"SMS_BACKEND": "http", "SMS_HTTP_API_KEY": "k"}, "SMS_HTTP_URL"),
        ({"SMS_BACKEND": "http", "SMS_HTTP_URL": "https://x/"}, "SMS_HTTP_API_KEY"),
        (
            {"SMS_BACKEND": "http", "SMS_HTTP_URL": "ftp://x/", "SMS_HTTP_API_KEY": "k"},
            "http://",
        ),
        (
            {
                "SMS_BACKEND": "http",
                "SMS_HTTP_URL": "https://x/",
                "SMS_HTTP_API_KEY": "k",
                "SMS_HTTP_TIMEOUT": "soon",
            },
            "SMS_HTTP_TIMEOUT",
        ),
        ({"SMS_BACKEND": "file"}, "SMS_OUTBOX_FILE"),
        ({"SMS_BACKEND": "pigeon"}, "SMS_BACKEND"),
        ({"SMS_CONSOLE_REVEAL": "maybe"}, "SMS_CONSOLE_REVEAL"),
    ],
)
def test_config_errors_are_clear(config, needle):
    with pytest.raises(ValueError, match=needle):
        sender_from_config(config)
