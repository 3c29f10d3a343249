"""Values possible on paper but almost surely a slip (issue 16), as the check
endpoint and the submit see them: refused with a clear Vietnamese message, or,
for a name without diacritics, only a warning."""

from datetime import date, timedelta

from domain.clock import today_vn
from tests.api.flow import complete_draft
from tests.api.spec_check import assert_matches_spec
from tests.domain.sample_answers import personal_id_for


def check(api, draft_id):
    response = api.post(f"/drafts/{draft_id}/check")
    assert response.status_code == 200
    assert_matches_spec("post", f"/drafts/{draft_id}/check", response)
    return response.get_json()


def test_a_mother_aged_ten_at_the_birth_is_refused_with_her_age(api):
    draft_id = complete_draft(api)
    child = today_vn() - timedelta(days=5)
    mother = date(child.year - 10, 1, 1)
    api.patch(
        f"/drafts/{draft_id}",
        json={
            "answers": {
                "tre.ngay_sinh": child.isoformat(),
                "me.ngay_sinh": mother.isoformat(),
                "me.so_dinh_danh": personal_id_for(mother, "nu", "004321"),
                "nguoi-yeu-cau.so_dinh_danh": personal_id_for(mother, "nu", "004321"),
            }
        },
    )
    body = check(api, draft_id)
    assert body["ok"] is False
    assert body["fields"]["me.ngay_sinh"].startswith("Theo ngày sinh đã khai, mẹ 10 tuổi")
    assert api.post(f"/drafts/{draft_id}/confirmation-code").status_code == 422


def test_a_mother_aged_seventy_at_the_birth_is_refused(api):
    draft_id = complete_draft(api)
    child = today_vn() - timedelta(days=5)
    mother = date(child.year - 71, 1, 1)
    api.patch(
        f"/drafts/{draft_id}",
        json={
            "answers": {
                "me.ngay_sinh": mother.isoformat(),
                "me.so_dinh_danh": personal_id_for(mother, "nu", "004321"),
            }
        },
    )
    assert "mẹ 71 tuổi" in check(api, draft_id)["fields"]["me.ngay_sinh"]


def test_a_birth_date_in_the_future_and_a_death_before_the_birth_are_refused(api):
    birth = complete_draft(api)
    tomorrow = (today_vn() + timedelta(days=1)).isoformat()
    api.patch(f"/drafts/{birth}", json={"answers": {"tre.ngay_sinh": tomorrow}})
    assert "không được sau hôm nay" in check(api, birth)["fields"]["tre.ngay_sinh"]

    death = complete_draft(api, "khai-tu")
    api.patch(f"/drafts/{death}", json={"answers": {"tu-vong.ngay_mat": "1939-01-01"}})
    assert check(api, death)["fields"]["tu-vong.ngay_mat"].startswith(
        "Ngày mất không được trước ngày sinh của người mất."
    )


def test_a_name_typed_without_diacritics_is_a_warning_not_a_refusal(api):
    draft_id = complete_draft(api)
    api.patch(f"/drafts/{draft_id}", json={"answers": {"cha.ho_ten": "Tran Van Hung"}})
    body = check(api, draft_id)
    assert body["ok"] is True and body["fields"] == {}
    assert "không có dấu" in body["warnings"]["cha.ho_ten"]
    assert api.post(f"/drafts/{draft_id}/confirmation-code").status_code == 200
