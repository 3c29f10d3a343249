"""The one-stop workflow as plain functions: roles, actions, allowed transitions.

A linked dossier has one one-stop status (``domain.statuses``) and, for each
component procedure, a step with its own status at its own agency. Steps are
forwarded in stages: justice (the receiving desk) first, then the police, then
social insurance and labour-social affairs side by side. Everything here works
on a small snapshot (:class:`State`) and returns a :class:`Plan`; the services
apply the plan to the database, so every rule is testable without a request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.agencies import ROLE_NAMES
from domain.errors import RuleError
from domain.statuses import Status

CITIZEN = "citizen"
JUSTICE = "tu-phap"
ADMIN = "quan-tri"

# Officer roles. The four agency roles are the catalog's agency keys, so a
# step's agency names the role that works on it.
# Their names are data (data/agencies.toml), after the 2025 reorganisation.
ROLES = dict(ROLE_NAMES)
AGENCY_ROLES = (JUSTICE, "cong-an", "bhxh", "ldtbxh")

# Order in which the linked agencies receive the dossier; equal stages work
# side by side (Decree 63/2024: justice -> police -> insurance / social affairs).
STAGE = {JUSTICE: 0, "cong-an": 1, "bhxh": 2, "ldtbxh": 2}

S = Status
TERMINAL = frozenset({S.NOT_ACCEPTED, S.WITHDRAWN, S.STOPPED, S.RETURNED})
STEP_CLOSED = frozenset({S.DONE, S.STOPPED, S.NOT_ACCEPTED, S.WITHDRAWN})
WITHDRAWABLE = frozenset(
    {S.SUBMITTED, S.ACCEPTED, S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED}
)

# The state machine of the one-stop status. Every plan is checked against it,
# so a rule that would move a dossier any other way fails loudly.
DOSSIER_TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.SUBMITTED: frozenset({S.ACCEPTED, S.NOT_ACCEPTED, S.SUPPLEMENT_REQUESTED, S.WITHDRAWN}),
    # DONE straight from ACCEPTED: a dossier whose only open step is the
    # receiving desk's own finishes without ever leaving the desk.
    S.ACCEPTED: frozenset(
        {S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED, S.DONE, S.STOPPED, S.WITHDRAWN}
    ),
    S.IN_PROCESS: frozenset(
        {S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED, S.DONE, S.STOPPED, S.WITHDRAWN}
    ),
    # NOT_ACCEPTED: papers asked at receipt and never sent in time (the desk
    # decides; services.desk.office allows it only past the citizen's time).
    S.SUPPLEMENT_REQUESTED: frozenset(
        {
            S.SUBMITTED,
            S.ACCEPTED,
            S.IN_PROCESS,
            S.PAYMENT_REQUESTED,
            S.DONE,
            S.STOPPED,
            S.WITHDRAWN,
            S.NOT_ACCEPTED,
        }
    ),  # fmt: skip
    S.PAYMENT_REQUESTED: frozenset(
        {S.ACCEPTED, S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.DONE, S.STOPPED, S.WITHDRAWN}
    ),
    S.DONE: frozenset({S.RETURNED}),
    S.NOT_ACCEPTED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.STOPPED: frozenset(),
    S.RETURNED: frozenset(),
}

# A step waits (SUBMITTED) until it reaches its agency, then is in process.
STEP_TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.SUBMITTED: frozenset({S.IN_PROCESS, S.NOT_ACCEPTED, S.STOPPED, S.WITHDRAWN}),
    S.IN_PROCESS: frozenset(
        {S.DONE, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED, S.STOPPED, S.WITHDRAWN}
    ),
    S.SUPPLEMENT_REQUESTED: frozenset({S.IN_PROCESS, S.STOPPED, S.WITHDRAWN}),
    S.PAYMENT_REQUESTED: frozenset({S.IN_PROCESS, S.STOPPED, S.WITHDRAWN}),
    S.DONE: frozenset(),
    S.STOPPED: frozenset(),
    S.NOT_ACCEPTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# Action id -> the button's words. "step" actions name one procedure.
ACTIONS = {
    "accept": "Tiếp nhận hồ sơ",
    "refuse": "Không tiếp nhận",
    "request_supplement": "Yêu cầu bổ sung",
    "request_payment": "Yêu cầu nộp phí, lệ phí",
    "confirm_payment": "Xác nhận đã nộp phí tại UBND xã",
    "record_result": "Ghi kết quả",
    "correct_result": "Sửa kết quả đã ghi",
    "stop": "Dừng xử lý",
    "return_at_office": "Trả kết quả tại UBND xã",
    "send_by_post": "Gửi kết quả qua bưu chính",
    "withdraw": "Rút hồ sơ",
    "resubmit": "Nộp bổ sung",
    "apologize": "Xin lỗi và hẹn lại ngày trả kết quả",
}
OFFICER_ACTIONS = tuple(a for a in ACTIONS if a not in ("withdraw", "resubmit"))
STEP_ACTIONS = frozenset(
    {"request_payment", "confirm_payment", "record_result", "correct_result", "stop"}
)
# request_supplement names a step, or none when asked at the receiving desk.
# Actions on one step check that step's version, not the dossier's
# (services.desk.office): agencies on their own steps work side by side.
STEP_VERSIONED = STEP_ACTIONS | {"request_supplement"}


@dataclass(frozen=True)
class Step:
    procedure_id: str
    agency: str
    status: Status
    reached: bool = False  # forwarded to its agency at least once


@dataclass(frozen=True)
class State:
    status: Status
    steps: tuple[Step, ...]

    def step(self, procedure_id: str | None) -> Step | None:
        return next((s for s in self.steps if s.procedure_id == procedure_id), None)


@dataclass
class Plan:
    action: str
    status: Status
    steps: dict[str, Status] = field(default_factory=dict)  # changed steps only
    started: list[str] = field(default_factory=list)  # steps that reach their agency now
    procedure_id: str | None = None


class WorkflowError(RuleError):
    """``code`` "forbidden" (the role may never do this: 403) or "not_now"
    (not in this state, e.g. another officer acted first: 409)."""


def _forbidden() -> WorkflowError:
    return WorkflowError(
        "Vai trò của bạn không được thực hiện thao tác này trên hồ sơ.", code="forbidden"
    )


def _not_now(message: str) -> WorkflowError:
    return WorkflowError(message, code="not_now")


_STALE = "Hồ sơ không còn ở bước này (có thể cán bộ khác vừa xử lý). Hãy tải lại trang."


def can_see(role: str, state: State) -> bool:
    """Justice receives every dossier; an agency sees one once it reached it;
    the commune admin works on settings and statistics, never on dossiers."""
    if role == JUSTICE:
        return True
    return any(s.agency == role and s.reached for s in state.steps)


def derive(steps: tuple[Step, ...] | list[Step]) -> Status:
    """The one-stop status while the steps are being worked on."""
    statuses = [s.status for s in steps]
    if S.SUPPLEMENT_REQUESTED in statuses:
        return S.SUPPLEMENT_REQUESTED
    if S.PAYMENT_REQUESTED in statuses:
        return S.PAYMENT_REQUESTED
    if all(s in STEP_CLOSED for s in statuses):
        return S.DONE if S.DONE in statuses else S.STOPPED
    if steps[0].agency == JUSTICE and steps[0].status == S.IN_PROCESS:
        return S.ACCEPTED  # still at the receiving desk
    return S.IN_PROCESS


def next_stage(steps: list[Step]) -> list[str]:
    """Waiting steps to forward now: the earliest waiting stage, once every
    step of the earlier stages is closed."""
    waiting = [s for s in steps if s.status == S.SUBMITTED]
    if not waiting:
        return []
    stage = min(STAGE[s.agency] for s in waiting)
    if any(STAGE[s.agency] < stage and s.status not in STEP_CLOSED for s in steps):
        return []
    return [s.procedure_id for s in waiting if STAGE[s.agency] == stage]


def _with(steps: tuple[Step, ...], changes: dict[str, Status]) -> list[Step]:
    return [
        Step(s.procedure_id, s.agency, changes.get(s.procedure_id, s.status), s.reached)
        for s in steps
    ]


def _own_step(role: str, state: State, procedure_id: str | None, allowed: set) -> Step:
    step = state.step(procedure_id)
    if step is None:
        raise _not_now("Hồ sơ không có thủ tục này.")
    if role != step.agency:
        raise _forbidden()
    if step.status not in allowed:
        raise _not_now(_STALE)
    return step


def _close_step(state: State, plan: Plan, procedure_id: str, to: Status) -> Plan:
    """Close one step and forward the chain; stopping the registration stops all."""
    plan.steps[procedure_id] = to
    first = state.steps[0]
    if to == S.STOPPED and procedure_id == first.procedure_id and first.agency == JUSTICE:
        for s in state.steps:
            if s.status not in STEP_CLOSED:
                plan.steps[s.procedure_id] = S.STOPPED
    steps = _with(state.steps, plan.steps)
    for pid in next_stage(steps):
        plan.steps[pid] = S.IN_PROCESS
        plan.started.append(pid)
    plan.status = derive(_with(state.steps, plan.steps))
    return plan


def plan(action: str, role: str, state: State, procedure_id: str | None = None) -> Plan:
    """What ``action`` by ``role`` does to the dossier, or WorkflowError."""
    if action not in ACTIONS:
        raise _not_now("Thao tác không tồn tại.")
    result = _plan(action, role, state, procedure_id)
    _check_transitions(state, result)
    return result


def _plan(action: str, role: str, state: State, pid: str | None) -> Plan:
    status = state.status
    citizen_action = action in ("withdraw", "resubmit")
    if citizen_action != (role == CITIZEN):
        raise _forbidden()
    if role not in AGENCY_ROLES and not citizen_action:
        raise _forbidden()

    if action in ("accept", "refuse") or (action == "request_supplement" and pid is None):
        if role != JUSTICE:
            raise _forbidden()
        asked_at_receipt = status == S.SUPPLEMENT_REQUESTED and not any(
            s.reached for s in state.steps
        )
        if not (status == S.SUBMITTED or (action == "refuse" and asked_at_receipt)):
            raise _not_now(_STALE)
        if action == "accept":
            started = next_stage(list(state.steps))
            return Plan(
                action, S.ACCEPTED, {p: S.IN_PROCESS for p in started}, started=list(started)
            )
        if action == "refuse":
            return Plan(
                action, S.NOT_ACCEPTED, {s.procedure_id: S.NOT_ACCEPTED for s in state.steps}
            )
        return Plan(action, S.SUPPLEMENT_REQUESTED)

    if action == "apologize":
        # By the desk, or by an agency holding an open step; whether the
        # dossier is late is the legal clock's to say (services.desk.office).
        running = {S.ACCEPTED, S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED}
        if status not in running:
            raise _not_now("Chỉ hẹn lại ngày trả kết quả khi hồ sơ đang được giải quyết.")
        holds = any(s.agency == role and s.reached and s.status not in STEP_CLOSED
                    for s in state.steps)  # fmt: skip
        if role != JUSTICE and not holds:
            raise _forbidden()
        return Plan(action, status)

    if action in ("return_at_office", "send_by_post"):
        if role != JUSTICE:
            raise _forbidden()
        if status != S.DONE:
            raise _not_now("Chỉ trả kết quả khi hồ sơ đã xử lý xong.")
        return Plan(action, S.RETURNED)

    if action == "withdraw":
        if status not in WITHDRAWABLE:
            raise _not_now("Hồ sơ đã có kết quả hoặc đã kết thúc, không rút được nữa.")
        changes = {s.procedure_id: S.WITHDRAWN for s in state.steps if s.status not in STEP_CLOSED}
        return Plan(action, S.WITHDRAWN, changes)

    if action == "resubmit":
        if status != S.SUPPLEMENT_REQUESTED:
            raise _not_now("Hồ sơ không có yêu cầu bổ sung nào đang chờ.")
        asked = [s.procedure_id for s in state.steps if s.status == S.SUPPLEMENT_REQUESTED]
        if not asked:  # asked at the receiving desk: back to the desk
            return Plan(action, S.SUBMITTED)
        changes = {p: S.IN_PROCESS for p in asked}
        return Plan(action, derive(_with(state.steps, changes)), changes)

    if action == "correct_result":
        # A result recorded by mistake stays correctable by its agency, even
        # once handed over: the registers must say what was really issued.
        # Nothing moves; the history keeps the old and the new value.
        step = _own_step(role, state, pid, {S.DONE})
        return Plan(action, status, procedure_id=step.procedure_id)

    # Actions on one step, by the agency that holds it.
    if status in TERMINAL:
        raise _not_now(_STALE)
    if action == "request_supplement":
        if status == S.SUPPLEMENT_REQUESTED:
            raise _not_now("Hồ sơ đang chờ công dân bổ sung theo một yêu cầu khác.")
        step = _own_step(role, state, pid, {S.IN_PROCESS})
        changes = {step.procedure_id: S.SUPPLEMENT_REQUESTED}
        return Plan(action, S.SUPPLEMENT_REQUESTED, changes, procedure_id=step.procedure_id)
    if action == "request_payment":
        step = _own_step(role, state, pid, {S.IN_PROCESS})
        changes = {step.procedure_id: S.PAYMENT_REQUESTED}
        return Plan(action, derive(_with(state.steps, changes)), changes, procedure_id=pid)
    if action == "confirm_payment":
        step = _own_step(role, state, pid, {S.PAYMENT_REQUESTED})
        changes = {step.procedure_id: S.IN_PROCESS}
        return Plan(action, derive(_with(state.steps, changes)), changes, procedure_id=pid)
    if action == "record_result":
        step = _own_step(role, state, pid, {S.IN_PROCESS})
        return _close_step(state, Plan(action, status, procedure_id=pid), step.procedure_id, S.DONE)
    if action == "stop":
        step = _own_step(
            role, state, pid, {S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED}
        )
        return _close_step(
            state, Plan(action, status, procedure_id=pid), step.procedure_id, S.STOPPED
        )
    raise _not_now("Thao tác không tồn tại.")  # pragma: no cover


def _check_transitions(state: State, result: Plan) -> None:
    if result.status != state.status and result.status not in DOSSIER_TRANSITIONS[state.status]:
        raise AssertionError(f"{result.action}: {state.status!r} -> {result.status!r}")
    for pid, to in result.steps.items():
        before = state.step(pid).status
        if to != before and to not in STEP_TRANSITIONS[before]:
            raise AssertionError(f"{result.action} on {pid}: {before!r} -> {to!r}")


def available(role: str, state: State) -> list[tuple[str, str | None]]:
    """Every (action, procedure_id) this role may do now: the buttons to show."""
    found = []
    targets = [None, *(s.procedure_id for s in state.steps)]
    for action in ACTIONS:
        for pid in targets:
            if pid is not None and action not in STEP_ACTIONS | {"request_supplement"}:
                continue
            try:
                plan(action, role, state, pid)
            except WorkflowError:
                continue
            found.append((action, pid))
    return found
