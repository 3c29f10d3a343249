"""The status lookup's guess budgets: one per address and one per dossier code,
shared by the API and the page; only ASCII digits are ever checked."""

import math
import re

import pytest

from tests.api.test_tracking import submitted
from tests.conftest import Api, csrf_from

UNKNOWN = "X05665-261124-0777"


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def api_lookup(app, code, last4, address="10.0.0.1"):
    return Api(from_address(app, address)).post(
        "/status", json={"code": code, "phone_last4": last4}
    )


def page_lookup(app, code, last4, address="10.0.0.1"):
    client = from_address(app, address)
    page = client.get("/theo-doi")
    return client.post(
        "/theo-doi", data={"code": code, "phone_last4": last4, "csrf_token": csrf_from(page.text)}
    )


@pytest.mark.parametrize("digits", ["²²²²", "١٢٣٤", "５６７８", "56a8", "567"])
def test_digits_other_than_ascii_get_the_same_400_for_a_real_and_an_unknown_code(api, app, digits):
    code = submitted(api, app)
    real, unknown = api_lookup(app, code, digits), api_lookup(app, UNKNOWN, digits)
    assert real.status_code == unknown.status_code == 400
    assert real.get_json() == unknown.get_json()
    assert "4 chữ số" in real.get_json()["error"]["message"]
    page_real, page_unknown = page_lookup(app, code, digits), page_lookup(app, UNKNOWN, digits)
    assert page_real.status_code == page_unknown.status_code == 400
    assert "4 chữ số" in page_real.text


def test_malformed_digits_cost_nothing_against_the_budget(api, app):
    code = submitted(api, app)
    for _ in range(15):
        api_lookup(app, code, "²²²²")
    assert api_lookup(app, code, "5678").status_code == 200


def test_many_addresses_together_get_one_budget_per_code_on_the_api_and_the_page(api, app):
    code = submitted(api, app)
    limit = int(app.config["TRACKING_CODE_GUESS_LIMIT"].split("/")[0])
    for i in range(limit):
        lookup = api_lookup if i % 2 else page_lookup
        assert lookup(app, code, f"{i:04d}", address=f"10.0.1.{i}").status_code == 404
    # The right digits from yet another address: the code's budget is spent.
    refused = api_lookup(app, code, "5678", address="10.0.2.1")
    assert refused.status_code == 429
    assert page_lookup(app, code, "5678", address="10.0.2.2").status_code == 429
    # Other codes are not affected.
    assert api_lookup(app, UNKNOWN, "5678", address="10.0.2.3").status_code == 404


def test_an_unknown_code_runs_out_of_guesses_exactly_like_a_real_one(api, app):
    code = submitted(api, app)
    limit = int(app.config["TRACKING_CODE_GUESS_LIMIT"].split("/")[0])
    answers = {}
    for which in (code, UNKNOWN):
        for i in range(limit):
            api_lookup(app, which, "0000", address=f"10.1.{len(answers)}.{i}")
        refused = api_lookup(app, which, "0000", address=f"10.2.{len(answers)}.1")
        answers[which] = (refused.status_code, refused.get_json()["error"]["code"])
    assert answers[code] == answers[UNKNOWN] == (429, "code_rate_limited")


def test_the_page_and_the_api_share_one_budget_per_address(app):
    limit = int(app.config["TRACKING_ADDRESS_GUESS_LIMIT"].split("/")[0])
    for i in range(limit):
        assert api_lookup(app, f"X05665-261124-{i + 1:04d}", "1234").status_code == 404
    page = page_lookup(app, "X05665-261124-0900", "1234")
    assert page.status_code == 429
    assert page_lookup(app, "X05665-261124-0900", "1234", address="10.9.9.9").status_code == 404


def minutes_in(message: str) -> int:
    found = re.search(r"đợi (?:(\d+) giờ ?)?(?:(\d+) phút)?", message)
    return int(found.group(1) or 0) * 60 + int(found.group(2) or 0)


def test_a_refused_lookup_says_the_wait_its_retry_after_header_gives(api, app):
    code = submitted(api, app)
    limit = int(app.config["TRACKING_CODE_GUESS_LIMIT"].split("/")[0])
    for i in range(limit):
        api_lookup(app, code, "0000", address=f"10.3.0.{i}")
    refused = api_lookup(app, code, "5678", address="10.3.1.1")
    seconds = int(refused.headers["Retry-After"])
    # A day's budget: a day's wait, not "a few minutes".
    assert 23 * 3600 < seconds <= 24 * 3600
    assert minutes_in(refused.get_json()["error"]["message"]) == math.ceil(seconds / 60)
    page = page_lookup(app, code, "5678", address="10.3.1.2")
    assert minutes_in(page.text) == math.ceil(int(page.headers["Retry-After"]) / 60)
