"""Production loads beside the status lookup, for bench/server_bench.py.

- Uploaders: a fixed number of simulated citizens, each sending photos of
  their draft one after the other (a 2000x1500 JPEG, what the browser's
  shrink makes of a phone photo); a 503 is waited out for its Retry-After,
  as the wizard does; a draft's pages full (422) moves to the citizen's next
  draft.
- Sign-ins: citizens asking for a sign-in code at a fixed rate, through
  SlowGateway, an SMS gateway on loopback that answers each message after a
  fixed delay.
"""

from __future__ import annotations

import http.client
import io
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

BOUNDARY = "benchboundary7MA4YWxkTrZu0gW"


def photo_jpeg() -> bytes:
    """A 2000x1500 JPEG of a few hundred KB, with enough detail to cost a real decode."""
    import random

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (2000, 1500), (235, 230, 220))
    draw = ImageDraw.Draw(image)
    rng = random.Random(7)  # noqa: S311 (the same picture each run, no secret)
    for _ in range(4000):  # lines of "text" on paper
        x, y = rng.randrange(2000), rng.randrange(1500)
        draw.line((x, y, x + rng.randrange(5, 60), y), fill=(rng.randrange(90), 40, 40), width=2)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def multipart(fields: dict, photo: bytes) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + photo
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return b"".join(parts)


class Uploaders:
    """`citizens`: (cookie, token, [draft ids]) each; run() until stop() is called."""

    def __init__(self, port: int, citizens: list, photo: bytes, attachment: str) -> None:
        self.port, self.citizens, self.photo, self.attachment = port, citizens, photo, attachment
        self.statuses: dict[int, int] = {}
        self.latencies: list[float] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._citizen, args=(c,), daemon=True) for c in citizens
        ]

    def start(self) -> Uploaders:
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> dict:
        self._stop.set()
        for thread in self.threads:
            thread.join(60)
        ordered = sorted(self.latencies)
        return {
            "statuses": dict(sorted(self.statuses.items())),
            "p50": ordered[len(ordered) // 2] if ordered else 0.0,
        }

    def _citizen(self, citizen) -> None:
        cookie, token, drafts = citizen
        drafts = list(drafts)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Cookie": cookie,
            "X-CSRFToken": token,
        }
        while drafts and not self._stop.is_set():
            fields = {"attachment_id": self.attachment, "client_id": uuid.uuid4().hex}
            body = multipart(fields, self.photo)
            started = time.perf_counter()
            try:
                connection.request("POST", f"/api/v1/drafts/{drafts[0]}/uploads", body, headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                continue
            with self._lock:
                self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
                if response.status in (200, 201):
                    self.latencies.append((time.perf_counter() - started) * 1000)
            if response.status == 422:
                drafts.pop(0)  # pages full: the next draft
            elif response.status in (429, 503):
                self._stop.wait(float(response.getheader("Retry-After") or 10))
        connection.close()


class SlowGateway:
    """An SMS gateway on loopback that answers 200 after `delay` seconds."""

    def __init__(self, delay: float) -> None:
        self.delay, self.received = delay, 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                gateway.received += 1
                time.sleep(gateway.delay)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class SignIns:
    """Sign-in code requests at `rate` a second, each from its own anonymous
    session and for its own phone; stop() tells how they were answered."""

    def __init__(self, port: int, sessions: list, rate: float, first_phone: int) -> None:
        self.port, self.sessions, self.rate = port, list(sessions), rate
        self.phone = first_phone
        self.outcomes: dict[str, int] = {}
        self.latencies: list[float] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._ticker = threading.Thread(target=self._tick, daemon=True)

    def start(self) -> SignIns:
        self._ticker.start()
        return self

    def stop(self) -> dict:
        self._stop.set()
        self._ticker.join()
        for thread in self._threads:
            thread.join(60)
        ordered = sorted(self.latencies)
        return {
            "outcomes": dict(sorted(self.outcomes.items())),
            "p50": ordered[len(ordered) // 2] if ordered else 0.0,
            "max": ordered[-1] if ordered else 0.0,
        }

    def _tick(self) -> None:
        next_at = time.monotonic()
        while not self._stop.is_set() and self.sessions:
            cookie, token = self.sessions.pop()
            self.phone += 1
            thread = threading.Thread(
                target=self._ask, args=(cookie, token, f"0{self.phone:09d}"), daemon=True
            )
            thread.start()
            self._threads.append(thread)
            next_at += 1 / self.rate
            self._stop.wait(max(0.0, next_at - time.monotonic()))

    def _ask(self, cookie: str, token: str, phone: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        body = urlencode({"phone": phone, "csrf_token": token})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        started = time.perf_counter()
        connection.request("POST", "/dang-nhap/so-dien-thoai", body, headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = (time.perf_counter() - started) * 1000
        connection.close()
        if response.status == 302 and "nhap-ma" in (response.getheader("Location") or ""):
            outcome = "code page"
        elif "Chưa gửi được" in text:
            outcome = "told: not sent"
        else:
            outcome = f"HTTP {response.status}"
        with self._lock:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
            self.latencies.append(elapsed)


def describe(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False)
