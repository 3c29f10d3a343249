"""Malformed, mistyped, unknown or oversized input: a 4xx with a message, and no change."""

import pytest

from extensions import db
from models import Draft
from tests.api.spec_check import assert_matches_spec
from tests.domain.sample_answers import BIRTH_PROCEDURES
from tests.helpers import new_draft_id


def test_a_state_change_without_the_csrf_header_is_refused_with_a_message(citizen_client, app):
    draft_id = new_draft_id()
    response = citizen_client.put(f"/api/v1/drafts/{draft_id}", json={"commune_code": "05665"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"
    assert "tải lại trang" in response.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.get(Draft, draft_id) is None


def test_malformed_json_is_refused_and_nothing_is_saved(api, app):
    draft_id = new_draft_id()
    response = api.client.put(
        f"/api/v1/drafts/{draft_id}",
        data=b'{"commune_code": "05665",',
        content_type="application/json",
        headers=api._headers(),
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_json"
    assert_matches_spec("put", f"/drafts/{draft_id}", response)
    with app.app_context():
        assert db.session.get(Draft, draft_id) is None


@pytest.mark.parametrize(
    "body, expected_code",
    [
        ({"commune_code": 5665}, "invalid_request"),
        ({"commune_code": "05665", "answers": {"tre.ho": 12}}, "invalid_request"),
        ({"commune_code": "05665", "colour": "red"}, "invalid_request"),
        ({"commune_code": "05665", "answers": {"tre.khong_co": "x"}}, "unknown_field"),
        ({"commune_code": "99999"}, "unknown_commune"),
        ({"commune_code": "05665", "group_id": "ket-hon"}, "unknown_group"),
        ({"commune_code": "05665", "procedure_ids": ["xay-nha"]}, "unknown_procedure"),
        ([1, 2, 3], "invalid_request"),
    ],
)
def test_wrong_types_and_unknown_fields_are_refused_and_nothing_is_saved(
    api, app, body, expected_code
):
    draft_id = new_draft_id()
    response = api.put(f"/drafts/{draft_id}", json=body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == expected_code
    assert error["message"]
    with app.app_context():
        assert db.session.get(Draft, draft_id) is None


def test_an_unknown_field_names_the_field(api):
    response = api.put(f"/drafts/{new_draft_id()}", json={"commune_code": "05665", "colour": "red"})
    assert "colour" in response.get_json()["error"]["message"]


def test_a_huge_json_body_is_refused_with_413(api):
    body = {"commune_code": "05665", "answers": {"tre.ho": "x" * 1000}, "step": "y" * 400_000}
    response = api.put(f"/drafts/{new_draft_id()}", json=body)
    assert response.status_code == 413
    assert response.get_json()["error"]["message"]


def test_a_body_that_is_not_json_is_refused_with_415(api):
    response = api.client.put(
        f"/api/v1/drafts/{new_draft_id()}",
        data="commune_code=05665",
        content_type="application/x-www-form-urlencoded",
        headers=api._headers(),
    )
    assert response.status_code == 415


def test_an_api_call_without_signing_in_gets_401_with_a_message(client):
    response = client.get(f"/api/v1/drafts/{new_draft_id()}")
    assert response.status_code == 401
    assert "đăng nhập" in response.get_json()["error"]["message"]


def test_an_unknown_api_path_answers_json_404(client):
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"]


def test_a_pattern_followed_by_a_newline_is_refused_with_a_message(api, app):
    # Python's "$" also matches before a final newline; the request check
    # (jsonschema_rs) does not, so such a value is refused, with words.
    draft_id = new_draft_id()
    response = api.put(f"/drafts/{draft_id}", json={"commune_code": "05665\n"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_request"
    assert "thử lại" in error["message"]
    with app.app_context():
        assert db.session.get(Draft, draft_id) is None


def test_a_name_of_only_a_zero_width_space_is_not_taken_as_filled_in(api):
    draft_id = new_draft_id()
    api.put(
        f"/drafts/{draft_id}",
        json={
            "commune_code": "05665",
            "group_id": "khai-sinh",
            "procedure_ids": BIRTH_PROCEDURES,
            "answers": {"nguoi-yeu-cau.ho_ten": "\u200b"},
        },
    )
    result = api.post(f"/drafts/{draft_id}/check").get_json()
    fields = result["fields"]
    assert fields["nguoi-yeu-cau.ho_ten"] == (
        "Họ, chữ đệm và tên của bạn có ký tự không hợp lệ (ký tự ẩn hoặc ký tự điều khiển). "
        "Hãy gõ lại."
    )
