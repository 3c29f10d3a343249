"""The office queue: an officer's dossiers by status and deadline, and search."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, or_, select

from domain import workflow
from domain.numbers import whole_number
from domain.search import like_pattern, parse_query
from domain.statuses import Status
from extensions import db
from models import Citizen, Dossier, Officer, ProcedureProgress, VneidIdentity

PAGE_SIZE = 50
# Far past any commune's dossiers; bounds the OFFSET the database is sent.
MAX_PAGE = 10_000

# Tabs of the queue: "todo" (what this role can act on now) and each status.
TODO = "can-xu-ly"


def _status_tab(tab: str) -> int | None:
    number = whole_number(tab, 1, max(Status))
    return number if number in set(Status) else None


def is_tab(tab: str) -> bool:
    return tab == TODO or _status_tab(tab) is not None


@dataclass
class Page:
    dossiers: list[Dossier]
    page: int
    has_next: bool


def _visible_to(officer: Officer):
    """SQL for 'this officer may see the dossier' (mirrors workflow.can_see)."""
    conditions = [Dossier.commune_code == officer.commune_code]
    if officer.role != workflow.JUSTICE:
        conditions.append(
            exists().where(
                ProcedureProgress.dossier_id == Dossier.id,
                ProcedureProgress.agency == officer.role,
                ProcedureProgress.started_at.is_not(None),
            )
        )
    return and_(*conditions)


def _todo(officer: Officer):
    own_step_open = exists().where(
        ProcedureProgress.dossier_id == Dossier.id,
        ProcedureProgress.agency == officer.role,
        ProcedureProgress.status.in_([Status.IN_PROCESS, Status.PAYMENT_REQUESTED]),
    )
    if officer.role == workflow.JUSTICE:
        return or_(Dossier.status.in_([Status.SUBMITTED, Status.DONE]), own_step_open)
    return own_step_open


def _matches(query: str):
    parsed = parse_query(query)
    if parsed is None:
        return None
    kind, value = parsed
    if kind == "code":
        return Dossier.code == value
    pattern = like_pattern(value)
    condition = Dossier.search_text.like(pattern, escape="\\")
    if kind == "digits":
        # Also the phone the citizen signed in with, or the one the e-ID
        # vouched for: a VNeID-only citizen has no phone account at all.
        e164 = like_pattern("+84" + value[1:] if value.startswith("0") else value)
        account = exists().where(
            Citizen.id == Dossier.citizen_id, Citizen.phone.like(e164, escape="\\")
        )
        vouched = exists().where(
            VneidIdentity.citizen_id == Dossier.citizen_id,
            VneidIdentity.phone.like(e164, escape="\\"),
        )
        condition = or_(condition, account, vouched)
    return condition


def queue(officer: Officer, tab: str = TODO, query: str = "", page: int = 1) -> Page:
    statement = select(Dossier).where(_visible_to(officer))
    if query.strip():
        condition = _matches(query)
        if condition is None:
            return Page([], 1, False)
        statement = statement.where(condition)
    elif tab == TODO:
        statement = statement.where(_todo(officer))
    elif _status_tab(tab) is not None:
        statement = statement.where(Dossier.status == _status_tab(tab))
    # Waiting on the office first (new, then running, then results to hand
    # over), earliest deadline first within each.
    order = case(
        (Dossier.status == Status.SUBMITTED, 0),
        (Dossier.status.in_([Status.ACCEPTED, Status.IN_PROCESS, Status.PAYMENT_REQUESTED]), 1),
        (Dossier.status == Status.DONE, 2),
        (Dossier.status == Status.SUPPLEMENT_REQUESTED, 3),
        else_=4,
    )
    page = min(max(page, 1), MAX_PAGE)
    rows = db.session.scalars(
        statement.order_by(order, Dossier.due_date, Dossier.id)
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page(list(rows[:PAGE_SIZE]), page, len(rows) > PAGE_SIZE)


def counts(officer: Officer) -> dict[int, int]:
    """Number of visible dossiers per one-stop status, for the tabs."""
    rows = db.session.execute(
        select(Dossier.status, func.count()).where(_visible_to(officer)).group_by(Dossier.status)
    ).all()
    return {status: n for status, n in rows}


def own_step(officer: Officer, dossier: Dossier) -> ProcedureProgress | None:
    """This officer's step in the dossier (the first open one), for the queue."""
    mine = [p for p in dossier.progress if p.agency == officer.role]
    open_ = (Status.IN_PROCESS, Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED)
    return next((p for p in mine if p.status in open_), mine[0] if mine else None)
