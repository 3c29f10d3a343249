"""Building a complete, valid draft through the API, as the wizard does."""

from domain import validation
from domain.catalog import CATALOG
from tests.domain.sample_answers import valid_birth_answers, valid_death_answers
from tests.helpers import jpeg_bytes, new_draft_id


def group(group_id: str) -> dict:
    return next(g for g in CATALOG["groups"] if g["id"] == group_id)


def answers_for(group_id: str) -> dict:
    return valid_birth_answers() if group_id == "khai-sinh" else valid_death_answers()


def upload_page(api, draft_id: str, attachment_id: str, client_id: str | None = None):
    return api.client.post(
        f"/api/v1/drafts/{draft_id}/uploads",
        data={
            "attachment_id": attachment_id,
            "client_id": client_id or new_draft_id().replace("-", ""),
            "file": (__import__("io").BytesIO(jpeg_bytes()), "trang.jpg"),
        },
        headers=api._headers(),
        content_type="multipart/form-data",
    )


def complete_draft(api, group_id="khai-sinh", procedure_ids=None) -> str:
    """A draft with every field and photo; by default with the group's procedures
    less those it excludes together (the second funeral one)."""
    draft_id = new_draft_id()
    procedure_ids = procedure_ids or group(group_id)["procedures"][: group(group_id)["max"]]
    answers = validation.clean_answers(group_id, procedure_ids, answers_for(group_id))
    response = api.put(
        f"/drafts/{draft_id}",
        json={
            "commune_code": "05665",
            "group_id": group_id,
            "procedure_ids": procedure_ids,
            "answers": answers,
        },
    )
    assert response.status_code == 201, response.get_json()
    for attachment in validation.attachments_for(group_id, procedure_ids, answers):
        if attachment.get("required"):
            assert upload_page(api, draft_id, attachment["id"]).status_code == 201
    return draft_id


def confirmation_code(api, app, draft_id: str) -> str:
    from tests.conftest import last_code

    response = api.post(f"/drafts/{draft_id}/confirmation-code")
    assert response.status_code == 200, response.get_json()
    return last_code(app, api.client.phone)
