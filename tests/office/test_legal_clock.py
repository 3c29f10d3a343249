"""The legal clock: the appointment given at receipt never moves by itself;
late steps stay late; a new appointment comes only with an apology slip."""

from datetime import date, datetime, timedelta

import pytest

from extensions import db
from models import Notification
from services.desk import office, stats
from tests.office.helpers import (
    EMAIL,
    PHONE,
    create_submitted_dossier,
    dossier,
    officer_of,
    result_for,
)


def vn(*args) -> datetime:
    """A Vietnam local time as the naive UTC the database keeps."""
    return datetime(*args) - timedelta(hours=7)


def perform(code, role, action, pid=None, when=None, **fields):
    d = dossier(code)
    inp = office.ActionInput(action, d.version, pid, **fields)
    return office.perform(d, role, inp, officer=officer_of(role), now=when)


@pytest.fixture
def late(app):
    """Accepted Monday 2/3/2026 09:00; birth registered Thursday 5/3 (due 2/3)."""
    with app.app_context():
        code = create_submitted_dossier()
        perform(code, "tu-phap", "accept", when=vn(2026, 3, 2, 9, 0))
        d = dossier(code)
        result = {**result_for("dang-ky-khai-sinh", d.answers), "ngay_dang_ky": "2026-03-05"}
        perform(code, "tu-phap", "record_result", "dang-ky-khai-sinh",
                when=vn(2026, 3, 5, 10, 0), result=result)  # fmt: skip
        return code


def test_a_late_step_never_moves_the_appointment_given_at_receipt(app, late):
    with app.app_context():
        d = dossier(late)
        # Accepted 2/3: registration 2/3, police and insurance 4/3, the chain 5/3.
        assert d.promised_date == d.due_date == date(2026, 3, 5)
        assert [p.due_date for p in d.progress] == [date(2026, 3, 2), date(2026, 3, 4)] * 1 + [
            date(2026, 3, 4)
        ]
        assert "due_date" not in (d.events[-1].changes or {})


def test_a_step_finished_late_makes_the_step_and_the_dossier_overdue(app, late):
    with app.app_context():
        d = dossier(late)
        assert office.step_overdue(d.progress[0], date(2026, 3, 5))
        assert office.is_overdue(d, date(2026, 3, 5))  # before its own appointment even
        assert not office.step_overdue(d.progress[1], date(2026, 3, 4))  # police: due today


def test_a_dossier_finished_late_is_counted_late_in_the_statistics(app, late):
    with app.app_context():
        for pid, when in (
            ("dang-ky-thuong-tru", vn(2026, 3, 6, 9)),
            ("cap-the-bhyt", vn(2026, 3, 6, 10)),
        ):
            d = dossier(late)
            perform(late, "cong-an" if pid == "dang-ky-thuong-tru" else "bhxh", "record_result",
                    pid, when=when, result=result_for(pid, d.answers))  # fmt: skip
        figures = stats.commune_stats("05665", date(2026, 3, 9))
        assert figures.total.completed == 1 and figures.total.outcomes["dung-han"] == 0


def test_the_police_reached_late_sees_its_step_overdue_not_a_fresh_time(app, late):
    with app.app_context():
        police = dossier(late).progress[1]
        assert police.due_date == date(2026, 3, 4)
        assert office.step_overdue(police, date(2026, 3, 5))


def apologize(code, role="tu-phap", new="2026-03-11", when=None, reason="Chờ xác minh nơi cư trú"):
    return perform(code, role, "apologize", when=when or vn(2026, 3, 5, 14, 0),
                   reason=reason, new_date=new)  # fmt: skip


def test_the_apology_slip_gives_a_new_date_and_the_dossier_stays_late(app, late):
    with app.app_context():
        event = apologize(late)
        d = dossier(late)
        assert d.due_date == date(2026, 3, 11) and d.promised_date == date(2026, 3, 5)
        assert event.changes["due_date"] == ["2026-03-05", "2026-03-11"]
        assert office.is_overdue(d, date(2026, 3, 6))


def test_the_citizen_is_told_the_reason_and_the_new_date_by_sms_email_and_timeline(
    app, late, client
):
    app.config["PUBLIC_BASE_URL"] = "https://dichvucong.vanlang.gov.vn"
    with app.app_context():
        event = apologize(late)
        rows = db.session.scalars(
            db.select(Notification).where(Notification.event_id == event.id)
        ).all()
        sms = next(r for r in rows if r.channel == "sms")
        mail = next(r for r in rows if r.channel == "email")
        assert sms.recipient == PHONE and mail.recipient == EMAIL
        assert "xin loi" in sms.body and "Cho xac minh noi cu tru" in sms.body
        assert "11/03/2026" in sms.body and sms.body.isascii() and len(sms.body) <= 306
        assert "Chờ xác minh nơi cư trú" in mail.body and "11/03/2026" in mail.body
        assert f"/ho-so/{late}/phieu/xin-loi.pdf" in mail.body
        assert "Hẹn lại ngày trả kết quả: 11/03/2026" in event.note


@pytest.mark.parametrize(
    "new, words",
    [
        ("2026-03-04", "sau ngày hẹn hiện tại"),
        ("2026-03-07", "ngày làm việc"),  # a Saturday
        ("", "Hãy chọn ngày hẹn"),
        ("ngay mai", "Hãy chọn ngày hẹn"),
    ],
)
def test_a_new_date_that_cannot_be_is_refused_with_what_to_choose(app, late, new, words):
    with app.app_context():
        with pytest.raises(office.ActionProblem) as problem:
            apologize(late, new=new)
        assert problem.value.status == 400 and words in problem.value.message
        db.session.rollback()
        assert dossier(late).due_date == date(2026, 3, 5)


def test_an_apology_needs_a_reason(app, late):
    with app.app_context(), pytest.raises(office.ActionProblem) as problem:
        apologize(late, reason="  ")
    assert problem.value.status == 400 and "lý do chậm" in problem.value.message


def test_a_dossier_on_time_needs_no_apology(app):
    with app.app_context():
        code = create_submitted_dossier()
        perform(code, "tu-phap", "accept", when=vn(2026, 3, 2, 9, 0))
        with pytest.raises(office.ActionProblem) as problem:
            apologize(code, when=vn(2026, 3, 2, 10, 0))
        assert problem.value.status == 409
        assert "apologize" not in [
            a for a, _ in office.available("tu-phap", dossier(code), date(2026, 3, 2))
        ]


def test_an_agency_without_an_open_step_cannot_apologize(app, late):
    with app.app_context(), pytest.raises(office.ActionProblem) as problem:
        apologize(late, role="ldtbxh")
    assert problem.value.status == 403


def test_a_complete_supplement_restarts_the_legal_time_as_a_new_appointment(app):
    with app.app_context():
        code = create_submitted_dossier()
        perform(code, "tu-phap", "accept", when=vn(2026, 3, 2, 9, 0))
        perform(code, "tu-phap", "request_supplement", "dang-ky-khai-sinh",
                when=vn(2026, 3, 2, 10, 0), reason="Chụp lại giấy chứng sinh")  # fmt: skip
        d = dossier(code)
        office.perform(d, "citizen", office.ActionInput("resubmit", d.version),
                       now=vn(2026, 3, 9, 9, 0))  # fmt: skip
        d = dossier(code)
        assert d.progress[0].due_date == date(2026, 3, 9)
        assert d.promised_date == d.due_date == date(2026, 3, 12)


def test_papers_asked_of_a_late_dossier_do_not_make_it_on_time(app):
    """Asked for papers after its step ran late, resubmitted the next day: the
    step keeps its due day and the dossier its promise, still overdue."""
    with app.app_context():
        code = create_submitted_dossier()
        perform(code, "tu-phap", "accept", when=vn(2026, 3, 2, 9, 0))
        before = dossier(code)
        step_due, promised = before.progress[0].due_date, before.promised_date
        assert step_due < date(2026, 3, 5)
        perform(code, "tu-phap", "request_supplement", "dang-ky-khai-sinh",
                when=vn(2026, 3, 5, 10, 0), reason="Chụp lại giấy chứng sinh")  # fmt: skip
        d = dossier(code)
        office.perform(d, "citizen", office.ActionInput("resubmit", d.version),
                       now=vn(2026, 3, 6, 9, 0))  # fmt: skip
        d = dossier(code)
        assert d.progress[0].due_date == step_due
        assert d.promised_date == promised
        assert office.is_overdue(d, date(2026, 3, 6))
        assert office.step_overdue(d.progress[0], date(2026, 3, 6))
