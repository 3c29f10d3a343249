"""Signed-in work is limited per citizen, not per address.

Citizens at the commune office share its Wi-Fi, and carriers put many phones
behind one address: one citizen's retries must not lock out the next in line.
"""

import uuid

from tests.api.flow import complete_draft, confirmation_code
from tests.conftest import Api, make_citizen
from tests.helpers import sign_in_as


def signed_in(app, phone: str) -> Api:
    client = app.test_client()
    sign_in_as(app, client, citizen_id=make_citizen(app, phone))
    client.phone = phone
    return Api(client)


def test_a_citizen_over_the_submit_limit_does_not_block_the_next_one_on_the_same_wifi(app):
    first = signed_in(app, "+84912345678")
    attempts = [
        first.post("/dossiers", json={"draft_id": "x", "idempotency_key": "k" * 32}).status_code
        for _ in range(31)
    ]
    assert 429 not in attempts[:30]
    assert attempts[30] == 429  # the same citizen: limited

    second = signed_in(app, "+84987654321")  # same test client address
    draft_id = complete_draft(second)
    otp = confirmation_code(second, app, draft_id)
    response = second.post(
        "/dossiers",
        json={"draft_id": draft_id, "idempotency_key": "s" * 32, "confirmation_code": otp},
    )
    assert response.status_code == 201


def new_draft(api: Api) -> int:
    return api.put(f"/drafts/{uuid.uuid4()}", json={"commune_code": "05665"}).status_code


def test_a_citizen_with_too_many_open_drafts_is_told_to_finish_one_first(app):
    app.config["MAX_OPEN_DRAFTS"] = 3
    api = signed_in(app, "+84912345678")
    assert [new_draft(api) for _ in range(3)] == [201, 201, 201]
    response = api.put(f"/drafts/{uuid.uuid4()}", json={"commune_code": "05665"})
    assert response.status_code == 409
    assert "hồ sơ chưa nộp" in response.get_json()["error"]["message"]


def test_an_open_draft_still_saves_when_the_cap_is_reached(app):
    app.config["MAX_OPEN_DRAFTS"] = 1
    api = signed_in(app, "+84912345678")
    draft_id = str(uuid.uuid4())
    assert api.put(f"/drafts/{draft_id}", json={"commune_code": "05665"}).status_code == 201
    again = api.put(f"/drafts/{draft_id}", json={"commune_code": "05665", "step": "tre"})
    assert again.status_code == 200


def test_starting_drafts_too_fast_is_a_429_that_says_what_to_do(app):
    app.config["DRAFT_CREATE_LIMIT"] = "2 per hour"
    api = signed_in(app, "+84912345678")
    assert [new_draft(api) for _ in range(2)] == [201, 201]
    response = api.put(f"/drafts/{uuid.uuid4()}", json={"commune_code": "05665"})
    assert response.status_code == 429
    assert "đợi" in response.get_json()["error"]["message"]
    assert int(response.headers["Retry-After"]) > 0
    other = signed_in(app, "+84987654321")  # the same Wi-Fi: not locked out
    assert new_draft(other) == 201
