"""Reports a commune can send up: a period's dossiers, each counted once.

A dossier belongs to the period in which it was received (Vietnam local
day) and falls in exactly one outcome column (``OUTCOMES``), judged by the
legal clock on the report's day: done on time, done late, open and overdue,
open on time, refused, withdrawn, stopped. Steps are counted the same way per
procedure and per agency. Times are working days (domain.working_days) from
acceptance (a step: from reaching its agency) to results.
"""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from domain import legal_clock
from domain.catalog import CATALOG
from domain.periods import Period
from domain.statuses import Status
from domain.working_days import VN_TZ, working_days_between
from extensions import db
from models import Dossier
from models.base import as_utc
from services.desk import deadlines

OUTCOMES = {
    "dung-han": "Đã xong đúng hạn",
    "tre-han": "Đã xong trễ hạn",
    "qua-han": "Chưa xong, quá hạn",
    "trong-han": "Chưa xong, trong hạn",
    "tu-choi": "Không tiếp nhận",
    "rut": "Công dân rút",
    "dung": "Dừng xử lý",
}


# A dossier or step that ended without a result, by how it ended.
ENDED_WITHOUT_RESULT = {
    Status.NOT_ACCEPTED: "tu-choi",
    Status.WITHDRAWN: "rut",
    Status.STOPPED: "dung",
}


def _outcome(status: Status, done: bool, late: bool) -> str:
    if status in ENDED_WITHOUT_RESULT:
        return ENDED_WITHOUT_RESULT[status]
    if done:
        return "tre-han" if late else "dung-han"
    return "qua-han" if late else "trong-han"


def dossier_outcome(d: Dossier, today: date) -> str:
    status = Status(d.status)
    late = status not in ENDED_WITHOUT_RESULT and legal_clock.dossier_late(
        deadlines.clock(d), today
    )
    return _outcome(status, d.done_at is not None, late)


def step_outcome(step, today: date) -> str:
    status = Status(step.status)
    late = status not in ENDED_WITHOUT_RESULT and legal_clock.step_late(
        deadlines.step_clock(step), today
    )
    return _outcome(status, status == Status.DONE, late)


def percentile(values: list[int], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1), the way a clerk would count it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-int(q * 100) * len(ordered) // 100))  # ceil(q * n)
    return float(ordered[rank - 1])


@dataclass
class Line:
    key: str
    title: str
    online: int = 0
    at_desk: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    days: list[int] = field(default_factory=list)

    @property
    def received(self) -> int:
        return self.online + self.at_desk

    @property
    def median(self) -> float | None:
        return float(statistics.median(self.days)) if self.days else None

    @property
    def p90(self) -> float | None:
        return percentile(self.days, 0.9)

    @property
    def completed(self) -> int:
        return self.outcomes["dung-han"] + self.outcomes["tre-han"]

    @property
    def overdue(self) -> int:
        """Done late or still open past the appointment."""
        return self.outcomes["tre-han"] + self.outcomes["qua-han"]

    @property
    def on_time_rate(self) -> float | None:
        return self.outcomes["dung-han"] / self.completed if self.completed else None


@dataclass
class Report:
    period: Period
    today: date
    total: Line
    procedures: list[Line]
    agencies: list[Line]


def _bounds(period: Period) -> tuple[datetime, datetime]:
    return tuple(
        datetime.combine(day, time(0, 0), VN_TZ).astimezone(UTC).replace(tzinfo=None)
        for day in (period.first, period.last + timedelta(days=1))
    )


def report(commune_code: str, period: Period, today: date) -> Report:
    start, end = _bounds(period)
    dossiers = db.session.scalars(
        select(Dossier)
        .where(Dossier.commune_code == commune_code)
        .where(Dossier.received_at >= start, Dossier.received_at < end)
        .order_by(Dossier.id)
        .options(selectinload(Dossier.progress))
    ).all()
    total, procedures, agencies = tally(dossiers, today)
    return Report(period, today, total, procedures, agencies)


def tally(dossiers, today: date) -> tuple[Line, list[Line], list[Line]]:
    """Each dossier once in the total, each step once under its procedure and
    its agency, every one in exactly one outcome column (the statistics page
    counts the same way over all time)."""
    total = Line("tong", "Tổng số hồ sơ")
    procedures = {p: Line(p, v["title"]) for p, v in CATALOG["procedures"].items()}
    agencies = {a: Line(a, v["name"]) for a, v in CATALOG["agencies"].items()}
    for d in dossiers:
        # Filed at the one-stop desk for a citizen present (services.desk.filing),
        # or online by the citizen: the report's "trực tiếp" and "trực tuyến".
        channel = "at_desk" if d.channel == "counter" else "online"
        setattr(total, channel, getattr(total, channel) + 1)
        total.outcomes[dossier_outcome(d, today)] += 1
        if d.done_at is not None:
            total.days.append(
                working_days_between(as_utc(d.accepted_at or d.received_at), as_utc(d.done_at))
            )
        for step in d.progress:
            outcome = step_outcome(step, today)
            for line in (procedures[step.procedure_id], agencies[step.agency]):
                setattr(line, channel, getattr(line, channel) + 1)
                line.outcomes[outcome] += 1
                if step.status == Status.DONE and step.started_at and step.completed_at:
                    line.days.append(
                        working_days_between(as_utc(step.started_at), as_utc(step.completed_at))
                    )
    return (
        total,
        [line for line in procedures.values() if line.received],
        [line for line in agencies.values() if line.received],
    )


# --- downloads -----------------------------------------------------------------

HEADER = ["Phần", "Mã", "Tên", "Tiếp nhận", "Trực tuyến", "Trực tiếp", *OUTCOMES.values(),
          "Trung vị (ngày làm việc)", "Phân vị 90 (ngày làm việc)"]  # fmt: skip


def _rows(r: Report) -> list[list]:
    def line(part: str, x: Line) -> list:
        return [part, x.key, x.title, x.received, x.online, x.at_desk,
                *(x.outcomes[k] for k in OUTCOMES), x.median, x.p90]  # fmt: skip

    return [
        line("Tổng", r.total),
        *(line("Thủ tục", x) for x in r.procedures),
        *(line("Cơ quan", x) for x in r.agencies),
    ]


def as_csv(r: Report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"Báo cáo {r.period.label}", f"Tính đến {r.today:%d/%m/%Y}"])
    writer.writerow(HEADER)
    for row in _rows(r):
        writer.writerow(["" if v is None else v for v in row])
    # A byte-order mark so Excel opens the Vietnamese letters as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(r: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    sheet.append([f"Báo cáo {r.period.label}", f"Tính đến {r.today:%d/%m/%Y}"])
    sheet.append(HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in _rows(r):
        sheet.append(row)
    sheet.column_dimensions["C"].width = 48
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
