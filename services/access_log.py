"""Access logs without secrets or personal data in query strings.

A query string can carry what must never reach a log: the OpenID Connect
``code`` and ``state`` of the VNeID callback, a form's print token, a phone
number or a name typed in a search box, a dossier code. Rather than list
such routes (and miss the next one), the access logs of both servers keep
the path and the parameter *names* and drop every value:
``GET /dang-nhap/vneid/ve?code=…&state=… HTTP/1.1``. The Referer is scrubbed
the same way, since the page after a callback is referred by its full URL.

- ``werkzeug`` (``flask run``, tests): :class:`WerkzeugQueryFilter` on its
  logger, installed by :func:`init_app`.
- gunicorn (``make run``, production): :class:`GunicornAccessLogger`, named
  by ``logger_class`` in gunicorn.conf.py.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger as _GunicornLogger

HIDDEN = "…"
# A query inside any text: up to a space, a quote or a terminal colour code
# (werkzeug colours the request line when the console can show it).
_QUERY_IN_TEXT = re.compile(r"\?([^\s\"'\x1b]*)")


def scrub_query(query: str) -> str:
    """``a=1&b=x`` -> ``a=…&b=…``: names kept, values dropped."""
    if not query:
        return ""
    names = []
    for part in query.split("&"):
        name = part.split("=", 1)[0][:40]
        names.append(f"{name}={HIDDEN}" if name else HIDDEN)
    return "&".join(names)


def scrub_url(url: str) -> str:
    """A path or a full URL with its query values dropped (and its fragment)."""
    url = url.split("#", 1)[0]
    base, sep, query = url.partition("?")
    return f"{base}?{scrub_query(query)}" if sep else base


def scrub_request_line(text: str) -> str:
    """Every query inside ``text`` (a request line, a log message) scrubbed."""
    return _QUERY_IN_TEXT.sub(lambda m: "?" + scrub_query(m[1].split("#", 1)[0]), text)


class WerkzeugQueryFilter(logging.Filter):
    """werkzeug logs ``"%s" %s %s`` with the request line as first argument."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                scrub_request_line(a) if isinstance(a, str) and "?" in a else a for a in record.args
            )
        elif isinstance(record.msg, str) and "?" in record.msg and not record.args:
            record.msg = scrub_request_line(record.msg)
        return True


_FILTER = WerkzeugQueryFilter()


def init_app(app) -> None:
    logger = logging.getLogger("werkzeug")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


class GunicornAccessLogger(_GunicornLogger):
    """gunicorn's logger with every access-log atom scrubbed: the request line
    (``%(r)s``), the query (``%(q)s``), the Referer (``%(f)s``) and any header
    or environ atom holding a URL (``%({referer}i)s``, ``%({location}o)s``:
    the redirect to the provider carries ``state`` and ``nonce``)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = scrub_request_line(atoms["r"])
        atoms["q"] = scrub_query(atoms.get("q") or "")
        for key, value in atoms.items():
            if not isinstance(value, str):
                continue
            if key == "{query_string}e":
                atoms[key] = scrub_query(value)
            elif (key == "f" or key.startswith("{")) and "?" in value:
                atoms[key] = scrub_url(value)
        return atoms
