"""Server drafts (autosave, merge rule) and photo uploads."""

import io

from PIL import Image

from tests.api.flow import upload_page
from tests.api.spec_check import assert_matches_spec
from tests.conftest import make_citizen
from tests.helpers import new_draft_id, sign_in_as

# A birth draft whose answers ask for the medical birth certificate (giấy chứng sinh).
WITH_BIRTH_CERTIFICATE = {
    "commune_code": "05665",
    "group_id": "khai-sinh",
    "procedure_ids": ["dang-ky-khai-sinh"],
    "answers": {"noi-sinh.giay_chung_sinh": "co"},
}


def new_draft(api, **body):
    draft_id = new_draft_id()
    response = api.put(f"/drafts/{draft_id}", json={**WITH_BIRTH_CERTIFICATE, **body})
    assert response.status_code == 201, response.get_json()
    return draft_id


def test_a_draft_is_created_with_the_device_chosen_id_and_read_back(api):
    draft_id = new_draft(api, answers={"tre.ho": "Nguyễn"})
    response = api.get(f"/drafts/{draft_id}")
    assert_matches_spec("get", f"/drafts/{draft_id}", response)
    body = response.get_json()
    assert body["answers"] == {"tre.ho": "Nguyễn"}
    assert body["commune"]["label"] == "Xã Văn Lăng, tỉnh Thái Nguyên"


def test_putting_the_same_draft_again_updates_it_instead_of_duplicating(api):
    draft_id = new_draft(api)
    again = api.put(f"/drafts/{draft_id}", json={"commune_code": "05665", "step": "s/tre"})
    assert again.status_code == 200
    assert again.get_json()["step"] == "s/tre"


def test_the_latest_edit_per_field_wins_by_device_time(api):
    """Two phones edit one draft: each field keeps its most recent edit."""
    draft_id = new_draft(api)
    api.patch(
        f"/drafts/{draft_id}",
        json={
            "answers": {"tre.ho": "Trần", "tre.ten": "An"},
            "edited_at": {"tre.ho": 2000, "tre.ten": 2000},
        },
    )
    late_sync = api.patch(
        f"/drafts/{draft_id}",
        json={
            "answers": {"tre.ho": "Lê", "tre.ten": "Bình"},
            "edited_at": {"tre.ho": 1000, "tre.ten": 3000},
        },
    )
    answers = late_sync.get_json()["answers"]
    assert answers["tre.ho"] == "Trần"  # the older edit from the other phone lost
    assert answers["tre.ten"] == "Bình"


def test_another_citizens_draft_is_not_found(api, app):
    draft_id = new_draft(api)
    other = app.test_client()
    sign_in_as(app, other, citizen_id=make_citizen(app, "+84987654321"))
    assert other.get(f"/api/v1/drafts/{draft_id}").status_code == 404


def test_an_uploaded_photo_is_re_encoded_without_metadata_and_served_to_its_owner(api, app):
    draft_id = new_draft(api)
    response = upload_page(api, draft_id, "giay-chung-sinh")
    assert response.status_code == 201, response.get_json()
    assert_matches_spec("post", f"/drafts/{draft_id}/uploads", response)
    image = api.client.get(response.get_json()["url"])
    assert image.status_code == 200
    assert image.mimetype == "image/jpeg"
    assert not Image.open(io.BytesIO(image.data)).getexif()
    # A shared phone keeps no copy of the citizen's papers in its browser cache.
    assert image.headers["Cache-Control"] == "private, no-store"


def test_a_retried_upload_with_the_same_client_id_is_not_stored_twice(api):
    draft_id = new_draft(api)
    first = upload_page(api, draft_id, "giay-chung-sinh", client_id="photo-0001")
    second = upload_page(api, draft_id, "giay-chung-sinh", client_id="photo-0001")
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.get_json()["id"] == first.get_json()["id"]
    assert len(api.get(f"/drafts/{draft_id}").get_json()["uploads"]) == 1


def test_a_file_that_is_not_a_photo_is_refused_with_a_message(api):
    draft_id = new_draft(api)
    response = api.client.post(
        f"/api/v1/drafts/{draft_id}/uploads",
        data={
            "attachment_id": "giay-chung-sinh",
            "client_id": "photo-0002",
            "file": (io.BytesIO(b"%PDF-1.7 not a photo"), "giay.jpg"),
        },
        headers=api._headers(),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "JPEG" in response.get_json()["error"]["message"]
    assert api.get(f"/drafts/{draft_id}").get_json()["uploads"] == []


def test_an_oversized_photo_is_refused_with_413(api, app):
    app.config["MAX_UPLOAD_BYTES"] = 1000
    draft_id = new_draft(api)
    response = upload_page(api, draft_id, "giay-chung-sinh")
    assert response.status_code == 413
    assert response.get_json()["error"]["message"]


def test_a_deleted_photo_is_gone_for_good(api):
    draft_id = new_draft(api)
    upload = upload_page(api, draft_id, "giay-chung-sinh").get_json()
    assert api.delete(f"/drafts/{draft_id}/uploads/{upload['id']}").status_code == 204
    assert api.client.get(upload["url"]).status_code == 404


def test_another_citizen_cannot_see_my_photo(api, app):
    draft_id = new_draft(api)
    upload = upload_page(api, draft_id, "giay-chung-sinh").get_json()
    other = app.test_client()
    sign_in_as(app, other, citizen_id=make_citizen(app, "+84987654321"))
    assert other.get(upload["url"]).status_code == 404
