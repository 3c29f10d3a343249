"""Officers acting on dossiers: visibility, one transaction per action.

``perform`` applies a ``domain.workflow`` plan: statuses, deadlines, results,
payments, the history row and the citizen's notifications, all in one commit.
The dossier's version column makes a second officer acting on the same
dossier at the same moment fail with :class:`ActionProblem` (409) instead of
both succeeding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from domain import results, workflow
from domain.catalog import CATALOG
from domain.numbers import whole_number
from domain.statuses import Status
from domain.validation import sections_for
from domain.workflow import State, Step, WorkflowError
from domain.working_days import due_date, to_vn_time
from extensions import db
from models import Dossier, DossierEvent, Officer, Payment
from models.base import as_utc, utcnow
from services.dossiers import payments
from services.dossiers.submission import plan_deadlines, procedure_days
from services.messages import notify

CONFLICT = (
    "Hồ sơ vừa được cập nhật (có thể bởi cán bộ khác) nên thao tác của bạn chưa được "
    "thực hiện. Hãy xem lại hồ sơ rồi thử lại."
)
MAX_REASON = 1000


@dataclass
class ActionProblem(Exception):
    status: int
    message: str
    fields: dict = field(default_factory=dict)


@dataclass
class ActionInput:
    """What an officer (or the citizen) sent, already parsed by the view."""

    action: str
    version: int
    procedure_id: str | None = None
    reason: str = ""
    attachments: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    amount: str = ""
    result: dict = field(default_factory=dict)
    tracking: str = ""
    corrections: dict = field(default_factory=dict)  # resubmit: {key: [old, new]}
    added: list[str] = field(default_factory=list)  # resubmit: papers photographed again


def snapshot(dossier: Dossier) -> State:
    return State(
        Status(dossier.status),
        tuple(
            Step(p.procedure_id, p.agency, Status(p.status), p.started_at is not None)
            for p in dossier.progress
        ),
    )


def can_see(officer: Officer, dossier: Dossier) -> bool:
    return officer.commune_code == dossier.commune_code and workflow.can_see(
        officer.role, snapshot(dossier)
    )


def officer_dossier(officer: Officer, code: str) -> Dossier | None:
    """The dossier by code if this officer may see it; None (a 404) otherwise,
    so another commune's officer cannot even learn that the code exists."""
    dossier = db.session.scalars(
        select(Dossier).where(Dossier.code == (code or "").strip().upper())
    ).first()
    return dossier if dossier is not None and can_see(officer, dossier) else None


def available(role: str, dossier: Dossier) -> list[tuple[str, str | None]]:
    return workflow.available(role, snapshot(dossier))


def is_overdue(dossier: Dossier, today: date) -> bool:
    running = {Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROCESS, Status.PAYMENT_REQUESTED}
    return dossier.status in running and dossier.due_date < today


def step_overdue(status: int, due: date, today: date) -> bool:
    # While the citizen is asked for papers the clock stands still.
    return status in (Status.IN_PROCESS, Status.PAYMENT_REQUESTED) and due < today


# --- checking the inputs of each action ------------------------------------


def _required_reason(inp: ActionInput, what: str) -> str:
    reason = " ".join((inp.reason or "").split())
    if not reason:
        raise ActionProblem(400, f"Hãy ghi {what}.", {"reason": f"Hãy ghi {what}."})
    if len(reason) > MAX_REASON:
        message = f"Nội dung dài quá {MAX_REASON} ký tự. Hãy viết ngắn lại."
        raise ActionProblem(400, message, {"reason": message})
    return reason


def _amount(inp: ActionInput) -> int:
    text = (inp.amount or "").replace(".", "").replace(",", "").replace(" ", "")
    amount = whole_number(text, 1, 100_000_000)
    if amount is None:
        message = "Hãy nhập số tiền cần nộp, bằng chữ số, lớn hơn 0 (ví dụ 16000)."
        raise ActionProblem(400, message, {"amount": message})
    return amount


def _tracking(inp: ActionInput) -> str:
    text = "".join((inp.tracking or "").split()).upper()
    if not (6 <= len(text) <= 30 and text.isalnum()):
        message = "Hãy nhập số hiệu bưu gửi in trên phiếu gửi, ví dụ EB123456789VN."
        raise ActionProblem(400, message, {"tracking": message})
    return text


# --- applying a plan ---------------------------------------------------------


def perform(
    dossier: Dossier,
    role: str,
    inp: ActionInput,
    officer: Officer | None = None,
    now: datetime | None = None,
) -> DossierEvent:
    """Do ``inp.action`` as ``role`` (an officer's role, or "citizen")."""
    now = now or utcnow()
    if inp.version != dossier.version:
        raise ActionProblem(409, CONFLICT)
    before = snapshot(dossier)
    try:
        plan = workflow.plan(inp.action, role, before, inp.procedure_id)
    except WorkflowError as error:
        raise ActionProblem(403 if error.code == "forbidden" else 409, error.message) from None

    changes: dict = {"status": [before.status, plan.status]}
    note, detail = _apply_inputs(dossier, plan, inp, changes, now)
    by_pid = {p.procedure_id: p for p in dossier.progress}
    old_due = dossier.due_date

    if plan.action == "accept":
        dossier.accepted_at = now
        per_procedure, overall = plan_deadlines(
            dossier.group_id, dossier.procedure_ids, as_utc(now)
        )
        for pid, due in per_procedure.items():
            by_pid[pid].due_date = due
        dossier.due_date = overall
    for pid, to in plan.steps.items():
        step = by_pid[pid]
        changes.setdefault("steps", {})[pid] = [step.status, to]
        if to in (Status.DONE, Status.STOPPED) and step.status != to:
            step.completed_at = now
        if plan.action == "resubmit":  # the clock restarts with the complete papers
            step.due_date = due_date(as_utc(now), procedure_days(pid))
        step.status = to
    for pid in plan.started:
        step = by_pid[pid]
        step.started_at = now
        # Each agency gets at least its own time from the moment the dossier reaches it.
        step.due_date = max(step.due_date, due_date(as_utc(now), procedure_days(pid)))
    dossier.due_date = max([dossier.due_date, *(p.due_date for p in dossier.progress)])
    if dossier.due_date != old_due:
        changes["due_date"] = [old_due.isoformat(), dossier.due_date.isoformat()]
    if plan.status == Status.DONE and dossier.status != Status.DONE:
        dossier.done_at = now
    if plan.started:
        names = ", ".join(CATALOG["agencies"][by_pid[p].agency]["short"] for p in plan.started)
        note = f"{note} Đã chuyển đến {names}.".strip()
    dossier.status = plan.status
    dossier.updated_at = now  # always an UPDATE, so the version is always checked

    event = DossierEvent(
        dossier_id=dossier.id,
        status=plan.status,
        procedure_id=plan.procedure_id,
        actor=role,
        officer_id=officer.id if officer else None,
        action=plan.action,
        note=note[:500] or None,
        detail=detail[:2000] if detail else None,
        changes=changes,
        at=now,
    )
    db.session.add(event)
    try:
        # enqueue reads the citizen, which autoflushes the dossier's UPDATE: on
        # PostgreSQL a concurrent officer's commit makes that UPDATE match no
        # row right there (SQLite's IMMEDIATE transactions never get that far).
        notify.enqueue(dossier, event)
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ActionProblem(409, CONFLICT) from None
    db.session.commit()
    return event


def _procedure_title(pid: str | None) -> str:
    return CATALOG["procedures"][pid]["title"] if pid else ""


def _apply_inputs(dossier: Dossier, plan, inp: ActionInput, changes: dict, now) -> tuple[str, str]:
    """Check the action's own inputs; returns (public note, citizen-only detail)."""
    action, pid = plan.action, plan.procedure_id
    if action == "refuse":
        reason = _required_reason(inp, "lý do không tiếp nhận")
        changes["reason"] = reason
        return "Hồ sơ không được tiếp nhận.", f"Lý do: {reason}"
    if action == "stop":
        reason = _required_reason(inp, "lý do dừng xử lý")
        changes["reason"] = reason
        return f"Dừng xử lý: {_procedure_title(pid)}.", f"Lý do: {reason}"
    if action == "request_supplement":
        reason = _required_reason(inp, "giấy tờ hoặc thông tin cần bổ sung")
        known = {a["id"] for p in dossier.procedure_ids for a in _attachments(p)}
        wanted_sections = set(dossier_sections(dossier))
        attachments = [a for a in inp.attachments if a in known]
        sections = [s for s in inp.sections if s in wanted_sections]
        dossier.supplement = {
            "message": reason, "attachments": attachments, "sections": sections,
            "procedure_id": pid, "asked_at": now.isoformat(),
        }  # fmt: skip
        changes.update(reason=reason, attachments=attachments, sections=sections)
        return "Cần bổ sung giấy tờ hoặc thông tin.", f"Cần bổ sung: {reason}"
    if action == "resubmit":
        changes.update(request=dossier.supplement, answers=inp.corrections, photos=inp.added)
        dossier.supplement = None
        return "Công dân đã nộp bổ sung.", ""
    if action == "request_payment":
        amount = _amount(inp)
        reason = " ".join((inp.reason or "").split())[:300] or _procedure_title(pid)
        payment = Payment(
            dossier_id=dossier.id, procedure_id=pid, amount=amount, reason=reason, provider="office"
        )
        db.session.add(payment)
        changes.update(amount=amount, reason=reason)
        return (
            f"Cần nộp {amount:,} đồng ({reason}).".replace(",", "."),
            payments.provider("office").instructions(payment),
        )
    if action == "confirm_payment":
        payment = db.session.scalars(
            select(Payment)
            .where(Payment.dossier_id == dossier.id, Payment.procedure_id == pid)
            .where(Payment.status == "pending")
            .order_by(Payment.id.desc())
        ).first()
        amount = payment.amount if payment else 0
        if payment is not None:
            payments.provider(payment.provider).mark_paid(payment)
        changes["amount"] = amount
        return f"Đã nhận {amount:,} đồng.".replace(",", "."), ""
    if action == "record_result":
        cleaned, errors = results.check_result(
            pid, inp.result, dossier.answers or {}, today=_today(now)
        )
        if errors:
            raise ActionProblem(400, "Kết quả chưa đúng. Hãy sửa các ô được đánh dấu.", errors)
        step = next(p for p in dossier.progress if p.procedure_id == pid)
        step.result = cleaned
        changes["result"] = cleaned
        return f"Đã xong: {_procedure_title(pid)}.", results.describe(pid, cleaned)
    if action == "send_by_post":
        tracking = _tracking(inp)
        changes["tracking"] = tracking
        return "Đã gửi kết quả qua bưu chính công ích.", f"Số hiệu bưu gửi: {tracking}"
    if action == "return_at_office":
        return "Đã trả kết quả tại Bộ phận một cửa UBND xã.", ""
    if action == "accept":
        return "Hồ sơ được tiếp nhận.", ""
    if action == "withdraw":
        reason = " ".join((inp.reason or "").split())[:MAX_REASON]
        if reason:
            changes["reason"] = reason
        return "Công dân đã rút hồ sơ.", reason and f"Lý do: {reason}"
    return "", ""


def _today(now: datetime) -> date:
    return to_vn_time(as_utc(now)).date()


def _attachments(pid: str) -> list[dict]:
    return CATALOG["procedures"][pid]["attachments"]


def dossier_sections(dossier: Dossier) -> list[str]:
    return sections_for(dossier.group_id, dossier.procedure_ids)
