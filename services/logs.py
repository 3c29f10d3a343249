"""Logs as one JSON object a line (LOG_FORMAT=json), for a province's log
collector: time, level, logger, message (and the exception's traceback).

No personal data: the app's own lines already name people only by row ids
and masked phones; as a safety net every line here also has any Vietnamese
mobile number or 12-digit personal ID number in it masked before it leaves.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from flask import Flask

# +84 / 84 / 0 then 9 digits (a mobile), or a 12-digit personal ID number.
_PERSONAL = re.compile(
    r"(?<!\d)(?:\+?84|0)(\d{2})\d{4}(\d{3})(?!\d)|(?<!\d)(\d{3})\d{6}(\d{3})(?!\d)"
)


def scrub(text: str) -> str:
    def mask(match: re.Match) -> str:
        if match.group(1) is not None:
            return f"0{match.group(1)}****{match.group(2)}"
        return f"{match.group(3)}******{match.group(4)}"

    return _PERSONAL.sub(mask, text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def init_app(app: Flask) -> None:
    if app.config.get("LOG_FORMAT", "text") != "json":
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    # Flask's own handler would print each app.logger line a second time, as text.
    app.logger.handlers[:] = []
    app.logger.propagate = True
