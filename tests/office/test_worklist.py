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
