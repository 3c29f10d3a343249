"""Every 429 says truthfully when to try again: its words and its Retry-After
header give the same wait, taken from the limit that refused (services.web)."""

import math
import re

from services.web import wait_text
from tests.api.test_limits_per_citizen import signed_in
from tests.office.helpers import create_officer
from tests.office.test_accounts import sign_in as officer_sign_in


def waited_seconds(message: str) -> int:
    """The wait a message gives, in seconds (rounded up to its unit)."""
    found = re.search(r"đợi (?:(\d+) giờ ?)?(?:(\d+) phút)?(?:(\d+) giây)?", message)
    hours, minutes, seconds = (int(found.group(i) or 0) for i in (1, 2, 3))
    return hours * 3600 + minutes * 60 + seconds


def agrees(message: str, retry_after: str) -> bool:
    seconds = int(retry_after)
    return waited_seconds(message) == (seconds if seconds < 60 else math.ceil(seconds / 60) * 60)


def test_a_wait_in_words_is_rounded_up_never_down():
    assert wait_text(45) == "45 giây"
    assert wait_text(61) == "2 phút"
    assert wait_text(3600) == "1 giờ"
    assert wait_text(3601) == "1 giờ 1 phút"


def test_an_office_page_refused_by_its_limit_gives_the_limits_own_wait(app, client):
    app.config["OFFICER_SIGN_IN_LIMIT"] = "2 per 15 minutes"
    with app.app_context():
        create_officer("tu-phap", username="hoa")
    for _ in range(2):
        officer_sign_in(client, "hoa", "sai-mat-khau-roi")
    refused = officer_sign_in(client, "hoa", "sai-mat-khau-roi")
    assert refused.status_code == 429
    assert "vài phút" not in refused.text
    assert 14 * 60 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert agrees(refused.text, refused.headers["Retry-After"])


def test_an_api_route_refused_by_its_limit_gives_the_limits_own_wait(app):
    citizen = signed_in(app, "+84912345678")
    for _ in range(30):
        citizen.post("/dossiers", json={"draft_id": "x", "idempotency_key": "k" * 32})
    refused = citizen.post("/dossiers", json={"draft_id": "x", "idempotency_key": "k" * 32})
    assert refused.status_code == 429
    message = refused.get_json()["error"]["message"]
    assert 59 * 60 < int(refused.headers["Retry-After"]) <= 3600
    assert agrees(message, refused.headers["Retry-After"])
