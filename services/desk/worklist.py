"""The day's work of one officer: their own step's due day, flags, filters, counts.

The queue's status tabs (services.desk.queue) answer "where is the dossier";
this answers "what must I do today". Flags come from the legal clock
(domain.legal_clock) and the history, so they are computed here in Python over
the officer's open dossiers (a commune has hundreds, not millions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from domain import legal_clock
from domain.catalog import CATALOG
from domain.statuses import Status
from domain.workflow import JUSTICE
from extensions import db
from models import Dossier, Officer, ProcedureProgress
from services.desk import deadlines
from services.desk.queue import _visible_to

# Filter id -> its words; the order is the order of the filter links.
FLAGS = {
    "qua-han": "Quá hạn",
    "hom-nay": "Đến hạn hôm nay",
    "cham-tiep-nhan": "Chậm tiếp nhận",
    "vua-bo-sung": "Công dân vừa bổ sung",
    "cho-nop-phi": "Chờ nộp phí",
    "qua-han-bo-sung": "Quá hạn bổ sung",
}
# The flags that say someone is past a legal time (shown in red).
LATE_FLAGS = ("qua-han", "cham-tiep-nhan", "qua-han-bo-sung")
OPEN_STEP = (Status.IN_PROCESS, Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED)


@dataclass
class Row:
    dossier: Dossier
    subject: str  # the child's or the deceased's name
    step: ProcedureProgress | None  # this officer's pending step
    step_title: str
    due: date  # of that step; for a dossier not yet received, the day to acknowledge
    flags: list[str] = field(default_factory=list)


def subject(dossier: Dossier) -> str:
    a = dossier.answers or {}
    if dossier.group_id == "khai-sinh":
        return " ".join(x for x in (a.get("tre.ho"), a.get("tre.chu_dem"), a.get("tre.ten")) if x)
    return a.get("nguoi-mat.ho_ten", "")


def _pending(officer: Officer, dossier: Dossier) -> ProcedureProgress | None:
    return next(
        (p for p in dossier.progress if p.agency == officer.role and p.status in OPEN_STEP), None
    )


def row(officer: Officer, dossier: Dossier, today: date, now: datetime) -> Row:
    step = _pending(officer, dossier)
    flags = []
    if dossier.status == Status.SUBMITTED:
        due = deadlines.acknowledge_deadline(dossier).date()
        if deadlines.late_to_acknowledge(dossier, now):
            flags.append("cham-tiep-nhan")
    elif step is None and dossier.status == Status.SUPPLEMENT_REQUESTED:
        due = deadlines.supplement_due(dossier)  # asked at receipt: the citizen's last day
    else:
        due = step.due_date if step else dossier.due_date
    clock = deadlines.step_clock(step) if step else None
    if (clock and legal_clock.step_late(clock, today)) or (
        not step and deadlines.is_late(dossier, today)
    ):
        flags.append("qua-han")
    elif (clock and legal_clock.step_due_today(clock, today)) or (
        dossier.status == Status.SUBMITTED and due == today
    ):
        flags.append("hom-nay")
    last = dossier.events[-1] if dossier.events else None
    if last is not None and last.action == "resubmit":
        flags.append("vua-bo-sung")
    if step is not None and step.status == Status.PAYMENT_REQUESTED:
        flags.append("cho-nop-phi")
    # Only the one who asked must decide (call the citizen, refuse or stop).
    if deadlines.supplement_asked_by(dossier) == officer.role and deadlines.supplement_overdue(
        dossier, now
    ):
        flags.append("qua-han-bo-sung")
    title = CATALOG["procedures"][step.procedure_id]["title"] if step else ""
    return Row(dossier, subject(dossier), step, title, due, flags)


def worklist(officer: Officer, today: date, now: datetime) -> list[Row]:
    """The officer's open dossiers, overdue first, then by their own due day."""
    active = [Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROCESS, Status.PAYMENT_REQUESTED,
              Status.SUPPLEMENT_REQUESTED, Status.DONE]  # fmt: skip
    dossiers = db.session.scalars(
        select(Dossier).where(_visible_to(officer), Dossier.status.in_(active))
    ).all()
    rows = []
    for d in dossiers:
        r = row(officer, d, today, now)
        # Justice hands results over (DONE); the other agencies only their open steps.
        # A request for papers made at receipt has no step yet: the desk sees
        # it again once the citizen's time has run out.
        desk_work = officer.role == JUSTICE and (
            d.status in (Status.SUBMITTED, Status.DONE) or "qua-han-bo-sung" in r.flags
        )
        if r.step is not None or desk_work:
            rows.append(r)
    rows.sort(
        key=lambda r: ("qua-han" not in r.flags, "hom-nay" not in r.flags, r.due, r.dossier.id)
    )
    return rows


def counts(rows: list[Row]) -> dict[str, int]:
    return {flag: sum(1 for r in rows if flag in r.flags) for flag in FLAGS}
