"""A loopback HTTP proxy that misbehaves on purpose ("lie-fi"), for the browser tests.

The browser talks to ``proxy.url`` instead of the app; the proxy forwards each request to
the app on ``127.0.0.1:upstream_port`` and, when a rule says so, answers the way a bad
mobile network does::

    with LieFiProxy(live_app.live.port) as proxy:
        page.goto(proxy.url + "/x/05665")
        rule = proxy.hang("POST", r"^/api/v1/dossiers$", after_upstream=True)
        ...
        assert rule.wait()          # the request reached the proxy (and the rule)
        proxy.clear()               # back to plain forwarding

Rules match on the method (``None``: any) and a regular expression searched in the path
(without the query; ``None``: any), are tried in the order they were added, and each takes
the next ``times`` matching requests (``None``: every one, for ever); a request no rule
takes is passed through. A default link (``proxy.default = SLOW_3G``) slows every request
that no ``throttle`` rule took, the faulty ones included.

One request per client connection: the proxy sends ``Connection: close`` both ways, so the
response ends where the connection ends and nothing needs re-framing. Request bodies need a
Content-Length (chunked uploads are answered 501). Plain stdlib, a thread per connection.
It logs nothing at all: bodies and queries may hold personal data.
"""

import contextlib
import fcntl
import re
import select
import socket
import struct
import termios
import threading
import time
from dataclasses import dataclass

HEAD_LIMIT = 64 * 1024
READ_SIZE = 64 * 1024
# Hop-by-hop headers: dropped both ways, replaced by "Connection: close".
HOP_BY_HOP = {b"connection", b"keep-alive", b"proxy-connection", b"upgrade", b"te", b"expect"}


@dataclass(frozen=True)
class Throttle:
    """A link: bytes per second to the client (``down``) and from it (``up``), ``None`` for
    no limit, and ``latency`` seconds added to each request's round trip."""

    down: float | None = None
    up: float | None = None
    latency: float = 0.0


# About what a phone gets on a poor 3G signal: 400 kbit/s down, 150 kbit/s up, 400 ms.
SLOW_3G = Throttle(down=400_000 / 8, up=150_000 / 8, latency=0.4)


class _Pacer:
    """A pipe of ``rate`` bytes/s shared by whoever sends through it (thread-safe)."""

    def __init__(self, rate: float):
        if rate <= 0:
            raise ValueError("a rate is bytes per second, above zero")
        self.rate = float(rate)
        self._free_at = 0.0
        self._lock = threading.Lock()

    def reserve(self, n: int) -> float:
        """The monotonic time at which ``n`` more bytes have gone through the pipe."""
        with self._lock:
            start = max(time.monotonic(), self._free_at)
            self._free_at = start + n / self.rate
            return self._free_at


class _Link:
    def __init__(self, throttle: Throttle):
        self.down = _Pacer(throttle.down) if throttle.down else None
        self.up = _Pacer(throttle.up) if throttle.up else None
        self.latency = throttle.latency


class Rule:
    """One misbehaviour, as returned by LieFiProxy's hang/drip/reset/throttle.

    ``hits`` counts the requests it took; ``wait(n)`` waits until it took ``n``."""

    def __init__(self, kind, method, path, times, **options):
        if times is not None and times < 1:
            raise ValueError("times: a positive count, or None for ever")
        self.kind = kind
        self.method = method.upper() if method else None
        self.path = re.compile(path) if path else None
        self.remaining = times
        self.options = options
        self.hits = 0
        self.link = _Link(options["link"]) if kind == "throttle" else None
        self._hit = threading.Condition()
        self._released = threading.Event()

    def __repr__(self):
        path = self.path.pattern if self.path else None
        return f"<Rule {self.kind} {self.method or '*'} {path!r} hits={self.hits}>"

    def _matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method.upper():
            return False
        return self.path is None or self.path.search(path) is not None

    def _count_hit(self):
        with self._hit:
            self.hits += 1
            self._hit.notify_all()

    def wait(self, hits: int = 1, timeout: float = 15.0) -> bool:
        """True once the rule has taken ``hits`` requests; False after ``timeout`` s."""
        with self._hit:
            return self._hit.wait_for(lambda: self.hits >= hits, timeout)


class LieFiProxy:
    """A misbehaving HTTP proxy on 127.0.0.1 (a free port) in front of ``upstream_port``."""

    def __init__(self, upstream_port: int, default: Throttle | None = None):
        self.upstream_port = upstream_port
        self._lock = threading.Lock()
        self._rules: list[Rule] = []  # still taking requests
        self._placed: list[Rule] = []  # every rule since the last clear(), for release
        self._seen: list[tuple[str, str]] = []
        self._sockets: set[socket.socket] = set()
        self._threads: set[threading.Thread] = set()
        self._closed = threading.Event()
        self._default: _Link | None = None
        self._default_throttle: Throttle | None = None
        self.default = default
        # No network at all: every connection is reset at once, and the app sees nothing.
        self.offline = False
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._acceptor = threading.Thread(
            target=self._accept_loop, name=f"lie-fi-{self.port}-accept", daemon=True
        )
        self._acceptor.start()

    # -- the switches -------------------------------------------------------------------

    @property
    def default(self) -> Throttle | None:
        """The link every request goes through unless a throttle rule took it (None: none)."""
        return self._default_throttle

    @default.setter
    def default(self, throttle: Throttle | None):
        with self._lock:
            self._default_throttle = throttle
            self._default = _Link(throttle) if throttle else None

    def hang(self, method=None, path=None, *, times=1, after_upstream=False) -> Rule:
        """Never answer. The app does not see the request, or, with ``after_upstream``, it
        does (and answers, to nobody). The connection stays open until clear() or close(),
        or until the client gives up."""
        return self._add(Rule("hang", method, path, times, after_upstream=after_upstream))

    def drip(self, rate, method=None, path=None, *, times=1) -> Rule:
        """Answer in full, at ``rate`` bytes per second (head included)."""
        if rate <= 0:
            raise ValueError("rate: bytes per second, above zero")
        return self._add(Rule("drip", method, path, times, rate=rate))

    def reset(self, after_bytes, method=None, path=None, *, times=1) -> Rule:
        """Forward, then send the response's head and its first ``after_bytes`` body bytes
        (all but the last one when the body is shorter; a bodiless response, such as a 304,
        loses its head's last line end) and reset the connection (RST)."""
        if after_bytes < 0:
            raise ValueError("after_bytes: zero or more")
        return self._add(Rule("reset", method, path, times, after_bytes=after_bytes))

    def throttle(self, link: Throttle = SLOW_3G, method=None, path=None, *, times=None) -> Rule:
        """Send the matching requests through their own ``link`` (shared by them) instead
        of the default one. For every request, set ``proxy.default`` instead."""
        return self._add(Rule("throttle", method, path, times, link=link))

    def clear(self):
        """Remove every rule and close the connections held by hang rules (their clients
        see the connection closed with no answer). The default link stays."""
        with self._lock:
            placed, self._placed, self._rules = self._placed, [], []
        for rule in placed:
            rule._released.set()

    @property
    def requests_seen(self) -> list[tuple[str, str]]:
        """(method, path) of every request the proxy received, in order (a copy)."""
        with self._lock:
            return list(self._seen)

    def close(self):
        """Stop listening, drop every connection, and wait for the proxy's threads."""
        with self._lock:
            if self._closed.is_set():
                return
            self._closed.set()
        self.clear()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._acceptor.join(5)
        self._listener.close()
        with self._lock:
            sockets, threads = list(self._sockets), list(self._threads)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- internals ----------------------------------------------------------------------

    def _add(self, rule: Rule) -> Rule:
        with self._lock:
            self._rules.append(rule)
            self._placed.append(rule)
        return rule

    def _take(self, method: str, path: str) -> Rule | None:
        """Under self._lock: the first rule that takes this request, counted."""
        for rule in self._rules:
            if rule._matches(method, path):
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining == 0:
                        self._rules.remove(rule)
                rule._count_hit()
                return rule
        return None

    def _accept_loop(self):
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                if self._closed.is_set():
                    return
                time.sleep(0.01)
                continue
            client.settimeout(None)
            thread = threading.Thread(
                target=self._serve, args=(client,), name=f"lie-fi-{self.port}-conn", daemon=True
            )
            with self._lock:
                self._threads.add(thread)
            thread.start()

    def _track(self, sock: socket.socket):
        with self._lock:
            if self._closed.is_set():
                sock.close()
                raise OSError("lie-fi proxy closed")
            self._sockets.add(sock)

    def _untrack(self, sock: socket.socket | None, abort=False):
        if sock is None:
            return
        with self._lock:
            self._sockets.discard(sock)
        if abort:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()

    def _sleep_until(self, deadline: float):
        delay = deadline - time.monotonic()
        if delay > 0 and self._closed.wait(delay):
            raise OSError("lie-fi proxy closed")

    def _serve(self, client: socket.socket):
        upstream = None
        abort = False
        try:
            self._track(client)
            if self.offline:
                abort = True
                return
            head, rest = _read_head(client)
            if head is None:
                return
            method, target, version, headers = _parse_head(head)
            path = _path_of(target)
            with self._lock:
                self._seen.append((method, path))
                rule = self._take(method, path)
                link = self._default
            kind = rule.kind if rule else "pass"
            if kind == "throttle":
                link = rule.link
            up = [link.up] if link and link.up else []
            down = [link.down] if link and link.down else []
            latency = link.latency if link else 0.0
            if _header(headers, b"transfer-encoding"):
                client.sendall(
                    b"HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n"
                    b"Connection: close\r\n\r\n"
                )
                return
            length = int(_header(headers, b"content-length") or 0)
            if length < 0:
                raise ValueError("negative Content-Length")
            if b"100-continue" in (_header(headers, b"expect") or b"").lower():
                client.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            self._pace(up, len(head) + min(len(rest), length))
            body = rest[:length] + self._recv_exactly(client, length - len(rest), up)
            if kind == "hang" and not rule.options["after_upstream"]:
                self._hold(client, rule)
                return
            start = time.monotonic()
            self._sleep_until(start + latency / 2)
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                abort = True  # the app is down: the client sees the connection reset
                return
            self._track(upstream)
            upstream.sendall(_rewrite(head, f"{method} {_origin_form(target)} {version}") + body)
            if kind == "hang":
                while upstream.recv(READ_SIZE):
                    pass  # the app's answer, which nobody will hear
                self._hold(client, rule)
                return
            response_head, response_rest = _read_head(upstream)
            if response_head is None:
                abort = True
                return
            out = _rewrite(response_head)
            self._sleep_until(start + latency)
            if kind == "drip":
                down = [*down, _Pacer(rule.options["rate"])]
            if kind == "reset":
                chunks = [response_rest]
                while data := upstream.recv(READ_SIZE):
                    chunks.append(data)
                whole = b"".join(chunks)
                if whole:
                    sent = out + whole[: min(rule.options["after_bytes"], len(whole) - 1)]
                else:  # no body (a 304, a HEAD): cut the head itself short
                    sent = out[:-2]
                self._send(client, sent, down)
                _flush(client)
                abort = True
                return
            self._send(client, out + response_rest, down)
            while data := upstream.recv(READ_SIZE):
                self._send(client, data, down)
        except (OSError, ValueError):
            abort = True
        finally:
            self._untrack(upstream)
            self._untrack(client, abort=abort)
            with self._lock:
                self._threads.discard(threading.current_thread())

    def _hold(self, client: socket.socket, rule: Rule):
        """Until the rule is cleared, the proxy closes, or the client hangs up."""
        while not rule._released.wait(0.2):
            if self._closed.is_set() or _peer_gone(client):
                return

    def _pace(self, pacers, n: int):
        if pacers and n:
            self._sleep_until(max(p.reserve(n) for p in pacers))

    def _send(self, sock: socket.socket, data: bytes, pacers):
        if not pacers:
            sock.sendall(data)
            return
        step = _step(pacers)
        for i in range(0, len(data), step):
            piece = data[i : i + step]
            self._pace(pacers, len(piece))
            sock.sendall(piece)

    def _recv_exactly(self, sock: socket.socket, n: int, pacers) -> bytes:
        chunks = []
        step = _step(pacers) if pacers else READ_SIZE
        while n > 0:
            data = sock.recv(min(n, step))
            if not data:
                raise OSError("the client closed before the end of its body")
            chunks.append(data)
            n -= len(data)
            self._pace(pacers, len(data))
        return b"".join(chunks)


def _step(pacers) -> int:
    """Bytes per send: about 20 a second at the slowest pipe's rate."""
    return max(1, min(READ_SIZE, int(min(p.rate for p in pacers) / 20)))


def _read_head(sock: socket.socket) -> tuple[bytes | None, bytes]:
    """(the head up to its blank line, what came after it); (None, b"") on a clean close."""
    buf = b""
    while (end := buf.find(b"\r\n\r\n")) < 0:
        if len(buf) > HEAD_LIMIT:
            raise ValueError("head too long")
        data = sock.recv(READ_SIZE)
        if not data:
            if buf:
                raise ValueError("closed inside the head")
            return None, b""
        buf += data
    return buf[: end + 4], buf[end + 4 :]


def _parse_head(head: bytes):
    lines = head[:-4].split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) != 3:
        raise ValueError("not an HTTP request line")
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon:
            raise ValueError("not a header line")
        headers.append((name.strip().lower(), value.strip()))
    method, target, version = (p.decode("latin-1") for p in parts)
    return method, target, version, headers


def _header(headers, name: bytes) -> bytes | None:
    for key, value in headers:
        if key == name:
            return value
    return None


def _origin_form(target: str) -> str:
    """``/path?query`` out of a request target, which may be absolute (``http://host/...``)."""
    if target.startswith(("http://", "https://")):
        parts = target.split("/", 3)
        return "/" + parts[3] if len(parts) == 4 else "/"
    return target


def _path_of(target: str) -> str:
    return _origin_form(target).split("?", 1)[0]


def _rewrite(head: bytes, first_line: str | None = None) -> bytes:
    """The same head (request or response) without hop-by-hop headers, with
    ``Connection: close`` (and ``first_line`` instead of its own, if given)."""
    lines = head[:-4].split(b"\r\n")
    if first_line is not None:
        lines[0] = first_line.encode("latin-1")
    named = set()
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"connection":
            named |= {t.strip().lower() for t in value.split(b",")}
    kept = [lines[0]]
    for line in lines[1:]:
        name = line.partition(b":")[0].strip().lower()
        if name not in HOP_BY_HOP and name not in named:
            kept.append(line)
    kept.append(b"Connection: close")
    return b"\r\n".join(kept) + b"\r\n\r\n"


def _peer_gone(sock: socket.socket) -> bool:
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def _flush(sock: socket.socket, timeout: float = 5.0):
    """Until the kernel has delivered what was sent: a reset drops unsent bytes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            unsent = struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0" * 4))
        except OSError:
            time.sleep(0.1)
            return
        if unsent[0] == 0:
            return
        time.sleep(0.005)
