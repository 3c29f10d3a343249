"""The statistics page counts every dossier once, overdue, refused, withdrawn
and stopped included, in the headline and in the per-procedure table.

Once, with 8 of 8 dossiers overdue the headline read "Đúng hạn – 0/0" and the
refused, withdrawn and stopped steps vanished from the table.
"""

import re
from datetime import date, datetime, timedelta

import pytest

from domain import clock
from services.desk import office, stats
from tests.office.helpers import create_submitted_dossier, dossier, officer_client, officer_of

FILED = datetime(2026, 3, 2, 1, 0)  # Monday 2/3/2026 08:00 in Vietnam, as naive UTC
TODAY = date(2026, 4, 15)


def perform(code, role, action, when, pid=None, **fields):
    d = dossier(code)
    inp = office.ActionInput(action, d.version, pid, **fields)
    return office.perform(
        d, role, inp, officer=officer_of(role) if role != "citizen" else None, now=when
    )


def file_dossiers(n: int, first_phone: int = 0) -> list[str]:
    with clock.frozen(FILED):
        return [create_submitted_dossier(phone=f"+849123{first_phone + i:05d}") for i in range(n)]


@pytest.fixture
def overdue(app):
    """Eight dossiers accepted on 2/3 and never finished: all overdue by 15/4."""
    with app.app_context():
        codes = file_dossiers(8)
        for code in codes:
            perform(code, "tu-phap", "accept", FILED + timedelta(hours=1))
        return codes


def card(page: str, card_id: str) -> str:
    found = re.search(rf'<dd id="{card_id}">(.*?)</dd>', page, re.S)
    assert found, card_id
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_eight_overdue_dossiers_of_eight_show_as_eight_overdue_in_the_headline(app, overdue):
    with app.app_context():
        figures = stats.commune_stats("05665", TODAY)
    assert figures.total.received == 8
    assert figures.total.overdue == 8 and figures.total.outcomes["qua-han"] == 8
    with clock.frozen(datetime(2026, 4, 15, 3, 0)):
        page = officer_client(app, "quan-tri").get("/can-bo/thong-ke").text
    assert card(page, "stat-total") == "8"
    assert card(page, "stat-overdue").startswith("8 ")
    assert "8 chưa xong, quá hạn" in card(page, "stat-overdue")
    assert card(page, "stat-on-time").startswith("–")  # nothing done yet: no rate at all


@pytest.fixture
def ended(app):
    """One dossier refused, one withdrawn, one stopped at the registration."""
    with app.app_context():
        refused, withdrawn, stopped = file_dossiers(3, first_phone=100)
        at = FILED + timedelta(hours=1)
        perform(refused, "tu-phap", "refuse", at, reason="Tờ khai chưa ký")
        perform(withdrawn, "citizen", "withdraw", at)
        perform(stopped, "tu-phap", "accept", at)
        perform(stopped, "tu-phap", "stop", at + timedelta(hours=1), "dang-ky-khai-sinh",
                reason="Trùng hồ sơ")  # fmt: skip


def test_refused_withdrawn_and_stopped_dossiers_are_counted_in_the_headline(app, ended):
    with clock.frozen(datetime(2026, 4, 15, 3, 0)):
        page = officer_client(app, "quan-tri").get("/can-bo/thong-ke").text
    assert card(page, "stat-total") == "3"
    assert (card(page, "stat-refused"), card(page, "stat-withdrawn")) == ("1", "1")
    assert card(page, "stat-stopped") == "1"


def test_the_per_procedure_table_keeps_refused_withdrawn_and_stopped_steps(app, ended):
    with app.app_context():
        figures = stats.commune_stats("05665", TODAY)
    birth = next(p for p in figures.procedures if p.key == "dang-ky-khai-sinh")
    assert birth.received == 3
    assert (birth.outcomes["tu-choi"], birth.outcomes["rut"], birth.outcomes["dung"]) == (1, 1, 1)
    with clock.frozen(datetime(2026, 4, 15, 3, 0)):
        page = officer_client(app, "quan-tri").get("/can-bo/thong-ke").text
    table = page[page.index('id="stat-procedures"') :]
    row = table[table.index("Đăng ký khai sinh") :].split("</tr>")[0]
    cells = dict(re.findall(r'data-col="([a-z-]+)">(\d+)<', row))
    assert (cells["tu-choi"], cells["rut"], cells["dung"]) == ("1", "1", "1")
    assert "Dừng xử lý" in table[: table.index("</thead>")]


def test_the_period_report_headline_counts_refused_withdrawn_and_stopped(app, ended):
    page = officer_client(app, "quan-tri").get("/can-bo/bao-cao?ky=2026-03").text
    assert card(page, "report-refused") == "1"
    assert card(page, "report-withdrawn") == "1"
    assert card(page, "report-stopped") == "1"
