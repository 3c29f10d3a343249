"""A commune's statistics: dossiers by status and procedure, on-time rate,
median processing time per procedure."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from sqlalchemy import func, select

from domain import statuses
from domain.catalog import CATALOG
from domain.statuses import Status
from domain.working_days import to_vn_time, working_days_between
from extensions import db
from models import Dossier, ProcedureProgress
from models.base import as_utc
from services.desk import deadlines


@dataclass
class ProcedureStats:
    procedure_id: str
    title: str
    by_status: dict[int, int]
    completed: int
    on_time: int
    median_days: float | None  # working days from reaching the agency to done

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.completed if self.completed else None


@dataclass
class CommuneStats:
    by_status: list[tuple[int, str, int]]
    total: int
    completed: int
    on_time: int
    procedures: list[ProcedureStats]

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.completed if self.completed else None


def _local_date(value):
    return to_vn_time(as_utc(value)).date()


def commune_stats(commune_code: str) -> CommuneStats:
    counted = dict(
        db.session.execute(
            select(Dossier.status, func.count())
            .where(Dossier.commune_code == commune_code)
            .group_by(Dossier.status)
        ).all()
    )
    by_status = [(s.value, statuses.LABELS[s], counted.get(s.value, 0)) for s in Status]

    finished = db.session.scalars(
        select(Dossier).where(Dossier.commune_code == commune_code, Dossier.done_at.is_not(None))
    ).all()
    # Against the appointment given at receipt: a late step, or results after
    # the promised day, is late even with an apology's new date.
    on_time = sum(1 for d in finished if not deadlines.is_late(d, _local_date(d.done_at)))

    steps = db.session.execute(
        select(
            ProcedureProgress.procedure_id,
            ProcedureProgress.status,
            ProcedureProgress.started_at,
            ProcedureProgress.completed_at,
            ProcedureProgress.due_date,
        )
        .join(Dossier, Dossier.id == ProcedureProgress.dossier_id)
        .where(Dossier.commune_code == commune_code)
    ).all()
    procedures = []
    for pid, procedure in CATALOG["procedures"].items():
        mine = [s for s in steps if s.procedure_id == pid]
        done = [s for s in mine if s.status == Status.DONE and s.started_at and s.completed_at]
        durations = [
            working_days_between(as_utc(s.started_at), as_utc(s.completed_at)) for s in done
        ]
        by = {}
        for s in mine:
            by[s.status] = by.get(s.status, 0) + 1
        procedures.append(
            ProcedureStats(
                pid,
                procedure["title"],
                by,
                len(done),
                sum(1 for s in done if _local_date(s.completed_at) <= s.due_date),
                statistics.median(durations) if durations else None,
            )
        )
    return CommuneStats(by_status, sum(counted.values()), len(finished), on_time, procedures)
