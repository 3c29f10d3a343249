"""LOG_FORMAT=json: one JSON object a line, and no phone or ID number in it."""

import json
import logging

from services.logs import JsonFormatter, scrub


def test_a_log_line_is_json_and_carries_no_phone_or_id_number():
    record = logging.LogRecord(
        "lienthong.test", logging.WARNING, __file__, 1,
        "SMS to %s failed for citizen %s (ID %s)", ("+84912345678", 7, "001203004567"), None,
    )  # fmt: skip
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "WARNING" and line["logger"] == "lienthong.test"
    assert "912345678" not in line["message"] and "001203004567" not in line["message"]
    assert "citizen 7" in line["message"]


def test_numbers_that_are_not_personal_stay():
    assert scrub("Notification 12 gave up after 20 attempts") == (
        "Notification 12 gave up after 20 attempts"
    )
    assert scrub("0912345678") == "091****678"
