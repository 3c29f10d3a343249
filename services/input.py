"""Reading what clients send, bounded, in one place: JSON, numbers, stray bytes.

Each of these reached a 500 once: JSON nested 2,000 levels deep (RecursionError
in the parser or the schema validator), a JSON string posted to a page (Flask-WTF
reads JSON bodies as form data), page numbers past 64 bits (OverflowError in the
database driver), "²" or "①②③④" where a number was expected (ValueError), NUL
bytes (PostgreSQL refuses them in text). Here each is a 400 with a Vietnamese
message that says what to do, for every route at once.
"""

from __future__ import annotations

import json

from flask import Flask, current_app, has_request_context, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from domain.numbers import INT64_MAX, whole_number

MSG_JSON_MALFORMED = "Dữ liệu gửi lên bị lỗi. Hãy thử lại."
MSG_JSON_TOO_LARGE = "Dữ liệu gửi lên quá lớn."
MSG_JSON_TOO_DEEP = "Dữ liệu gửi lên lồng nhau quá nhiều tầng. Hãy gửi lại đúng mẫu."
MSG_NUL = "Dữ liệu gửi lên có ký tự không hợp lệ (ký tự rỗng). Hãy gõ lại rồi gửi."
MSG_JSON_ON_PAGE = "Trang này chỉ nhận dữ liệu từ biểu mẫu. Hãy tải lại trang rồi gửi lại."


class BadInput(Exception):
    """A request the app cannot read: answered 400 (or `status`) with `message`."""

    def __init__(self, message: str, code: str = "bad_input", status: int = 400):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


def _too_deep(value, max_depth: int) -> bool:
    """Whether `value` nests more than max_depth arrays/objects (no recursion)."""
    level = [value]
    for _ in range(max_depth):
        level = [
            child
            for item in level
            if isinstance(item, (dict, list))
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not any(isinstance(item, (dict, list)) for item in level):
            return False
    return True


def read_json(raw: bytes | str, max_bytes: int, max_depth: int):
    """The JSON value in `raw`, or BadInput: too large, malformed, too deep, NUL."""
    if len(raw) > max_bytes:
        raise BadInput(MSG_JSON_TOO_LARGE, "too_large", 413)
    text = raw.encode() if isinstance(raw, str) else raw
    if b"\\u0000" in text or b"\x00" in text:
        raise BadInput(MSG_NUL, "invalid_characters")
    try:
        value = json.loads(text or b"null")
    except RecursionError:
        raise BadInput(MSG_JSON_TOO_DEEP, "too_deep") from None
    except (ValueError, UnicodeDecodeError):
        raise BadInput(MSG_JSON_MALFORMED, "malformed_json") from None
    # Fewer brackets than the limit cannot nest past it: the walk is skipped
    # for almost every body (the status lookup has one pair).
    if text.count(b"[") + text.count(b"{") > max_depth and _too_deep(value, max_depth):
        raise BadInput(MSG_JSON_TOO_DEEP, "too_deep")
    return value


def request_json():
    """The request's JSON body through read_json, with the app's limits."""
    config = current_app.config
    if (request.content_length or 0) > config["MAX_JSON_BYTES"]:
        raise BadInput(MSG_JSON_TOO_LARGE, "too_large", 413)
    return read_json(
        request.get_data(cache=True), config["MAX_JSON_BYTES"], config["MAX_JSON_DEPTH"]
    )


class BoundedJSONProvider(DefaultJSONProvider):
    """request.get_json() (Flask-WTF's too) reads through read_json."""

    def loads(self, s, **kwargs):
        if not has_request_context():  # a test reading a response, a command
            return super().loads(s, **kwargs)
        config = current_app.config
        return read_json(s, config["MAX_JSON_BYTES"], config["MAX_JSON_DEPTH"])


def _number(source, name: str, default: int, low: int, high: int, message: str) -> int:
    text = source.get(name)
    if text is None or text == "":
        return default
    number = whole_number(text, low, high)
    if number is None:
        raise BadInput(message)
    return number


def query_int(name: str, default: int, low: int = 0, high: int = INT64_MAX, message=None) -> int:
    """A whole number from the query string: `default` when absent, else BadInput."""
    return _number(request.args, name, default, low, high, message or _message(low, high))


def form_int(name: str, default: int, low: int = 0, high: int = INT64_MAX, message=None) -> int:
    """A whole number from the form: `default` when absent, else BadInput."""
    return _number(request.form, name, default, low, high, message or _message(low, high))


def _message(low: int, high: int) -> str:
    if high >= INT64_MAX:
        return "Đường dẫn hoặc biểu mẫu có một số không hợp lệ. Hãy tải lại trang rồi thử lại."
    return (
        f"Đường dẫn hoặc biểu mẫu có một số không hợp lệ (cần từ {low} đến {high}). "
        "Hãy tải lại trang rồi thử lại."
    )


class BoundedIntegerConverter(IntegerConverter):
    """<int:…> in routes: ASCII digits only and at most a 64-bit id.

    Werkzeug's own matches any Unicode digit and any length; a longer one
    reached the database driver as an OverflowError. Out of range: 404."""

    regex = r"[0-9]{1,19}"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT64_MAX)
        super().__init__(map, *args, **kwargs)


def _values_have_nul(values) -> bool:
    # A nameless multipart part has the key None (refused before this runs).
    return any(
        "\x00" in (key or "") or any("\x00" in v for v in values.getlist(key)) for key in values
    )


def refuse_unreadable_requests() -> None:
    """NUL bytes anywhere, and JSON bodies sent to a page (pages take forms)."""
    # Every request runs this: the request object once, not a proxy lookup
    # per attribute, and no query string parsed when there is none.
    req = request._get_current_object()
    if "\x00" in req.path or (req.environ.get("QUERY_STRING") and _values_have_nul(req.args)):
        raise BadInput(MSG_NUL, "invalid_characters")
    if req.method in ("GET", "HEAD", "OPTIONS"):
        return
    if req.is_json and not req.path.startswith("/api/"):
        raise BadInput(MSG_JSON_ON_PAGE, "unsupported_media_type", 415)
    if req.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data") and (
        _values_have_nul(req.form)
    ):
        raise BadInput(MSG_NUL, "invalid_characters")


def init_app(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
    app.url_map.converters["int"] = BoundedIntegerConverter

    # Ahead of CSRFProtect's check, which reads the form (services/web.py puts
    # its own nameless-part check in front of this one).
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unreadable_requests)

    from services.web import error_response

    @app.errorhandler(BadInput)
    def bad_input(error: BadInput):
        return error_response(error.status, error.code, error.message)
