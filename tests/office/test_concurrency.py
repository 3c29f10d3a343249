"""Two officers acting on one dossier at the same moment: exactly one succeeds."""

import threading

from sqlalchemy import update

from extensions import db
from models import Dossier, DossierEvent, Notification
from services.desk import office
from tests.office.helpers import create_officer, create_submitted_dossier, csrf_of, dossier


def signed_in(app, username):
    from tests.helpers import sign_in_as

    with app.app_context():
        officer_id = create_officer("tu-phap", username=username).id
    client = app.test_client()
    sign_in_as(app, client, officer_id=officer_id)
    return client


def form(page_text, action, **fields):
    version = page_text.split('name="version" value="')[1].split('"')[0]
    return {"csrf_token": csrf_of(page_text), "action": action, "version": version, **fields}


def test_the_second_of_two_officers_on_the_same_page_is_told_to_reload(app):
    with app.app_context():
        code = create_submitted_dossier()
    first, second = signed_in(app, "hoa"), signed_in(app, "lan")
    page_one = first.get(f"/can-bo/ho-so/{code}").text
    page_two = second.get(f"/can-bo/ho-so/{code}").text
    assert (
        first.post(f"/can-bo/ho-so/{code}/thao-tac", data=form(page_one, "accept")).status_code
        == 302
    )
    late = second.post(
        f"/can-bo/ho-so/{code}/thao-tac", data=form(page_two, "refuse", reason="Thiếu giấy tờ")
    )
    assert late.status_code == 409
    assert "Hồ sơ vừa được cập nhật" in late.text
    with app.app_context():
        assert dossier(code).status == 2
        assert [e.action for e in dossier(code).events] == [None, "accept"]


def test_two_threads_acting_at_once_leave_one_change_and_its_messages(app):
    with app.app_context():
        code = create_submitted_dossier(email=None)
    start = threading.Barrier(2)
    outcomes = []

    def officer(action, reason):
        with app.app_context():
            start.wait()  # both saw version 1 on their page
            try:
                office.perform(
                    dossier(code), "tu-phap", office.ActionInput(action, 1, reason=reason)
                )
                outcomes.append("ok")
            except office.ActionProblem as problem:
                db.session.rollback()
                outcomes.append(problem.status)

    threads = [
        threading.Thread(target=officer, args=("accept", "")),
        threading.Thread(target=officer, args=("refuse", "Ảnh mờ")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=str) == [409, "ok"]
    with app.app_context():
        assert len(db.session.scalars(db.select(DossierEvent)).all()) == 2
        assert len(db.session.scalars(db.select(Notification)).all()) == 1


def test_the_version_check_in_the_update_catches_a_change_the_page_did_not_see(app):
    with app.app_context():
        code = create_submitted_dossier()
        d = dossier(code)
        # Another officer's change lands between reading and writing.
        db.session.execute(update(Dossier).where(Dossier.id == d.id).values(version=2))
        try:
            office.perform(d, "tu-phap", office.ActionInput("accept", 1))
        except office.ActionProblem as problem:
            assert problem.status == 409
        else:
            raise AssertionError("a stale write went through")
        assert dossier(code).status == 1
