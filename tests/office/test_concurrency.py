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


# --- agencies side by side: concurrency is checked per step ------------------

DEATH_STAGE_TWO = ("tro-cap-mai-tang", "ho-tro-mai-tang")


def at_stage_two(app) -> str:
    """A death dossier filed with all four procedures (as dossiers filed before the
    two funeral benefits became exclusive were), through justice and the police:
    insurance and labour-social affairs now each hold their own step."""
    from tests.office.helpers import act, result_for

    with app.app_context():
        code = create_submitted_dossier("khai-tu")
        answers = dossier(code).answers
        act(code, "tu-phap", "accept")
        for role, pid in (("tu-phap", "dang-ky-khai-tu"), ("cong-an", "xoa-thuong-tru")):
            act(code, role, "record_result", pid, result=result_for(pid, answers))
        assert {p.procedure_id: p.status for p in dossier(code).progress if p.started_at} == {
            "dang-ky-khai-tu": 9, "xoa-thuong-tru": 9, **dict.fromkeys(DEATH_STAGE_TWO, 4)
        }  # fmt: skip
    return code


def result_form(app, client, code, pid, **extra):
    from tests.office.helpers import form_of, result_for

    page = client.get(f"/can-bo/ho-so/{code}").text
    with app.app_context():
        result = result_for(pid, dossier(code).answers)
    # The step's own version, as the page's form for that step carries it.
    marker = f'name="procedure_id" value="{pid}">\n<input type="hidden" name="step_version" value="'
    step_version = page.split(marker)[1].split('"')[0]
    return {
        **form(page, "record_result"), "procedure_id": pid, "step_version": step_version,
        **form_of(result), **extra,
    }  # fmt: skip


def test_two_agencies_acting_on_their_own_steps_from_pages_drawn_together_both_succeed(app):
    from tests.office.helpers import officer_client

    code = at_stage_two(app)
    insurance, labour = officer_client(app, "bhxh"), officer_client(app, "ldtbxh")
    # Both pages are drawn before either officer acts.
    insurance_form = result_form(app, insurance, code, "tro-cap-mai-tang")
    labour_form = result_form(app, labour, code, "ho-tro-mai-tang")
    url = f"/can-bo/ho-so/{code}/thao-tac"
    assert insurance.post(url, data=insurance_form).status_code == 302
    second = labour.post(url, data=labour_form)
    assert second.status_code == 302, second.text
    with app.app_context():
        d = dossier(code)
        assert [p.status for p in d.progress] == [9, 9, 9, 9]
        assert d.status == 9  # done: derived from both steps, neither read stale
        assert [e.action for e in d.events][-2:] == ["record_result", "record_result"]


def test_two_officers_on_the_same_step_still_get_the_clear_conflict(app):
    from tests.office.helpers import create_officer

    code = at_stage_two(app)
    with app.app_context():
        ids = [create_officer("bhxh", username=name).id for name in ("an", "binh")]
    clients = []
    for officer_id in ids:
        client = app.test_client()
        from tests.helpers import sign_in_as

        sign_in_as(app, client, officer_id=officer_id)
        clients.append(client)
    forms = [result_form(app, c, code, "tro-cap-mai-tang") for c in clients]
    url = f"/can-bo/ho-so/{code}/thao-tac"
    assert clients[0].post(url, data=forms[0]).status_code == 302
    late = clients[1].post(url, data=forms[1])
    assert late.status_code == 409
    assert "Hồ sơ vừa được cập nhật" in late.text
    with app.app_context():
        assert [e.action for e in dossier(code).events].count("record_result") == 3


def test_two_agencies_at_the_same_moment_both_land_and_the_dossier_is_done(app):
    from tests.office.helpers import officer_of, result_for

    code = at_stage_two(app)
    with app.app_context():
        answers = dossier(code).answers
        versions = {p.procedure_id: p.version for p in dossier(code).progress}
        page_version = dossier(code).version
        for role in ("bhxh", "ldtbxh"):
            officer_of(role)
    start = threading.Barrier(2)
    outcomes = []

    def agency(role, pid):
        with app.app_context():
            inp = office.ActionInput(
                "record_result", page_version, pid,
                result=result_for(pid, answers), step_version=versions[pid],
            )  # fmt: skip
            start.wait()
            try:
                office.perform(dossier(code), role, inp, officer=officer_of(role))
                outcomes.append("ok")
            except office.ActionProblem as problem:
                db.session.rollback()
                outcomes.append(problem.status)

    threads = [
        threading.Thread(target=agency, args=("bhxh", "tro-cap-mai-tang")),
        threading.Thread(target=agency, args=("ldtbxh", "ho-tro-mai-tang")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == ["ok", "ok"]
    with app.app_context():
        assert dossier(code).status == 9
