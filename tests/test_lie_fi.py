"""The lie-fi proxy (tests/lie_fi.py) against a tiny real server on loopback.

Durations are only checked from below (what the rate implies), never from above.
"""

import http.client
import http.server
import random
import socket
import threading
import time

import pytest

from tests.lie_fi import SLOW_3G, LieFiProxy, Throttle

BLOB = random.Random(63).randbytes(1 << 20)  # 1 MiB, every byte value
TEXT = b"Xin chao, Van Lang. " * 60  # 1200 bytes


class Upstream:
    """GET anything: TEXT (``/blob``: BLOB, ``/empty``: a 204); POST anything: the body back."""

    def __init__(self):
        self.requests = []  # (method, path, Connection header, body length)
        upstream = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                upstream.note(self, 0)
                if self.path == "/empty":
                    self.send_response(204)
                    self.end_headers()
                    return
                self.answer(BLOB if self.path == "/blob" else TEXT)

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                upstream.note(self, len(body))
                self.answer(body)

            def answer(self, body):
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_port
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def note(self, handler, length):
        self.requests.append((handler.command, handler.path, handler.headers["Connection"], length))

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def upstream():
    server = Upstream()
    yield server
    server.close()


@pytest.fixture
def proxy(upstream):
    with LieFiProxy(upstream.port) as proxy:
        yield proxy


def request(proxy, method, path, body=None, timeout=10):
    """(status, headers, body) through the proxy, with the stdlib's client."""
    conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=timeout)
    try:
        conn.request(method, path, body=body)
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def send_raw(proxy, method, path, body=b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", proxy.port), timeout=10)
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n\r\n"
    sock.sendall(head.encode() + body)
    return sock


def until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_pass_through_keeps_a_binary_body_and_a_post_body_byte_for_byte(proxy, upstream):
    status, headers, body = request(proxy, "GET", "/blob")
    assert (status, body == BLOB) == (200, True)
    assert headers["Connection"] == "close"

    sent = random.Random(1).randbytes(300_000)
    status, _, body = request(proxy, "POST", "/echo?draft=1", body=sent)
    assert (status, body == sent) == (200, True)

    assert proxy.requests_seen == [("GET", "/blob"), ("POST", "/echo")]
    assert upstream.requests == [
        ("GET", "/blob", "close", 0),
        ("POST", "/echo?draft=1", "close", len(sent)),
    ]


def test_hang_answers_nothing_and_the_app_never_hears_of_it(proxy, upstream):
    rule = proxy.hang("GET", r"^/text$")
    with send_raw(proxy, "GET", "/text") as sock:
        assert rule.wait()
        sock.settimeout(0.5)
        with pytest.raises(TimeoutError):
            sock.recv(1)
        assert upstream.requests == []

        proxy.clear()  # the held connection is closed, with no answer
        sock.settimeout(10)
        assert sock.recv(1) == b""
    assert request(proxy, "GET", "/text")[2] == TEXT


def test_hang_after_upstream_lets_the_app_act_but_the_client_never_hears(proxy, upstream):
    rule = proxy.hang("POST", r"^/dossiers$", after_upstream=True)
    with send_raw(proxy, "POST", "/dossiers", b'{"code": 1}') as sock:
        assert until(lambda: upstream.requests == [("POST", "/dossiers", "close", 11)])
        sock.settimeout(0.5)
        with pytest.raises(TimeoutError):
            sock.recv(1)
    assert rule.hits == 1


def test_drip_delivers_the_whole_body_no_faster_than_its_rate(proxy):
    proxy.drip(4000, "GET", r"^/text$")
    start = time.monotonic()
    status, _, body = request(proxy, "GET", "/text")
    assert (status, body) == (200, TEXT)
    assert time.monotonic() - start >= len(TEXT) / 4000


def test_reset_cuts_the_connection_after_k_bytes_of_the_body(proxy):
    proxy.reset(1000, path=r"^/blob$", times=2)
    received = b""
    with send_raw(proxy, "GET", "/blob") as sock, pytest.raises(ConnectionResetError):
        while data := sock.recv(65536):
            received += data
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert body == BLOB[:1000]

    with pytest.raises((ConnectionResetError, http.client.IncompleteRead)):
        request(proxy, "GET", "/blob")


def test_reset_of_a_bodiless_answer_cuts_its_head_short(proxy):
    assert request(proxy, "GET", "/empty")[0] == 204
    proxy.reset(1000, path=r"^/empty$")
    with pytest.raises(ConnectionResetError):
        request(proxy, "GET", "/empty")


def test_rules_take_only_the_next_n_matching_requests(proxy):
    rule = proxy.reset(0, "GET", r"^/text$", times=2)
    assert request(proxy, "POST", "/text", body=b"hi")[2] == b"hi"  # another method
    assert request(proxy, "GET", "/texts")[2] == TEXT  # another path
    for _ in range(2):
        with pytest.raises((ConnectionResetError, http.client.IncompleteRead)):
            request(proxy, "GET", "/text")
    assert request(proxy, "GET", "/text")[2] == TEXT
    assert rule.hits == 2


def test_throttle_limits_both_directions_and_adds_latency(proxy):
    sent = random.Random(2).randbytes(10_000)
    proxy.throttle(Throttle(down=100_000, up=50_000, latency=0.2), "POST", r"^/echo$")
    start = time.monotonic()
    status, _, body = request(proxy, "POST", "/echo", body=sent)
    assert (status, body == sent) == (200, True)
    assert time.monotonic() - start >= 0.2 + len(sent) / 50_000 + len(sent) / 100_000


def test_a_default_link_slows_every_request_and_slow_3g_is_what_it_says(upstream):
    assert Throttle(down=50_000, up=18_750, latency=0.4) == SLOW_3G
    with LieFiProxy(upstream.port, default=SLOW_3G) as proxy:
        start = time.monotonic()
        assert request(proxy, "GET", "/text")[2] == TEXT
        assert time.monotonic() - start >= 0.4 + len(TEXT) / 50_000
        proxy.clear()  # rules only: the link stays
        assert proxy.default == SLOW_3G


def test_close_drops_held_connections_and_leaves_no_thread(upstream):
    proxy = LieFiProxy(upstream.port)
    rule = proxy.hang()
    with send_raw(proxy, "GET", "/text") as sock:
        assert rule.wait()
        proxy.close()
        assert sock.recv(1) == b""  # closed, with no answer
    assert [t for t in threading.enumerate() if t.name.startswith(f"lie-fi-{proxy.port}")] == []


def test_an_app_that_is_down_looks_like_a_network_error():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with LieFiProxy(port) as proxy, pytest.raises(ConnectionResetError):
        request(proxy, "GET", "/")


def test_offline_resets_every_connection_and_the_app_hears_nothing(proxy, upstream):
    proxy.offline = True
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        request(proxy, "GET", "/text")
    assert upstream.requests == []
    proxy.offline = False
    assert request(proxy, "GET", "/text")[0] == 200
