"""Every role against every action, and who may see a dossier at all."""

import pytest

from commands import enable_commune
from extensions import db
from models import DossierEvent, Upload
from services.desk import office
from tests.office.helpers import (
    act,
    create_submitted_dossier,
    csrf_of,
    dossier,
    form_of,
    officer_client,
    officer_of,
    result_for,
    search,
)

ROLES = ["tu-phap", "cong-an", "bhxh", "ldtbxh", "quan-tri"]


def accepted(code):
    act(code, "tu-phap", "accept")


def payment_asked(code):
    accepted(code)
    act(code, "tu-phap", "request_payment", "dang-ky-khai-sinh", amount="16000")


def finish(code, *steps):
    answers = dossier(code).answers
    for role, pid in steps:
        act(code, role, "record_result", pid, result=result_for(pid, answers))


def at_police(code):
    accepted(code)
    finish(code, ("tu-phap", "dang-ky-khai-sinh"))


def at_insurance(code):
    at_police(code)
    finish(code, ("cong-an", "dang-ky-thuong-tru"))


def all_done(code):
    at_insurance(code)
    finish(code, ("bhxh", "cap-the-bhyt"))


def death_at_social_affairs(code):
    accepted(code)
    finish(code, ("tu-phap", "dang-ky-khai-tu"), ("cong-an", "xoa-thuong-tru"))


def new(code):
    pass


def result_form(pid, group="khai-sinh"):
    from tests.office.helpers import answers_for

    return form_of(result_for(pid, answers_for(group)))


BIRTH, RESIDENCE, CARD = "dang-ky-khai-sinh", "dang-ky-thuong-tru", "cap-the-bhyt"
SUPPORT = "ho-tro-mai-tang"

# (action, procedure, how to get there, form fields, the only role allowed, group)
SCENARIOS = [
    ("accept", None, new, {}, "tu-phap", "khai-sinh"),
    ("refuse", None, new, {"reason": "Ảnh không phải của hồ sơ"}, "tu-phap", "khai-sinh"),
    ("request_supplement", None, new, {"reason": "Chụp lại tờ khai"}, "tu-phap", "khai-sinh"),
    ("request_payment", BIRTH, accepted, {"amount": "16000"}, "tu-phap", "khai-sinh"),
    ("confirm_payment", BIRTH, payment_asked, {}, "tu-phap", "khai-sinh"),
    ("record_result", BIRTH, accepted, result_form(BIRTH), "tu-phap", "khai-sinh"),
    ("stop", BIRTH, accepted, {"reason": "Trùng hồ sơ đã nộp"}, "tu-phap", "khai-sinh"),
    ("request_supplement", RESIDENCE, at_police, {"reason": "Thiếu CT01"}, "cong-an", "khai-sinh"),
    ("record_result", RESIDENCE, at_police, result_form(RESIDENCE), "cong-an", "khai-sinh"),
    ("stop", RESIDENCE, at_police, {"reason": "Chủ hộ không đồng ý"}, "cong-an", "khai-sinh"),
    ("record_result", CARD, at_insurance, result_form(CARD), "bhxh", "khai-sinh"),
    ("request_payment", CARD, at_insurance, {"amount": "5000"}, "bhxh", "khai-sinh"),
    ("return_at_office", None, all_done, {}, "tu-phap", "khai-sinh"),
    ("send_by_post", None, all_done, {"tracking": "EB123456789VN"}, "tu-phap", "khai-sinh"),
    ("record_result", SUPPORT, death_at_social_affairs, result_form(SUPPORT, "khai-tu"),
     "ldtbxh", "khai-tu"),
]  # fmt: skip


def post_action(client, code, action, pid, fields):
    # A valid token from a page this officer can open, so only the role is tested.
    token = csrf_of(client.get("/can-bo/", follow_redirects=True).text)
    with client.application.app_context():
        version = dossier(code).version
    data = {"csrf_token": token, "action": action, "version": version, **fields}
    if pid:
        data["procedure_id"] = pid
    return client.post(f"/can-bo/ho-so/{code}/thao-tac", data=data)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("action", "pid", "setup", "fields", "allowed", "group"),
    SCENARIOS,
    ids=[f"{s[0]}-{s[1] or 'ho-so'}" for s in SCENARIOS],
)
def test_each_action_is_done_only_by_its_role(
    app, role, action, pid, setup, fields, allowed, group
):
    with app.app_context():
        code = create_submitted_dossier(group)
        setup(code)
        before = dossier(code).version
        sees = role != "quan-tri" and office.can_see(officer_of(role), dossier(code))
    client = officer_client(app, role)
    response = post_action(client, code, action, pid, fields)
    with app.app_context():
        after = dossier(code)
        if role == allowed:
            assert response.status_code == 302, response.text
            assert after.version == before + 1
            assert after.events[-1].action == action
        else:
            assert response.status_code == (403 if role == "quan-tri" or sees else 404)
            assert after.version == before


def test_another_communes_officer_gets_404_for_the_dossier_its_photos_and_actions(app):
    with app.app_context():
        enable_commune("02143", "Cán bộ thử nghiệm", "0123 456 780", "Giờ hành chính")
        code = create_submitted_dossier()
        upload_id = db.session.scalars(
            db.select(Upload.id).where(Upload.dossier_id.is_not(None))
        ).first()
    stranger = officer_client(app, "tu-phap", commune="02143")
    assert stranger.get(f"/can-bo/ho-so/{code}").status_code == 404
    assert stranger.get(f"/can-bo/ho-so/{code}/anh/{upload_id}").status_code == 404
    assert post_action(stranger, code, "accept", None, {}).status_code == 404
    assert f"/can-bo/ho-so/{code}" not in search(stranger, code)


def test_officers_who_see_a_dossier_see_its_photos(app):
    with app.app_context():
        code = create_submitted_dossier()
        upload_id = db.session.scalars(
            db.select(Upload.id).where(Upload.dossier_id.is_not(None))
        ).first()
    justice = officer_client(app, "tu-phap")
    photo = justice.get(f"/can-bo/ho-so/{code}/anh/{upload_id}")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert "no-store" in photo.headers["Cache-Control"]
    assert (
        officer_client(app, "cong-an").get(f"/can-bo/ho-so/{code}/anh/{upload_id}").status_code
        == 404
    )
    assert officer_client(app, "quan-tri").get(f"/can-bo/ho-so/{code}").status_code == 403


def test_an_action_without_the_csrf_token_changes_nothing(app):
    with app.app_context():
        code = create_submitted_dossier()
    client = officer_client(app, "tu-phap")
    response = client.post(
        f"/can-bo/ho-so/{code}/thao-tac", data={"action": "accept", "version": 1}
    )
    assert response.status_code == 400
    with app.app_context():
        assert dossier(code).status == 1
        assert db.session.scalars(db.select(DossierEvent)).all()[-1].action is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"action": "refuse", "reason": "  "}, "Hãy ghi lý do không tiếp nhận"),
        ({"action": "fly"}, "Thao tác không tồn tại"),
    ],
)
def test_bad_action_input_is_refused_with_a_message(app, fields, message):
    with app.app_context():
        code = create_submitted_dossier()
    client = officer_client(app, "tu-phap")
    response = post_action(client, code, fields.pop("action"), None, fields)
    assert response.status_code == 400
    assert message in response.text
