"""The legal clock applied to stored dossiers (rules in ``domain.legal_clock``).

The figures a province may change (working hours, the 8 hours to acknowledge,
the citizen's days to supplement) are read from the app's config, whose
defaults are the ones ``domain.legal_clock.RULES`` cites.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, has_app_context

from domain import legal_clock
from domain.statuses import Status
from domain.workflow import JUSTICE
from models import Dossier
from models.base import as_utc


def _config(name: str, default):
    return current_app.config.get(name, default) if has_app_context() else default


def ack_hours() -> float:
    default = legal_clock.RULES["acknowledge_working_hours"]["value"]
    return float(_config("ACKNOWLEDGE_WORKING_HOURS", default))


def schedule():
    return _config("OFFICE_WORKING_HOURS", legal_clock.DEFAULT_WORKING_HOURS)


def supplement_days() -> int:
    return int(
        _config("SUPPLEMENT_WORKING_DAYS", legal_clock.RULES["supplement_working_days"]["value"])
    )


def clock(dossier: Dossier) -> legal_clock.DossierClock:
    return legal_clock.DossierClock(
        status=Status(dossier.status),
        promised=dossier.promised_date or dossier.due_date,
        due=dossier.due_date,
        done=as_utc(dossier.done_at) if dossier.done_at else None,
        steps=tuple(step_clock(p) for p in dossier.progress),
    )


def step_clock(step) -> legal_clock.StepClock:
    return legal_clock.StepClock(
        Status(step.status), step.due_date, as_utc(step.completed_at) if step.completed_at else None
    )


def is_late(dossier: Dossier, today: date) -> bool:
    return legal_clock.dossier_late(clock(dossier), today)


def acknowledged_at(dossier: Dossier) -> datetime | None:
    """When an officer first answered the online dossier (accepted, refused or
    asked for papers at the desk)."""
    for event in dossier.events:
        if event.actor != "citizen" and event.action in ("accept", "refuse", "request_supplement"):
            return as_utc(event.at)
    return None


def late_to_acknowledge(dossier: Dossier, now: datetime) -> bool:
    return legal_clock.acknowledged_late(
        as_utc(dossier.received_at), acknowledged_at(dossier), as_utc(now), ack_hours(), schedule()
    )


def acknowledge_deadline(dossier: Dossier) -> datetime:
    return legal_clock.acknowledge_by(as_utc(dossier.received_at), ack_hours(), schedule())


def _supplement_asked_at(dossier: Dossier) -> datetime | None:
    """When the papers still awaited were asked for (None: nothing awaited)."""
    asked = (dossier.supplement or {}).get("asked_at")
    if not asked or dossier.status != Status.SUPPLEMENT_REQUESTED:
        return None
    return as_utc(datetime.fromisoformat(asked))


def supplement_due(dossier: Dossier) -> date | None:
    """The last day for the citizen to send what was asked, while it is awaited."""
    asked = _supplement_asked_at(dossier)
    return None if asked is None else legal_clock.supplement_due(asked, supplement_days())


def supplement_overdue(dossier: Dossier, now: datetime) -> bool:
    """Past the supplement time ("then": "flag" in the rules): the dossier is
    flagged for whoever asked, who decides; nothing is refused by itself."""
    asked = _supplement_asked_at(dossier)
    return asked is not None and legal_clock.supplement_overdue(
        asked, as_utc(now), supplement_days()
    )


def supplement_asked_by(dossier: Dossier) -> str | None:
    """The agency (role) that asked for the papers: the desk when asked at
    receipt, otherwise the agency of the step it was asked for."""
    if not dossier.supplement:
        return None
    pid = dossier.supplement.get("procedure_id")
    if pid is None:
        return JUSTICE
    return next((p.agency for p in dossier.progress if p.procedure_id == pid), None)
