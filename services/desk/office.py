"""Officers acting on dossiers: visibility, one transaction per action.

``perform`` applies a ``domain.workflow`` plan: statuses, deadlines, results,
payments, the history row and the citizen's notifications, all in one commit.
Concurrency is checked where the work is: an action on one step (a result,
a fee, a supplement, a stop) checks that step's version, any other action the
dossier's. So two agencies acting on their own steps of one linked dossier
both succeed, and two officers on the same step or the same dossier-level
action still get :class:`ActionProblem` (409). Every action locks the dossier
row and plans from what is committed, so the one-stop status derived from all
steps is never computed from a stale read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from domain import legal_clock, results, workflow
from domain.catalog import CATALOG
from domain.clock import today_vn
from domain.numbers import whole_number
from domain.statuses import Status
from domain.validation import sections_for
from domain.workflow import State, Step, WorkflowError
from domain.working_days import to_vn_time
from extensions import db
from models import Dossier, DossierEvent, Officer, Payment, ProcedureProgress
from models.base import as_utc, utcnow
from services.desk import deadlines
from services.dossiers import payments
from services.dossiers.submission import plan_deadlines
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
    version: int  # the dossier's, as the page saw it
    procedure_id: str | None = None
    reason: str = ""
    attachments: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    amount: str = ""
    result: dict = field(default_factory=dict)
    tracking: str = ""
    corrections: dict = field(default_factory=dict)  # resubmit: {key: [old, new]}
    added: list[str] = field(default_factory=list)  # resubmit: papers photographed again
    new_date: str = ""  # apologize: the new appointment, YYYY-MM-DD
    # The version of the step the page acted on (step actions): checked
    # instead of the dossier's, which other agencies' steps move on.
    step_version: int | None = None
    answers: dict | None = None  # resubmit: the corrected answers, all of them


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


def available(
    role: str, dossier: Dossier, today: date | None = None, now: datetime | None = None
) -> list:
    found = workflow.available(role, snapshot(dossier))
    today = today or today_vn()
    if not legal_clock.may_apologize(deadlines.clock(dossier), today):
        found = [a for a in found if a[0] != "apologize"]
    if dossier.status == Status.SUPPLEMENT_REQUESTED and not deadlines.supplement_overdue(
        dossier, now or utcnow()
    ):
        found = [a for a in found if a[0] != "refuse"]
    return found


def is_overdue(dossier: Dossier, today: date) -> bool:
    """Late by the legal clock: a step ran late, or the promised day passed."""
    return deadlines.is_late(dossier, today)


def step_overdue(step, today: date) -> bool:
    return legal_clock.step_late(deadlines.step_clock(step), today)


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
    _lock_and_refresh(dossier)
    _check_version(dossier, inp)
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
        _plan_from(dossier, by_pid, now, dossier.procedure_ids)
    for pid, to in plan.steps.items():
        step = by_pid[pid]
        changes.setdefault("steps", {})[pid] = [step.status, to]
        if to in (Status.DONE, Status.STOPPED) and step.status != to:
            step.completed_at = now
        step.status = to
    if plan.action == "resubmit" and plan.steps:
        # The legal time restarts once the papers are complete: a new
        # appointment, recorded here and sent to the citizen like a receipt.
        # Not a cure for lateness: a step already past its due day when the
        # papers were asked keeps it, and so does a late dossier its promise
        # (a new date comes only with an apology slip).
        late_steps, promise_passed = _late_when_papers_asked(dossier, by_pid)
        promised = dossier.promised_date
        _plan_from(dossier, by_pid, now, [p for p, s in by_pid.items()
                                          if s.status not in workflow.STEP_CLOSED
                                          and p not in late_steps])  # fmt: skip
        if late_steps or promise_passed:
            dossier.promised_date = promised
    for pid in plan.started:
        by_pid[pid].started_at = now
    # No other date moves: a step that reaches its agency late keeps the due
    # day planned at receipt, so the lateness shows where it happened, and the
    # appointment changes only through an apology slip (domain.legal_clock).
    if plan.action == "apologize":
        _apply_apology(dossier, inp, changes, now)
    if dossier.due_date != old_due:
        changes["due_date"] = [old_due.isoformat(), dossier.due_date.isoformat()]
    if plan.status == Status.DONE and dossier.status != Status.DONE:
        dossier.done_at = now
    moved_on = [p for p in plan.started if by_pid[p].agency != officer_agency(role)]
    if moved_on:  # never "forwarded to" the agency that is acting
        names = ", ".join(CATALOG["agencies"][by_pid[p].agency]["short"] for p in moved_on)
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
    except StaleDataError:  # the UPDATE's own version check: a change we did not see
        db.session.rollback()
        raise ActionProblem(409, CONFLICT) from None
    db.session.commit()
    return event


def _lock_and_refresh(dossier: Dossier) -> None:
    """Wait for any other action on this dossier to commit (FOR UPDATE on
    PostgreSQL; SQLite's IMMEDIATE transaction already holds the write lock),
    then read the dossier and its steps again as committed. Callers change
    nothing on the dossier before ``perform`` (their changes go in the
    ActionInput): a pending change would be flushed here first."""
    db.session.scalars(
        select(Dossier)
        .where(Dossier.id == dossier.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    db.session.scalars(
        select(ProcedureProgress)
        .where(ProcedureProgress.dossier_id == dossier.id)
        .execution_options(populate_existing=True)
    ).all()


def _check_version(dossier: Dossier, inp: ActionInput) -> None:
    on_step = inp.procedure_id and inp.action in workflow.STEP_VERSIONED
    if on_step and inp.step_version is not None:
        step = next((p for p in dossier.progress if p.procedure_id == inp.procedure_id), None)
        if step is None or step.version != inp.step_version:
            raise ActionProblem(409, CONFLICT)
    elif inp.version != dossier.version:
        raise ActionProblem(409, CONFLICT)


def officer_agency(role: str) -> str | None:
    return role if role in workflow.AGENCY_ROLES else None


def _plan_from(dossier: Dossier, by_pid: dict, now: datetime, pids: list[str]) -> None:
    """Plan the due days of ``pids`` from ``now``; the dossier's appointment
    becomes the latest of them (a receipt, or a supplement made complete)."""
    per_procedure, overall = plan_deadlines(dossier.group_id, dossier.procedure_ids, as_utc(now))
    for pid in pids:
        by_pid[pid].due_date = per_procedure[pid]
    if dossier.status == Status.SUBMITTED or dossier.promised_date is None:
        dossier.due_date = overall
    else:
        whole = [overall] if dossier.procedure_ids[0] in pids else []
        dossier.due_date = max([dossier.due_date, *whole, *(by_pid[p].due_date for p in pids)])
    dossier.promised_date = dossier.due_date


def _late_when_papers_asked(dossier: Dossier, by_pid: dict) -> tuple[set[str], bool]:
    """The steps whose due day had passed on the day the papers were last
    asked for, and whether the promised day had passed then too."""
    asked = [as_utc(e.at) for e in dossier.events if e.action == "request_supplement"]
    if not asked:
        return set(), False
    day = _today(max(asked))
    late = {pid for pid, step in by_pid.items() if step.due_date and step.due_date < day}
    promised = dossier.promised_date
    return late, bool(promised and promised < day)


def _apply_apology(dossier: Dossier, inp: ActionInput, changes: dict, now: datetime) -> None:
    today = _today(now)
    if not legal_clock.may_apologize(deadlines.clock(dossier), today):
        raise ActionProblem(
            409,
            "Hồ sơ chưa quá hạn và chưa đến ngày hẹn nên chưa cần hẹn lại. "
            "Phiếu xin lỗi dùng khi hồ sơ trễ hạn.",
        )
    new = parse_date(inp.new_date)
    problem = legal_clock.check_new_appointment(new, dossier.due_date, today)
    if problem:
        raise ActionProblem(400, problem, {"new_date": problem})
    dossier.due_date = new
    changes["apology"] = {"reason": changes["reason"], "new_date": new.isoformat()}


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


def _procedure_title(pid: str | None) -> str:
    return CATALOG["procedures"][pid]["title"] if pid else ""


def _apply_inputs(dossier: Dossier, plan, inp: ActionInput, changes: dict, now) -> tuple[str, str]:
    """Check the action's own inputs; returns (public note, citizen-only detail)."""
    action, pid = plan.action, plan.procedure_id
    if action == "refuse":
        if dossier.status == Status.SUPPLEMENT_REQUESTED:
            # Papers asked at receipt: the citizen keeps the whole time given.
            due = deadlines.supplement_due(dossier)
            if not deadlines.supplement_overdue(dossier, now):
                raise ActionProblem(
                    409,
                    f"Công dân còn hạn bổ sung đến hết ngày {due:%d/%m/%Y}. "
                    "Chỉ từ chối tiếp nhận khi đã quá hạn mà công dân chưa bổ sung.",
                )
        reason = _required_reason(inp, "lý do không tiếp nhận")
        changes["reason"] = reason
        dossier.supplement = None  # nothing is awaited of a refused dossier
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
        if inp.answers is not None:
            dossier.answers = inp.answers
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
    if action == "correct_result":
        return _apply_correction(dossier, pid, inp, changes, now)
    if action == "send_by_post":
        tracking = _tracking(inp)
        changes["tracking"] = tracking
        dossier.tracking_number = tracking
        return "Đã gửi kết quả qua bưu chính công ích.", f"Số hiệu bưu gửi: {tracking}"
    if action == "return_at_office":
        return "Đã trả kết quả tại Bộ phận một cửa UBND xã.", ""
    if action == "accept":
        return "Hồ sơ được tiếp nhận.", ""
    if action == "apologize":
        reason = _required_reason(inp, "lý do chậm trả kết quả")
        changes["reason"] = reason
        new = parse_date(inp.new_date)
        when = f" Hẹn lại ngày trả kết quả: {new:%d/%m/%Y}." if new else ""
        return f"Cơ quan xin lỗi vì chậm trả kết quả.{when}", f"Lý do chậm: {reason}"
    if action == "withdraw":
        reason = " ".join((inp.reason or "").split())[:MAX_REASON]
        if reason:
            changes["reason"] = reason
        return "Công dân đã rút hồ sơ.", reason and f"Lý do: {reason}"
    return "", ""


def _apply_correction(dossier: Dossier, pid: str, inp: ActionInput, changes: dict, now):
    """A recorded result corrected with a reason: the history keeps, per field,
    the value recorded before and the new one (the step keeps only the new)."""
    reason = _required_reason(inp, "lý do sửa kết quả")
    cleaned, errors = results.check_result(
        pid, inp.result, dossier.answers or {}, today=_today(now)
    )
    if errors:
        raise ActionProblem(400, "Kết quả chưa đúng. Hãy sửa các ô được đánh dấu.", errors)
    step = next(p for p in dossier.progress if p.procedure_id == pid)
    old = dict(step.result or {})
    corrected = {
        f["id"]: [old.get(f["id"], ""), cleaned.get(f["id"], "")]
        for f in results.result_fields(pid)
        if old.get(f["id"], "") != cleaned.get(f["id"], "")
    }
    if not corrected:
        message = "Kết quả mới giống hệt kết quả đã ghi. Hãy sửa ô bị ghi nhầm."
        raise ActionProblem(400, message, {"reason": message})
    step.result = cleaned
    changes.update(reason=reason, correction=corrected)
    title = _procedure_title(pid)
    return (
        f"Đã sửa kết quả: {title}.",
        f"Kết quả đúng: {results.describe(pid, cleaned)} Lý do sửa: {reason}",
    )


def _today(now: datetime) -> date:
    return to_vn_time(as_utc(now)).date()


def _attachments(pid: str) -> list[dict]:
    return CATALOG["procedures"][pid]["attachments"]


def dossier_sections(dossier: Dossier) -> list[str]:
    return sections_for(dossier.group_id, dossier.procedure_ids)
