"""Confirming a submission with a passkey instead of the SMS code."""

import pytest
from sqlalchemy import func, select

from extensions import db
from models import Dossier
from tests.api.flow import complete_draft
from tests.api.passkey_flow import register, stored
from tests.api.spec_check import assert_matches_spec
from tests.conftest import Api, make_citizen, read_sms
from tests.helpers import sign_in_as
from tests.softkey import b64

KEY = "p" * 32


def passkey_answer(api, key, draft_id, **lies) -> dict:
    response = api.post(f"/drafts/{draft_id}/passkey-challenge")
    assert_matches_spec("POST", f"/drafts/{draft_id}/passkey-challenge", response)
    assert response.status_code == 200, response.get_json()
    return key.get(response.get_json(), **lies)


def submit(api, draft_id, assertion, key=KEY, **extra):
    body = {"draft_id": draft_id, "idempotency_key": key, "passkey_assertion": assertion}
    return api.post("/dossiers", json={**body, **extra})


def dossiers(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Dossier))


def test_a_dossier_confirmed_with_a_passkey_is_filed_and_no_sms_is_sent(api, app):
    key = register(api)
    draft_id = complete_draft(api)
    response = submit(api, draft_id, passkey_answer(api, key, draft_id))
    assert response.status_code == 201, response.get_json()
    assert_matches_spec("POST", "/dossiers", response)
    assert read_sms(app) == []  # no code, and no receipt: it is in "Hồ sơ của tôi"
    assert stored(app, key).last_used_at is not None


def test_the_challenge_lists_only_the_citizens_own_passkeys(api):
    key = register(api)
    draft_id = complete_draft(api)
    options = api.post(f"/drafts/{draft_id}/passkey-challenge").get_json()
    assert [c["id"] for c in options["allowCredentials"]] == [b64(key.credential_id)]
    assert options["userVerification"] == "required"


def test_a_challenge_for_one_draft_does_not_confirm_another(api, app):
    key = register(api)
    first, second = complete_draft(api), complete_draft(api)
    response = submit(api, second, passkey_answer(api, key, first))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "passkey_challenge"
    assert dossiers(app) == 0


def test_a_refused_confirmation_spends_its_challenge_and_files_nothing(api, app):
    key = register(api)
    draft_id = complete_draft(api)
    options = api.post(f"/drafts/{draft_id}/passkey-challenge").get_json()
    bad = submit(api, draft_id, key.get(options, bad_signature=True))
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "passkey_invalid"
    replayed = submit(api, draft_id, key.get(options), key="q" * 32)
    assert replayed.status_code == 400
    assert replayed.get_json()["error"]["code"] == "passkey_replayed"
    assert dossiers(app) == 0


def test_repeating_the_same_confirmed_submit_returns_the_same_dossier(api, app):
    key = register(api)
    draft_id = complete_draft(api)
    assertion = passkey_answer(api, key, draft_id)
    first, second = submit(api, draft_id, assertion), submit(api, draft_id, assertion)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.get_json()["code"] == first.get_json()["code"]
    assert dossiers(app) == 1


def test_another_citizens_passkey_does_not_confirm(api, app):
    key = register(api)
    draft_id = complete_draft(api)
    answer = passkey_answer(api, key, draft_id)
    other = Api(app.test_client())
    sign_in_as(app, other.client, citizen_id=make_citizen(app, "+84987654321"))
    other_draft = complete_draft(other)
    response = submit(other, other_draft, answer)
    assert response.status_code == 400
    assert dossiers(app) == 0


def test_a_citizen_without_a_passkey_is_told_to_use_the_sms_code(api):
    draft_id = complete_draft(api)
    response = api.post(f"/drafts/{draft_id}/passkey-challenge")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "no_passkey"
    assert "SMS" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("both", [True, False])
def test_exactly_one_of_code_and_passkey_is_asked_for_with_a_message(api, app, both):
    key = register(api)
    draft_id = complete_draft(api)
    body = {"draft_id": draft_id, "idempotency_key": KEY}
    if both:
        body |= {
            "confirmation_code": "123456",
            "passkey_assertion": passkey_answer(api, key, draft_id),
        }
    response = api.post("/dossiers", json=body)
    assert response.status_code == 400
    assert "khóa đăng nhập" in response.get_json()["error"]["message"]
    assert dossiers(app) == 0
