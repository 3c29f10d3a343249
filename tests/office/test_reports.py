"""The period report, recomputed independently from the history of a generated
month of dossiers; every dossier counted once, in the right column; CSV and
Excel carry the same figures."""

import csv
import io
import random
from datetime import date, datetime, timedelta

import openpyxl
import pytest

from domain import periods
from domain.catalog import CATALOG
from domain.working_days import due_date, next_working_day
from extensions import db
from models.base import as_utc
from services.desk import office, reports
from tests.office.helpers import (
    create_submitted_dossier,
    dossier,
    officer_client,
    officer_of,
    result_for,
)

BIRTH = "dang-ky-khai-sinh"
TODAY = date(2026, 4, 15)
SCENARIOS = ("on_time", "late", "refused", "withdrawn", "stopped", "open_overdue", "waiting")


def vn(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour) - timedelta(hours=7)


def perform(code, role, action, when, pid=None, **fields):
    d = dossier(code)
    inp = office.ActionInput(action, d.version, pid, **fields)
    return office.perform(
        d, role, inp, officer=officer_of(role) if role != "citizen" else None, now=when
    )


def working_days_of(month_first: date, month_last: date) -> list[date]:
    day, days = month_first, []
    while day <= month_last:
        if next_working_day(day - timedelta(days=1)) == day:
            days.append(day)
        day += timedelta(days=1)
    return days


def generate_month(seed: int = 12) -> list[str]:
    rng = random.Random(seed)
    days = working_days_of(date(2026, 3, 1), date(2026, 3, 31))
    codes = []
    for n in range(24):
        scenario = SCENARIOS[n % len(SCENARIOS)]
        day = rng.choice(days[:-3])
        code = create_submitted_dossier(phone=f"+849123{n:05d}")
        d = dossier(code)
        d.received_at = vn(day, 8)  # filed that morning (received_at is not history)
        db.session.commit()
        accept_at = vn(day, 9)
        if scenario == "refused":
            perform(code, "tu-phap", "refuse", accept_at, reason="Tờ khai chưa ký")
            codes.append(code)
            continue
        if scenario == "withdrawn":
            perform(code, "citizen", "withdraw", accept_at)
            codes.append(code)
            continue
        perform(code, "tu-phap", "accept", accept_at)
        answers = dossier(code).answers
        if scenario in ("on_time", "late"):
            # Late: the registration two working days after its same-day limit.
            when = day if scenario == "on_time" else next_working_day(next_working_day(day))
            result = {**result_for(BIRTH, answers), "ngay_dang_ky": when.isoformat()}
            perform(code, "tu-phap", "record_result", vn(when, 10), BIRTH, result=result)
            for role, pid in (("cong-an", "dang-ky-thuong-tru"), ("bhxh", "cap-the-bhyt")):
                perform(code, role, "record_result", vn(when, 14), pid,
                        result=result_for(pid, answers))  # fmt: skip
        elif scenario == "stopped":
            perform(code, "tu-phap", "stop", vn(day, 10), BIRTH, reason="Trùng hồ sơ")
        elif scenario == "waiting":
            perform(code, "tu-phap", "request_supplement", vn(day, 10), BIRTH, reason="Chụp lại")
        codes.append(code)
    return codes


def local_day(moment: datetime) -> date:
    return (moment + timedelta(hours=7)).date()


def from_history(code: str, today: date) -> str:
    """The outcome column, from the events alone and the law's counting rules."""
    d = dossier(code)
    events = [e for e in d.events if e.action]
    actions = [e.action for e in events]
    last = events[-1]
    if last.action == "refuse":
        return "tu-choi"
    if last.action == "withdraw":
        return "rut"
    if last.action == "stop":
        return "dung"
    accepted = next(e for e in events if e.action == "accept")
    # The step: the same working day; the appointment: the group's whole time.
    step_due = due_date(as_utc(accepted.at), 0)
    group = next(g for g in CATALOG["groups"] if g["id"] == "khai-sinh")
    promised = max(
        step_due, due_date(as_utc(accepted.at), int(group["deadline"]["chain_working_days"]))
    )
    if "record_result" in actions:
        registered = next(
            e for e in events if e.procedure_id == BIRTH and e.action == "record_result"
        )
        done = next(e for e in events if e.status == 9)  # the results are ready
        late = local_day(registered.at) > step_due or local_day(done.at) > promised
        return "tre-han" if late else "dung-han"
    if last.action == "request_supplement":
        return "trong-han"
    return "qua-han" if today > promised else "trong-han"


@pytest.fixture
def month(app):
    with app.app_context():
        return generate_month()


def test_the_months_figures_match_a_count_made_from_the_history(app, month):
    with app.app_context():
        expected = dict.fromkeys(reports.OUTCOMES, 0)
        for code in month:
            expected[from_history(code, TODAY)] += 1
        report = reports.report("05665", periods.parse("2026-03"), TODAY)
        assert report.total.outcomes == expected
        assert report.total.received == len(month) == sum(expected.values())
        assert all(expected[k] > 0 for k in reports.OUTCOMES)  # every column is exercised
        # The registration step, per procedure and per agency, counts the same way.
        birth = next(x for x in report.procedures if x.key == BIRTH)
        assert birth.received == len(month)
        assert birth.outcomes["tre-han"] == expected["tre-han"]


def test_a_dossier_received_in_another_month_is_not_counted(app, month):
    with app.app_context():
        assert reports.report("05665", periods.parse("2026-02"), TODAY).total.received == 0
        assert reports.report("05665", periods.parse("2026-Q1"), TODAY).total.received == len(month)


def test_the_median_and_90th_percentile_are_in_working_days():
    assert reports.percentile([0, 0, 0, 0, 0, 0, 0, 0, 2, 2], 0.9) == 2.0
    assert reports.percentile([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 0.9) == 8.0
    assert reports.percentile([], 0.9) is None


def test_the_csv_and_the_workbook_carry_the_same_figures_as_the_page(app, month):
    client = officer_client(app, "quan-tri")
    page = client.get("/can-bo/bao-cao?ky=2026-03")
    assert page.status_code == 200 and "Tháng 03/2026" in page.text
    raw = client.get("/can-bo/bao-cao.csv?ky=2026-03")
    assert raw.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(raw.data.decode("utf-8-sig"))))
    header, total = rows[1], rows[2]
    assert total[0] == "Tổng" and int(total[header.index("Tiếp nhận")]) == len(month)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/can-bo/bao-cao.xlsx?ky=2026-03").data))
    sheet = book.active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1] == header
    assert [same(a, b) for a, b in zip(values[2], total, strict=True)] == [True] * len(total)


def same(cell, text: str) -> bool:
    if cell is None:
        return text == ""
    return float(cell) == float(text) if isinstance(cell, int | float) else cell == text


@pytest.mark.parametrize("query", ["ky=2026-13", "ky=abc", "tu=2026-03-05&den=2026-03-01"])
def test_a_period_that_cannot_be_is_a_400_that_says_what_to_choose(app, query):
    response = officer_client(app, "quan-tri").get(f"/can-bo/bao-cao?{query}")
    assert response.status_code == 400 and "Kỳ báo cáo không hợp lệ" in response.text


def test_agencies_other_than_the_desk_see_no_report(app):
    assert officer_client(app, "cong-an").get("/can-bo/bao-cao").status_code in (403, 404)
