"""The legal clock's plain rules: working hours to acknowledge, the supplement
clock, late steps, and which new appointments an apology may give."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from domain import legal_clock as lc
from domain.statuses import Status

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


@pytest.mark.parametrize(
    "received, deadline",
    [
        # Monday 09:00: 2h30 in the morning, 4h in the afternoon, 1h30 on Tuesday.
        (at(2026, 3, 2, 9, 0), at(2026, 3, 3, 9, 0)),
        # Friday 16:00: 1 h on Friday, 7 h on Monday (Saturday and Sunday do not count).
        (at(2026, 3, 6, 16, 0), at(2026, 3, 9, 16, 0)),
        # Wednesday 29/4 16:00: 30/4 and 1/5 are public holidays, then the weekend.
        (at(2026, 4, 29, 16, 0), at(2026, 5, 4, 16, 0)),
        # At night: counted from the next morning's opening.
        (at(2026, 3, 2, 22, 0), at(2026, 3, 3, 17, 0)),
        # During the lunch break: from 13:00.
        (at(2026, 3, 2, 12, 0), at(2026, 3, 3, 11, 30)),
    ],
)
def test_eight_working_hours_skip_nights_lunch_weekends_and_holidays(received, deadline):
    assert lc.acknowledge_by(received, 8) == deadline


def test_an_online_dossier_is_late_to_acknowledge_after_eight_working_hours():
    received = at(2026, 3, 6, 16, 0)
    assert not lc.acknowledged_late(received, None, at(2026, 3, 9, 15, 59), 8)
    assert lc.acknowledged_late(received, None, at(2026, 3, 9, 16, 1), 8)
    # Answered late stays late, however long ago.
    assert lc.acknowledged_late(received, at(2026, 3, 10, 8, 0), at(2026, 4, 1, 8, 0), 8)


def test_the_office_hours_are_configuration():
    schedule = lc.parse_hours("07:00-11:00, 13:30-17:30")
    assert lc.acknowledge_by(at(2026, 3, 2, 7, 0), 8, schedule) == at(2026, 3, 2, 17, 30)
    with pytest.raises(ValueError):
        lc.parse_hours("17:00-07:00")


def test_the_supplement_clock_gives_the_citizen_seven_working_days():
    asked = at(2026, 4, 28, 10, 0)  # Tuesday; 30/4, 1/5 holidays
    assert lc.RULES["supplement_working_days"]["value"] == 7
    # 29/4, then 4/5 to 8/5, then Monday 11/5: the seventh working day.
    assert not lc.supplement_overdue(asked, at(2026, 5, 11, 17, 0), 7)
    assert lc.supplement_overdue(asked, at(2026, 5, 12, 8, 0), 7)


def test_every_figure_names_its_rule():
    for rule in lc.RULES.values():
        assert "Nghị định" in rule["source"] or "Thông tư" in rule["source"]


def step(status, due, completed=None):
    return lc.StepClock(status, due, completed)


def test_a_step_done_after_its_day_is_late_and_one_waiting_for_the_citizen_is_not():
    assert lc.step_late(step(Status.DONE, date(2026, 3, 2), at(2026, 3, 3, 8)), date(2026, 3, 3))
    assert not lc.step_late(
        step(Status.DONE, date(2026, 3, 2), at(2026, 3, 2, 16)), date(2026, 9, 1)
    )
    assert not lc.step_late(step(Status.SUPPLEMENT_REQUESTED, date(2026, 3, 2)), date(2026, 9, 1))
    assert lc.step_late(step(Status.IN_PROCESS, date(2026, 3, 2)), date(2026, 3, 3))


def test_an_apology_does_not_make_a_late_dossier_on_time():
    d = lc.DossierClock(
        Status.DONE, promised=date(2026, 3, 5), due=date(2026, 3, 12),
        done=at(2026, 3, 10, 9), steps=(),
    )  # fmt: skip
    assert lc.dossier_late(d, date(2026, 3, 10))


@pytest.mark.parametrize(
    "new, ok",
    [
        (date(2026, 3, 12), True),
        (date(2026, 3, 5), False),  # not after the current appointment
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 4, 30), False),  # public holiday
        (date(2026, 9, 1), False),  # past 90 days
        (None, False),
    ],
)
def test_a_new_appointment_is_a_later_working_day(new, ok):
    problem = lc.check_new_appointment(new, date(2026, 3, 5), date(2026, 3, 6))
    assert (problem is None) == ok
