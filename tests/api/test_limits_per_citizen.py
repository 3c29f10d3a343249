"""Signed-in work is limited per citizen, not per address.

Citizens at the commune office share its Wi-Fi, and carriers put many phones
behind one address: one citizen's retries must not lock out the next in line.
"""

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
