"""Sign-in codes leave from the code sender's threads, not from the request
(services/messages/code_sender.py), against a real gateway on loopback that
answers when the test lets it."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from extensions import db
from models import OtpChallenge
from services.messages import notify
from services.messages.code_sender import code_sender
from services.messages.sms import HttpSender
from tests.test_auth import ask_for_code, enter_code


class HeldGateway:
    """An SMS gateway that answers each message only once `release` is set."""

    def __init__(self, status: int = 200):
        self.release = threading.Event()
        self.arrived = threading.Semaphore(0)
        self.bodies: list[dict] = []
        self.status = status
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.bodies.append(body)
                gateway.arrived.release()
                gateway.release.wait(20)  # a stuck test ends, the gateway times out
                self.send_response(gateway.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def held_gateway(app, monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    # The request waits for no answer at all: what a gateway slower than
    # SMS_CODE_WAIT_SECONDS looks like, without a test that waits for one.
    app.config["SMS_CODE_WAIT_SECONDS"] = 0
    with HeldGateway() as gateway:
        app.extensions["sms_sender"] = HttpSender(gateway.url, "key", timeout=30, retry_delay=0)
        yield gateway
        gateway.release.set()
        code_sender(app).close()


def test_the_code_page_opens_while_the_gateway_has_not_answered_yet(app, client, held_gateway):
    response = ask_for_code(client)
    # On main the request waited for the gateway, which answers only below.
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dang-nhap/nhap-ma")
    assert held_gateway.arrived.acquire(timeout=20)
    held_gateway.release.set()
    code = re.search(r"\b(\d{6})\b", held_gateway.bodies[0]["message"]).group(1)
    signed_in = enter_code(client, code)
    assert signed_in.status_code == 302
    assert "/dang-nhap" not in signed_in.headers["Location"]


def test_a_code_whose_sms_failed_later_is_not_waiting_and_can_be_sent_again(
    app, client, held_gateway
):
    held_gateway.status = 400  # refused: the code never reached the phone
    assert ask_for_code(client).status_code == 302
    held_gateway.release.set()
    code_sender(app).close()  # the send has ended
    with app.app_context():
        assert db.session.scalars(select(OtpChallenge)).all() == []
    page = enter_code(client, "123456")
    assert "Chưa có mã nào được gửi đến số này" in page.text
    code_page = client.get("/dang-nhap/nhap-ma")
    assert 'data-wait="0"' in code_page.text  # "Gửi lại mã" at once


def test_a_gateway_that_refuses_at_once_is_told_on_the_page(app, client, monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    app.config["SMS_CODE_WAIT_SECONDS"] = 30  # long enough for any answer
    with HeldGateway(status=400) as gateway:
        gateway.release.set()
        app.extensions["sms_sender"] = HttpSender(gateway.url, "key", timeout=30)
        response = ask_for_code(client)
    assert response.status_code == 200
    assert "Chưa gửi được tin nhắn" in response.text
    with app.app_context():
        assert db.session.scalars(select(OtpChallenge)).all() == []


def test_when_every_sender_is_busy_the_code_waits_in_the_outbox_and_is_sent_from_there(
    app, held_gateway
):
    app.config.update(SMS_CODE_SENDERS=1, SMS_CODE_QUEUE=0)
    first, second = app.test_client(), app.test_client()
    assert ask_for_code(first, "0912 345 678").status_code == 302
    waiting = ask_for_code(second, "0912 345 679")
    assert waiting.status_code == 302  # not refused: the outbox has it
    assert "Đang gửi mã" in second.get("/dang-nhap/nhap-ma").text
    held_gateway.release.set()
    code_sender(app).close()
    with app.app_context():
        report = notify.run_once(app)  # the outbox worker's pass
    assert report.sent == 1
    assert sorted(b["to"] for b in held_gateway.bodies) == ["+84912345678", "+84912345679"]


def test_the_code_page_says_sending_until_the_gateway_has_the_code(app, client, held_gateway):
    assert ask_for_code(client).status_code == 302
    page = client.get("/dang-nhap/nhap-ma").text
    # On main it said "Đã gửi mã" while the SMS was still on its way.
    assert "Đang gửi mã" in page and "Đã gửi mã" not in page
    assert client.get("/dang-nhap/nhap-ma/trang-thai").get_json()["sending"] is True
    assert held_gateway.arrived.acquire(timeout=20)
    held_gateway.release.set()
    code_sender(app).close()
    progress = client.get("/dang-nhap/nhap-ma/trang-thai").get_json()
    assert progress["sending"] is False
    assert progress["message"].startswith("Mã gửi đến số 091****678 lúc")
