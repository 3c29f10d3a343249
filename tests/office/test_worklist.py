"""The day's work: each officer sees their own step's due day, the subject,
flags with filters and counts, and the overdue first."""

from datetime import timedelta

import pytest

from domain import clock
from domain.clock import today_vn
from extensions import db
from tests.office.helpers import act, create_submitted_dossier, dossier, officer_client


@pytest.fixture(autouse=True)
def one_clock():
    """The due days are set from today and the page is read later: Vietnam's
    midnight (17:00 UTC) passing in between would move "due today" to "overdue"."""
    with clock.frozen(clock.now_utc()):
        yield


@pytest.fixture
def three(app):
    """Three accepted birth dossiers: registration overdue, due today, due later."""
    with app.app_context():
        codes = [create_submitted_dossier(phone=f"+8491234567{i}") for i in range(3)]
        for code in codes:
            act(code, "tu-phap", "accept")
        today = today_vn()
        for code, due in zip(codes, (today - timedelta(days=3), today, today + timedelta(days=9))):
            d = dossier(code)
            d.progress[0].due_date = due
            d.due_date = d.promised_date = today + timedelta(days=20)
            db.session.commit()
        return codes


def test_the_justice_queue_shows_the_due_day_of_its_own_step_not_the_dossiers(app, three):
    page = officer_client(app, "tu-phap").get("/can-bo/").text
    today = today_vn()
    assert today.strftime("%d/%m/%Y") in page  # the registration step, due today
    assert (today + timedelta(days=20)).strftime("%d/%m/%Y") not in page
    assert "Đăng ký khai sinh" in page and "Trần Minh An" in page  # the step and the child


def test_the_overdue_come_first_then_those_due_today(app, three):
    overdue, due_today, later = three
    page = officer_client(app, "tu-phap").get("/can-bo/").text
    assert page.index(overdue) < page.index(due_today) < page.index(later)


def test_each_flag_has_a_filter_with_its_count(app, three):
    overdue, due_today, later = three
    client = officer_client(app, "tu-phap")
    page = client.get("/can-bo/").text
    assert "Quá hạn (1)" in page and "Đến hạn hôm nay (1)" in page
    only_late = client.get("/can-bo/?loc=qua-han").text
    assert overdue in only_late and due_today not in only_late and later not in only_late
    only_today = client.get("/can-bo/?loc=hom-nay").text
    assert due_today in only_today and overdue not in only_today


def test_a_dossier_just_supplemented_and_one_awaiting_payment_are_flagged(app, three):
    overdue, due_today, later = three
    with app.app_context():
        act(later, "tu-phap", "request_supplement", "dang-ky-khai-sinh", reason="Chụp lại tờ khai")
        d = dossier(later)
        from services.desk import office

        office.perform(d, "citizen", office.ActionInput("resubmit", d.version))
        act(due_today, "tu-phap", "request_payment", "dang-ky-khai-sinh", amount="8000")
    client = officer_client(app, "tu-phap")
    assert later in client.get("/can-bo/?loc=vua-bo-sung").text
    waiting = client.get("/can-bo/?loc=cho-nop-phi").text
    assert due_today in waiting and later not in waiting


def test_a_filter_that_does_not_exist_is_a_400_with_a_message(app, three):
    response = officer_client(app, "tu-phap").get("/can-bo/?loc=khong-co")
    assert response.status_code == 400 and "Không có bộ lọc này" in response.text


def test_an_online_dossier_not_acknowledged_in_eight_working_hours_shows_late(app):
    from datetime import datetime

    with app.app_context():
        code = create_submitted_dossier()
        d = dossier(code)
        d.received_at = datetime(2026, 3, 2, 2, 0)  # Monday 09:00 in Vietnam, long ago
        db.session.commit()
    client = officer_client(app, "tu-phap")
    assert code in client.get("/can-bo/?loc=cham-tiep-nhan").text
    page = client.get(f"/can-bo/ho-so/{code}").text
    assert "Chậm tiếp nhận" in page and "09:00 03/03/2026" in page


def test_papers_not_sent_in_time_are_flagged_for_whoever_asked_and_nothing_is_refused(app):
    """The "then": "flag" of the supplement time: the dossier waits for the
    citizen, and past the time whoever asked sees it in red and decides."""
    from datetime import datetime

    from domain.statuses import Status
    from services.desk import office

    with app.app_context():
        at_receipt = create_submitted_dossier(phone="+84912345670")
        act(at_receipt, "tu-phap", "request_supplement", None, reason="Chụp lại tờ khai")
        step = create_submitted_dossier(phone="+84912345671")
        act(step, "tu-phap", "accept")
        act(step, "tu-phap", "request_supplement", "dang-ky-khai-sinh", reason="Thiếu trang 2")
        fresh = create_submitted_dossier(phone="+84912345672")
        act(fresh, "tu-phap", "request_supplement", None, reason="Ảnh mờ")
        # Asked on Monday 2 March 2026: 7 working days end on Wednesday 11 March.
        for code in (at_receipt, step):
            d = dossier(code)
            d.supplement = {**d.supplement, "asked_at": datetime(2026, 3, 2, 2, 0).isoformat()}
            db.session.commit()
        statuses = [dossier(c).status for c in (at_receipt, step, fresh)]
    client = officer_client(app, "tu-phap")
    flagged = client.get("/can-bo/?loc=qua-han-bo-sung").text
    assert "Quá hạn bổ sung (2)" in flagged
    assert at_receipt in flagged and step in flagged and fresh not in flagged
    page = client.get(f"/can-bo/ho-so/{at_receipt}").text
    assert "Quá hạn bổ sung" in page and "hạn hết ngày 11/03/2026" in page
    assert "Hạn bổ sung: hết ngày" in client.get(f"/can-bo/ho-so/{fresh}").text
    # The police asked nothing: no flag in its list.
    assert "Quá hạn bổ sung (0)" in officer_client(app, "cong-an").get("/can-bo/").text
    # Nothing was refused or stopped by the flag.
    assert statuses == [Status.SUPPLEMENT_REQUESTED] * 3
    with app.app_context():
        assert "stop" in {a for a, _ in office.available("tu-phap", dossier(step), today_vn())}


def test_papers_asked_at_receipt_and_not_sent_in_time_may_be_refused_and_not_before(app):
    from datetime import datetime

    from domain.statuses import Status
    from services.desk import office

    with app.app_context():
        late, waiting = (create_submitted_dossier(phone=f"+8491234567{i}") for i in range(2))
        for code in (late, waiting):
            act(code, "tu-phap", "request_supplement", None, reason="Chụp lại tờ khai")
        d = dossier(late)
        d.supplement = {**d.supplement, "asked_at": datetime(2026, 3, 2, 2, 0).isoformat()}
        db.session.commit()
        assert ("refuse", None) not in office.available("tu-phap", dossier(waiting))
        with pytest.raises(office.ActionProblem) as refused:
            act(waiting, "tu-phap", "refuse", reason="Không bổ sung")
        assert refused.value.status == 409
        assert "còn hạn bổ sung đến hết ngày" in refused.value.message
        assert ("refuse", None) in office.available("tu-phap", dossier(late))
        act(late, "tu-phap", "refuse", reason="Quá hạn bổ sung mà không bổ sung")
        assert dossier(late).status == Status.NOT_ACCEPTED and dossier(late).supplement is None
        assert dossier(waiting).status == Status.SUPPLEMENT_REQUESTED
