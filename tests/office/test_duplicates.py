"""The same birth or death filed twice, from any account or the counter: flagged to
the citizen before submitting and to the officer on both dossiers, with a link
between them, until an officer marks them as not a duplicate."""

import pytest

from domain.duplicates import event_key
from extensions import db
from models import Citizen
from tests.helpers import sign_in_as
from tests.office.helpers import (
    act,
    add_complete_draft,
    answers_for,
    create_submitted_dossier,
    csrf_of,
    officer_client,
)

WARNING = "Có thể đã có hồ sơ cho trường hợp này"


@pytest.mark.parametrize(
    "child",
    [
        {"tre.ho": "TRẦN", "tre.chu_dem": "minh", "tre.ten": "An"},
        {"tre.ho": "Tran", "tre.chu_dem": "Minh", "tre.ten": "An"},
        {"tre.ho": "Trần ", "tre.chu_dem": "", "tre.ten": "Minh  An"},
    ],
    ids=["case", "no-diacritics", "spacing"],
)
def test_the_same_child_is_one_key_whatever_the_spelling(child):
    answers = answers_for("khai-sinh")
    assert event_key("khai-sinh", {**answers, **child}) == event_key("khai-sinh", answers)


def test_another_child_of_the_same_mother_is_another_key():
    answers = answers_for("khai-sinh")
    twin = {**answers, "tre.ten": "Bình"}
    later = {**answers, "tre.ngay_sinh": "2025-01-02"}
    assert len({event_key("khai-sinh", a) for a in (answers, twin, later)}) == 3


@pytest.fixture
def two_births(app):
    """One birth filed from one phone, the same child from another, spelled otherwise."""
    with app.app_context():
        first = create_submitted_dossier(phone="+84912345678")
        answers = {**answers_for("khai-sinh"), "tre.ho": "TRAN", "tre.ten": "an"}
        second = create_submitted_dossier(phone="+84987654321", answers=answers)
        return first, second


def test_the_citizen_is_warned_before_submitting(app, client, two_births):
    with app.app_context():
        citizen = Citizen(phone="+84911111111")
        db.session.add(citizen)
        db.session.flush()
        answers = {**answers_for("khai-sinh", email=None), "tre.chu_dem": "MINH"}
        draft = add_complete_draft(citizen.id, answers=answers)
        db.session.commit()
        citizen_id, draft_id = citizen.id, draft.id
    sign_in_as(app, client, citizen_id=citizen_id)
    token = client.get("/api/v1/csrf-token").get_json()["token"]
    body = client.post(f"/api/v1/drafts/{draft_id}/check",
                       headers={"X-CSRFToken": token}).get_json()  # fmt: skip
    assert body["ok"] is True  # a warning, never a refusal
    assert body["duplicate"].startswith(WARNING)
    assert two_births[0] not in body["duplicate"]  # nothing of the other dossier


def test_a_different_child_gets_no_warning(app, client):
    with app.app_context():
        create_submitted_dossier()
        citizen = Citizen(phone="+84911111111")
        db.session.add(citizen)
        db.session.flush()
        answers = {**answers_for("khai-sinh", email=None), "tre.ten": "Bình"}
        draft_id = add_complete_draft(citizen.id, answers=answers).id
        db.session.commit()
        citizen_id = citizen.id
    sign_in_as(app, client, citizen_id=citizen_id)
    token = client.get("/api/v1/csrf-token").get_json()["token"]
    body = client.post(f"/api/v1/drafts/{draft_id}/check",
                       headers={"X-CSRFToken": token}).get_json()  # fmt: skip
    assert body["duplicate"] is None


def test_the_officer_sees_the_flag_on_both_dossiers_with_a_link(app, two_births):
    first, second = two_births
    desk = officer_client(app, "tu-phap")
    for this, other in ((first, second), (second, first)):
        page = desk.get(f"/can-bo/ho-so/{this}").text
        assert "Có thể trùng hồ sơ khác" in page
        assert f'href="/can-bo/ho-so/{other}"' in page


def test_the_officer_marks_them_as_not_a_duplicate_on_both(app, two_births):
    first, second = two_births
    desk = officer_client(app, "tu-phap")
    page = desk.get(f"/can-bo/ho-so/{first}").text
    response = desk.post(f"/can-bo/ho-so/{first}/khong-trung",
                         data={"csrf_token": csrf_of(page), "other": second})  # fmt: skip
    assert response.status_code == 302
    for code in (first, second):
        page = desk.get(f"/can-bo/ho-so/{code}").text
        assert "Đã đánh dấu không trùng" in page
        assert "Không phải trùng với" not in page
    again = desk.post(f"/can-bo/ho-so/{first}/khong-trung",
                      data={"csrf_token": csrf_of(page), "other": second})  # fmt: skip
    assert again.status_code == 409


def test_a_refused_dossier_filed_again_is_no_duplicate(app, two_births):
    first, second = two_births
    with app.app_context():
        act(first, "tu-phap", "refuse", reason="Ảnh giấy chứng sinh bị mờ")
    page = officer_client(app, "tu-phap").get(f"/can-bo/ho-so/{second}").text
    assert "Có thể trùng hồ sơ khác" not in page


def test_the_same_deceased_from_two_accounts_is_flagged(app):
    with app.app_context():
        first = create_submitted_dossier("khai-tu", phone="+84912345678")
        second = create_submitted_dossier("khai-tu", phone="+84987654321")
    page = officer_client(app, "tu-phap").get(f"/can-bo/ho-so/{second}").text
    assert f'href="/can-bo/ho-so/{first}"' in page
