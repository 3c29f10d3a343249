"""Cross-cutting web behaviour: headers, compression, errors, asset URLs."""

import gzip
import hashlib
import math
import time
from functools import cache, lru_cache
from pathlib import Path

from flask import Flask, abort, current_app, g, jsonify, render_template, request, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
DEFAULT_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(self), microphone=(), geolocation=()"),
    ("X-Frame-Options", "DENY"),
)
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")

ERROR_MESSAGES = {
    400: "Yêu cầu không hợp lệ. Hãy tải lại trang và thử lại.",
    403: "Bạn không có quyền xem trang này.",
    404: "Không tìm thấy trang hoặc hồ sơ này. Hãy kiểm tra lại đường dẫn hoặc mã hồ sơ.",
    405: "Thao tác này không được hỗ trợ.",
    413: "Dữ liệu gửi lên quá lớn. Hãy chụp lại ảnh hoặc gửi ít hơn.",
    415: "Định dạng dữ liệu không được hỗ trợ.",
    # Only when no wait is known (an abort(429) of our own); a limit's 429
    # says how long to wait (too_many_requests).
    429: "Bạn đã thử quá nhiều lần. Hãy đợi một lúc rồi thử lại.",
    500: "Hệ thống đang gặp lỗi. Thông tin của bạn vẫn được giữ. Hãy thử lại sau ít phút.",
}


@lru_cache(maxsize=64)
def _gzip_static(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, fields: dict | None = None, missing=None):
    if wants_json():
        body = {"error": {"code": code, "message": message}}
        if fields:
            body["error"]["fields"] = fields
        if missing:
            body["error"]["missing"] = missing
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


def wait_text(seconds: int) -> str:
    """A wait in words, rounded up: whoever waits that long is let in."""
    if seconds < 60:
        return f"{seconds} giây"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} phút"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} giờ" + (f" {minutes} phút" if minutes else "")


def try_again_text(seconds: int) -> str:
    return f"Hãy đợi {wait_text(seconds)} rồi thử lại."


def note_retry_after(seconds: int) -> int:
    """Make `seconds` this request's Retry-After (see retry_after_header)."""
    g.retry_after = max(1, int(seconds))
    return g.retry_after


def too_many_requests(seconds: int, lead: str = "Bạn đã thử quá nhiều lần.", code="rate_limited"):
    """A 429 whose words and Retry-After header give the same wait."""
    seconds = note_retry_after(seconds)
    return error_response(429, code, f"{lead} {try_again_text(seconds)}")


def breached_limit_wait() -> int:
    """Seconds until every Flask-Limiter limit this request broke lets it in again.

    The longest of them: the shortest (what the exception names) would send
    the citizen back to be refused again.
    """
    from extensions import limiter

    now = time.time()
    waits = [lim.window.reset_time - now for lim in limiter.current_limits if lim.breached]
    return max(1, math.ceil(max(waits, default=60)))


def retry_after_header(response):
    """The last after_request: Retry-After is the wait the 429's message gave.

    Flask-Limiter's own header hook rewrites Retry-After from its limit (one
    second off after its rounding, or the window of a limit that was not the
    one refused); this runs after it.
    """
    seconds = g.get("retry_after")
    if seconds is not None and response.status_code in (429, 503):
        response.headers["Retry-After"] = str(seconds)
    return response


@cache
def _asset_hash(path: str) -> str:
    data = (Path(current_app.static_folder) / path).read_bytes()
    return hashlib.sha256(data).hexdigest()[:10]


def asset_url(path: str) -> str:
    """Static URLs carry a content hash so they can be cached for a year."""
    return url_for("static", filename=path, v=_asset_hash(path))


def vn_clock(value) -> str:
    """Hour and minute in Vietnam: when a code was sent, said to the citizen."""
    from domain.clock import VN_TZ
    from models.base import as_utc

    return as_utc(value).astimezone(VN_TZ).strftime("%H:%M")


def vn_time(value) -> str:
    from domain.clock import VN_TZ
    from models.base import as_utc

    return as_utc(value).astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def sessionless(view):
    """Mark a view that neither reads nor writes the session (the status lookup).

    Its requests skip the session cookie altogether: verifying the cookie's
    signature is the largest part of a cached lookup, and a citizen's phone
    sends the cookie with every request. The view gets an empty session that
    refuses writes, and the cookie is left as it was.
    """
    view.sessionless = True
    return view


class UnusedSession(SecureCookieSession):
    def _refuse(self, *args, **kwargs):
        raise RuntimeError("This view is @sessionless: it must not write the session.")

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _refuse


class SessionInterface(SecureCookieSessionInterface):
    """Session cookies are Secure whenever the request came over HTTPS.

    Behind a TLS-terminating proxy (TRUST_PROXY) the same deployment also
    answers plain http on loopback for health checks; a fixed
    SESSION_COOKIE_SECURE would either break those or leak the cookie.
    """

    def __init__(self) -> None:
        # Paths of @sessionless views (fixed paths only; the session is
        # opened before the URL is matched, so the path is what is known).
        self.sessionless_paths: frozenset[str] = frozenset()

    def learn_sessionless_paths(self, app: Flask) -> None:
        self.sessionless_paths = frozenset(
            rule.rule
            for rule in app.url_map.iter_rules()
            if not rule.arguments
            and getattr(app.view_functions.get(rule.endpoint), "sessionless", False)
        )

    def open_session(self, app: Flask, request):
        if request.path in self.sessionless_paths:
            return UnusedSession()
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def init_proxy(app: Flask) -> None:
    """Believe X-Forwarded-* only when TRUST_PROXY says a proxy of ours is there.

    Otherwise anyone could claim https, another host, or another client
    address (and so dodge the per-IP rate limits).
    """
    hops = app.config.get("TRUST_PROXY", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def refuse_nameless_form_parts() -> None:
    """A multipart part whose name cannot be read arrives with the name None.

    Flask-WTF looks for the CSRF token among the form's field names
    (key.endswith) before it reads the header, and crashes on None: a 500
    that anyone could cause. Found by schemathesis; such a body is malformed.
    """
    if request.mimetype == "multipart/form-data" and (
        None in request.form or None in request.files
    ):
        abort(400)


def allow_form_target(app: Flask, origin: str) -> None:
    """Let forms of this site lead to `origin` too (CSP form-action, which
    Chromium also applies to a POST's redirect): the identity provider's
    sign-in and sign-out pages, reached from a POST with a CSRF token."""
    csp = CSP.replace("form-action 'self'", f"form-action 'self' {origin}")
    app.extensions["default_headers"] = tuple(
        (name, csp if name == "Content-Security-Policy" else value)
        for name, value in DEFAULT_HEADERS
    )


def add_default_headers(app: Flask, h, *, secure: bool, immutable: bool) -> None:
    """The security and caching headers every answer carries, unless already set.

    One pass over the few headers already set: Headers.setdefault and `in`
    raise and catch a KeyError per miss, which costs more than the rest of a
    cached status lookup."""
    present = {name.lower() for name, _value in h}
    for name, value in app.extensions.get("default_headers", DEFAULT_HEADERS):
        if name.lower() not in present:
            h.add(name, value)
    if secure and "strict-transport-security" not in present:
        # Over plain http the header is ignored by browsers anyway, and
        # sending it from a development server would pin localhost to https.
        h.add("Strict-Transport-Security", HSTS)
    if immutable:
        h["Cache-Control"] = "public, max-age=31536000, immutable"
    elif "cache-control" not in present:
        # Pages hold a per-user CSRF token and answers: never cache them.
        h.add("Cache-Control", "no-store")


@lru_cache(maxsize=2048)
def _gzip_kept(data: bytes) -> bytes:
    # As many as the status answers kept (tracking.STATUS_CACHE_SIZE), the
    # same bytes sent again and again: gzip took 40% of a kept lookup.
    return gzip.compress(data, 6, mtime=0)


def compress(response, accept_encoding: str, static: bool = False, kept: bool = False):
    """The response gzipped when the client takes gzip and it is worth it.

    `kept`: the body is one of a few answers sent unchanged many times (a
    kept status), so its gzip is kept too; never a page, which differs each
    time (its CSRF token) and would only churn the cache."""
    if (
        response.direct_passthrough
        or response.status_code != 200
        or "gzip" not in accept_encoding
        or not (response.mimetype or "").startswith(COMPRESSIBLE)
        or "Content-Encoding" in response.headers
    ):
        return response
    data = response.get_data()
    if len(data) < 500:
        return response
    if static:
        packed = _gzip_static(data)
    else:
        packed = _gzip_kept(data) if kept else gzip.compress(data, 6, mtime=0)
    response.set_data(packed)
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Length"] = str(len(response.get_data()))
    response.vary.add("Accept-Encoding")
    return response


def init_app(app: Flask) -> None:
    init_proxy(app)
    app.session_interface = SessionInterface()
    app.session_interface.learn_sessionless_paths(app)
    # First in line, so it runs before CSRFProtect's own before_request.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_nameless_form_parts)
    # First in the list, so it runs after every other after_request.
    app.after_request_funcs.setdefault(None, []).insert(0, retry_after_header)
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.filters["vn_time"] = vn_time

    @app.context_processor
    def signed_in_citizen():
        # Every page's header offers "Hồ sơ của tôi" to a signed-in citizen, not
        # only the pages whose view happened to look the citizen up already.
        def signed_in() -> bool:
            from services.identity.auth import current_citizen

            return current_citizen() is not None

        return {"citizen_signed_in": signed_in}

    @app.after_request
    def security_headers(response):
        req = request._get_current_object()  # once: this runs on every answer
        immutable = bool(req.path.startswith("/static/") and req.args.get("v"))
        add_default_headers(app, response.headers, secure=req.is_secure, immutable=immutable)
        return response

    @app.after_request
    def compress_hook(response):
        if response.direct_passthrough and request.endpoint == "static":
            # Static files stream from disk; read them so they can be gzipped
            # (they are small, and the gzip is cached by content below).
            response.direct_passthrough = False
        static = request.endpoint == "static"
        return compress(response, request.environ.get("HTTP_ACCEPT_ENCODING", ""), static)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_response(
            400,
            "csrf",
            "Phiên làm việc đã hết hạn hoặc trang đã cũ. Hãy tải lại trang rồi thử lại; "
            "thông tin đã nhập vẫn được giữ.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error):
        status = error.code or 500
        message = ERROR_MESSAGES.get(status, ERROR_MESSAGES[400])
        if status == 429:
            from flask_limiter.errors import RateLimitExceeded

            if isinstance(error, RateLimitExceeded):
                return too_many_requests(breached_limit_wait())
            return error_response(status, "rate_limited", message)
        return error_response(status, error.name.lower().replace(" ", "_"), message)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        from extensions import db

        db.session.rollback()
        return error_response(500, "server_error", ERROR_MESSAGES[500])
