"""The kept answer of a status lookup, sent without Flask's request machinery.

The status lookup (POST /api/v1/status) is the site's most frequent request:
citizens check their dossier again and again, and almost every check finds
an answer already kept (services.dossiers.tracking keeps it per dossier
version). Flask's request and response objects and the app's thirteen hooks
cost more than that check itself: a do-nothing route of this app takes 2.5x
what a bare Flask route does.

So this WSGI layer, inside ProxyFix (the client address is the corrected
one), answers one case itself: a well-formed lookup, not refused by a guess
budget, whose code and digits match and whose answer is kept. It only reads
(the same reads as the full path, through tracking.kept_answer) and counts
nothing. Everything else, a wrong guess, a spent budget, a malformed body,
an answer not kept yet, a database error, goes to Flask untouched (its body
given back as it came), which answers it and does any counting once.

The answer is built by the same functions as Flask's (services.web's headers
and gzip, services.operations' counters): tests/api/test_status_fast_path.py
compares the two byte for byte.
"""

from __future__ import annotations

import io
import time

from flask import Flask

from blueprints.api.common import _validators
from blueprints.api.spec import STATUS_LOOKUP
from services.dossiers import tracking
from services.input import BadInput, read_json
from services.operations import count_answer
from services.web import add_default_headers, compress

# Its path, and the route's rule that the request counter labels it with.
ROUTE = "/api/v1/status"


class StatusFastPath:
    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.validator = _validators(STATUS_LOOKUP)[0]

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != ROUTE or environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        answer = self._kept(environ)
        if answer is None:
            return self.wsgi_app(environ, start_response)
        return self._send(environ, start_response, answer, started)

    def _kept(self, environ) -> bytes | None:
        """The kept answer's JSON, or None: then Flask answers (with the body back)."""
        config = self.app.config
        if not config["STATUS_FAST_PATH"] or environ.get("QUERY_STRING"):
            return None
        content_type = environ.get("CONTENT_TYPE", "")
        if content_type.partition(";")[0].strip().lower() != "application/json":
            return None
        digits = environ.get("CONTENT_LENGTH", "")
        length = int(digits) if digits.isascii() and digits.isdigit() else None
        address = environ.get("REMOTE_ADDR")
        if (
            length is None
            or length > config["MAX_JSON_BYTES"]
            or "HTTP_TRANSFER_ENCODING" in environ
            or not address
        ):
            return None
        raw = environ["wsgi.input"].read(length)
        # Whatever happens next, Flask may read the body as if untouched.
        environ["wsgi.input"] = io.BytesIO(raw)
        environ["wsgi.input_terminated"] = True
        if len(raw) != length:
            return None  # the client went away mid-body: Flask says so
        try:
            body = read_json(raw, config["MAX_JSON_BYTES"], config["MAX_JSON_DEPTH"])
        except BadInput:
            return None
        if not self.validator.is_valid(body):
            return None
        with self.app.app_context():
            try:
                return tracking.kept_answer(body["code"], body["phone_last4"], address)
            except Exception:  # noqa: BLE001 (the full path answers it: 503, its log)
                return None

    def _send(self, environ, start_response, answer: bytes, started: float):
        response = self.app.response_class(answer, mimetype="application/json")
        compress(response, environ.get("HTTP_ACCEPT_ENCODING", ""), kept=True)
        add_default_headers(
            self.app,
            response.headers,
            secure=environ.get("wsgi.url_scheme") == "https",
            immutable=False,
        )
        count_answer(ROUTE, 200, started)
        return response(environ, start_response)


def init_app(app: Flask) -> None:
    """Before services.web.init_proxy: ProxyFix must wrap this layer too."""
    app.wsgi_app = StatusFastPath(app, app.wsgi_app)
