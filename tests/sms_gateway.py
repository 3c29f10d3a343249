"""An SMS gateway on loopback that honours client references, as real ones
(and GOV.UK Notify's `reference`) do: a message whose reference it has seen is
answered 200 and not delivered again. It counts what reached "the phones".

`hold` answers nothing until `release` is set (a gateway slower than the
sender's timeout, or one a test crashes a worker in front of); `status` is the
answer's HTTP status.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackGateway:
    def __init__(self) -> None:
        self.deliveries: Counter[str] = Counter()  # reference (or "-") -> SMS delivered
        self.requests: list[dict] = []
        self.arrived = threading.Semaphore(0)
        self.release = threading.Event()
        self.release.set()
        self.status = 200
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                reference = body.get("reference") or self.headers.get("Idempotency-Key")
                with gateway._lock:
                    gateway.requests.append(body)
                    if gateway.status == 200 and (
                        reference is None or reference not in gateway.deliveries
                    ):
                        gateway.deliveries[reference or f"-{len(gateway.requests)}"] += 1
                gateway.arrived.release()
                gateway.release.wait(20)  # a stuck test ends
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                payload = json.dumps({"reference": reference}).encode()
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def delivered(self) -> int:
        return sum(self.deliveries.values())

    def __enter__(self) -> LoopbackGateway:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
