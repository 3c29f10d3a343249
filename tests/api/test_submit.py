"""Submitting a dossier: checks, confirmation code, idempotency, the code and its sequence."""

import re
import threading

from sqlalchemy import func, select

from domain.clock import today_vn
from extensions import db
from models import Dossier, Notification, Upload
from services.messages import notify
from tests.api.flow import complete_draft, confirmation_code, upload_page
from tests.api.spec_check import assert_matches_spec
from tests.conftest import Api, make_citizen, read_sms
from tests.helpers import new_draft_id, sign_in_as

KEY = "k" * 32


def submit(api, draft_id, code, key=KEY):
    return api.post(
        "/dossiers",
        json={"draft_id": draft_id, "idempotency_key": key, "confirmation_code": code},
    )


def test_a_complete_birth_draft_becomes_a_dossier_with_a_circular_01_code(api, app):
    draft_id = complete_draft(api)
    before = today_vn()
    response = submit(api, draft_id, confirmation_code(api, app, draft_id))
    assert response.status_code == 201, response.get_json()
    assert_matches_spec("post", "/dossiers", response)
    code = response.get_json()["code"]
    # Vietnam's day of the submit: midnight there may pass during the test.
    days = {f"{day:%y%m%d}" for day in (before, today_vn())}
    assert re.fullmatch(r"X05665-(\d{6})-0001", code)[1] in days
    with app.app_context():
        dossier = db.session.scalars(select(Dossier)).one()
        assert dossier.code == code
        assert len(dossier.progress) == 3
        files = db.session.scalars(select(Upload).where(Upload.dossier_id == dossier.id)).all()
        assert files


def test_the_dossier_code_also_arrives_by_sms(api, app):
    draft_id = complete_draft(api)
    code = submit(api, draft_id, confirmation_code(api, app, draft_id)).get_json()["code"]
    with app.app_context():  # the receipt waits in the outbox, committed with the dossier
        row = db.session.scalars(
            select(Notification).where(Notification.dossier_id.is_not(None))
        ).one()
        assert (row.channel, row.recipient, row.sent_at) == ("sms", api.client.phone, None)
        assert notify.run_once(app).sent == 1
    receipt = read_sms(app)[-1]
    assert receipt["to"] == api.client.phone
    assert code in receipt["body"]
    assert "Han giai quyet" in receipt["body"] and "/theo-doi" in receipt["body"]


def test_a_failing_sms_gateway_neither_fails_the_submit_nor_loses_the_receipt(api, app):
    class DownGateway:
        def send(self, to, body, reference=None):
            raise OSError("gateway down")

    draft_id = complete_draft(api)
    working = app.extensions["sms_sender"]
    otp = confirmation_code(api, app, draft_id)
    app.extensions["sms_sender"] = DownGateway()
    response = submit(api, draft_id, otp)
    assert response.status_code == 201
    with app.app_context():
        assert notify.run_once(app).retried == 1
        app.extensions["sms_sender"] = working
        later = (
            db.session.scalars(select(Notification).where(Notification.dossier_id.is_not(None)))
            .one()
            .next_attempt_at
        )
        assert notify.run_once(app, now=later).sent == 1
    assert response.get_json()["code"] in read_sms(app)[-1]["body"]


def test_repeating_a_submit_with_the_same_key_returns_the_same_dossier(api, app):
    draft_id = complete_draft(api)
    otp = confirmation_code(api, app, draft_id)
    first = submit(api, draft_id, otp)
    second = submit(api, draft_id, otp)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.get_json()["code"] == first.get_json()["code"]
    assert second.get_json()["replayed"] is True
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Dossier)) == 1


def test_a_second_key_for_an_already_submitted_draft_returns_its_dossier(api, app):
    draft_id = complete_draft(api)
    first = submit(api, draft_id, confirmation_code(api, app, draft_id))
    again = submit(api, draft_id, "000000", key="z" * 32)
    assert again.status_code == 200
    assert again.get_json()["code"] == first.get_json()["code"]


def test_a_wrong_confirmation_code_is_refused_and_no_dossier_is_made(api, app):
    draft_id = complete_draft(api)
    real = confirmation_code(api, app, draft_id)
    wrong = "000000" if real != "000000" else "111111"
    response = submit(api, draft_id, wrong)
    assert response.status_code == 400
    assert "còn 4 lần" in response.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Dossier)) == 0


def test_a_draft_missing_a_required_photo_cannot_ask_for_a_code(api, app):
    draft_id = complete_draft(api)
    with app.app_context():
        db.session.execute(Upload.__table__.delete())
        db.session.commit()
    response = api.post(f"/drafts/{draft_id}/confirmation-code")
    assert response.status_code == 422
    assert "Còn thiếu ảnh" in response.get_json()["error"]["message"]


def test_a_draft_with_invalid_answers_cannot_be_submitted(api, app):
    draft_id = complete_draft(api)
    api.patch(f"/drafts/{draft_id}", json={"answers": {"tre.ngay_sinh": "2999-01-01"}})
    response = api.post(f"/drafts/{draft_id}/check")
    assert response.status_code == 200
    assert_matches_spec("post", f"/drafts/{draft_id}/check", response)
    body = response.get_json()
    assert body["ok"] is False
    assert "tre.ngay_sinh" in body["fields"]
    assert api.post(f"/drafts/{draft_id}/confirmation-code").status_code == 422


def test_a_submitted_draft_can_no_longer_be_edited_or_given_photos(api, app):
    draft_id = complete_draft(api)
    submit(api, draft_id, confirmation_code(api, app, draft_id))
    assert api.patch(f"/drafts/{draft_id}", json={"step": "x"}).status_code == 409
    assert upload_page(api, draft_id, "x").status_code in (400, 409)


def test_group_two_with_three_chained_procedures_is_accepted(api, app):
    procedures = ["dang-ky-khai-tu", "xoa-thuong-tru", "tro-cap-mai-tang"]
    draft_id = complete_draft(api, "khai-tu", procedures)
    response = submit(api, draft_id, confirmation_code(api, app, draft_id))
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        dossier = db.session.scalars(select(Dossier)).one()
        assert dossier.procedure_ids == procedures


def test_concurrent_submits_get_consecutive_codes_without_gaps_or_duplicates(app):
    """Eight citizens submit at the same moment, each on its own thread and connection."""
    ready = []
    for i in range(8):
        phone = f"+8491234{i:04d}"
        client = app.test_client()
        sign_in_as(app, client, citizen_id=make_citizen(app, phone))
        client.phone = phone
        api = Api(client)
        draft_id = complete_draft(api)
        ready.append((api, draft_id, confirmation_code(api, app, draft_id)))
    results = []
    barrier = threading.Barrier(len(ready))

    def go(api, draft_id, otp):
        barrier.wait()
        results.append(submit(api, draft_id, otp, key=new_draft_id()))

    threads = [threading.Thread(target=go, args=args) for args in ready]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in results] == [201] * 8
    sequences = sorted(int(r.get_json()["code"][-4:]) for r in results)
    assert sequences == list(range(1, 9))


def test_a_submit_naming_a_photo_the_server_lacks_is_refused_and_says_which(api, app):
    draft_id = complete_draft(api)
    held = [u["client_id"] for u in api.get(f"/drafts/{draft_id}").get_json()["uploads"]]
    otp = confirmation_code(api, app, draft_id)
    response = api.post(
        "/dossiers",
        json={
            "draft_id": draft_id,
            "idempotency_key": KEY,
            "confirmation_code": otp,
            "photos": [*held, "photo-not-sent-yet"],
        },
    )
    assert response.status_code == 409
    assert_matches_spec("post", "/dossiers", response)
    assert response.get_json()["error"]["missing"] == ["photo-not-sent-yet"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Dossier)) == 0
    # Once the photo arrives, the same code and key file the dossier.
    upload_page(api, draft_id, "to-khai-khai-sinh", client_id="photo-not-sent-yet")
    again = api.post(
        "/dossiers",
        json={
            "draft_id": draft_id,
            "idempotency_key": KEY,
            "confirmation_code": otp,
            "photos": [*held, "photo-not-sent-yet"],
        },
    )
    assert again.status_code == 201, again.get_json()


def test_a_submit_carrying_the_devices_answers_files_those_answers(api, app):
    draft_id = complete_draft(api)
    otp = confirmation_code(api, app, draft_id)
    response = api.post(
        "/dossiers",
        json={
            "draft_id": draft_id,
            "idempotency_key": KEY,
            "confirmation_code": otp,
            "answers": {"tre.ten": "Bình"},
            "edited_at": {"tre.ten": 4_000_000_000_000},
        },
    )
    assert response.status_code == 201
    with app.app_context():
        assert db.session.scalars(select(Dossier)).one().answers["tre.ten"] == "Bình"


def test_a_submit_answers_from_what_it_wrote_without_a_second_transaction(api, app):
    # After the commit the answer (code, due date) was read back from the
    # database in a new transaction: on SQLite a writing one, the write lock
    # taken once more per submit for nothing.
    from sqlalchemy import event

    draft_id = complete_draft(api)
    otp = confirmation_code(api, app, draft_id)
    with app.app_context():
        engine = db.engine
    statements = []

    def note(_conn, _cursor, statement, *_):
        statements.append(statement.split()[0].upper())

    def committed(_conn):
        statements.append("COMMIT")

    event.listen(engine, "before_cursor_execute", note)
    event.listen(engine, "commit", committed)
    try:
        response = submit(api, draft_id, otp)
    finally:
        event.remove(engine, "before_cursor_execute", note)
        event.remove(engine, "commit", committed)
    assert response.status_code == 201
    assert response.get_json()["code"]
    after_commit = statements[len(statements) - statements[::-1].index("COMMIT") :]
    assert [s for s in after_commit if s not in ("ROLLBACK", "PRAGMA")] == []


def _held_photos(app, draft_id) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Upload.client_id).where(Upload.draft_id == draft_id)))


def test_a_submit_naming_a_photo_the_server_lacks_waits_for_it_and_keeps_the_answers(api, app):
    # The outbox sends what the device holds: its answers and its photos' ids.
    draft_id = complete_draft(api)
    held = _held_photos(app, draft_id)
    otp = confirmation_code(api, app, draft_id)
    body = {
        "draft_id": draft_id,
        "idempotency_key": KEY,
        "confirmation_code": otp,
        "answers": {"nguoi-yeu-cau.email": "moi@example.vn"},
        "photos": [*held, "not-arrived-yet"],
    }
    response = api.post("/dossiers", json=body)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "missing_photos" and error["missing"] == ["not-arrived-yet"]
    assert "còn thiếu 1 ảnh" in error["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Dossier)) == 0
    # The answers sent with it were kept: the draft shows them.
    draft = api.get(f"/drafts/{draft_id}").get_json()
    assert draft["answers"]["nguoi-yeu-cau.email"] == "moi@example.vn"
    # Once the server holds every photo the device names, the same code files it.
    response = api.post("/dossiers", json=body | {"photos": held})
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        dossier = db.session.scalars(select(Dossier)).one()
        assert dossier.answers["nguoi-yeu-cau.email"] == "moi@example.vn"
        filed = db.session.scalars(select(Upload.client_id).where(Upload.dossier_id == dossier.id))
        assert sorted(filed) == sorted(held)
