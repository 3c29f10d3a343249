"""A commune's statistics over all time: dossiers by status, and the same
outcome columns as the period report (``services.desk.reports``), so that
overdue, refused, withdrawn and stopped dossiers and steps are counted, never
dropped from the headline or the per-procedure table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from domain import statuses
from domain.statuses import Status
from extensions import db
from models import Dossier
from services.desk import reports


@dataclass
class CommuneStats:
    by_status: list[tuple[int, str, int]]
    total: reports.Line
    procedures: list[reports.Line]
    agencies: list[reports.Line]


def commune_stats(commune_code: str, today: date) -> CommuneStats:
    """Judged late or on time by the legal clock on ``today`` (Vietnam's day)."""
    counted = dict(
        db.session.execute(
            select(Dossier.status, func.count())
            .where(Dossier.commune_code == commune_code)
            .group_by(Dossier.status)
        ).all()
    )
    by_status = [(s.value, statuses.LABELS[s], counted.get(s.value, 0)) for s in Status]
    dossiers = db.session.scalars(
        select(Dossier)
        .where(Dossier.commune_code == commune_code)
        .order_by(Dossier.id)
        .options(selectinload(Dossier.progress))
    ).all()
    total, procedures, agencies = reports.tally(dossiers, today)
    return CommuneStats(by_status, total, procedures, agencies)
