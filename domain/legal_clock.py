"""The legal clock of the one-stop desk, as plain rules.

The appointment written on the receipt slip is the promise (giấy tiếp nhận hồ
sơ và hẹn trả kết quả): it is kept as given, and on-time statistics count
against it. Nothing here ever moves a date by itself. A later appointment
exists only through an apology slip (phiếu xin lỗi và hẹn lại ngày trả kết
quả), which the agency at fault issues with its reason; the dossier stays
counted as late.

Each figure below names the rule it comes from. The texts were looked up
with the project's search tool (stored public pages, December 2026): what was
found is cited; what could not be read is said so in the source text itself,
so a province knows which figure to confirm against the official gazette.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from domain.statuses import Status
from domain.working_days import is_working_day, next_working_day, to_vn_time

# --- the figures, with their source -----------------------------------------

RULES = {
    "acknowledge_working_hours": {
        "value": 8,
        "source": (
            "Nghị định 45/2020/NĐ-CP (thủ tục hành chính trên môi trường điện tử), "
            "Điều 11: hồ sơ nộp trực tuyến được xem xét, tiếp nhận hoặc hướng dẫn bổ "
            "sung trong 08 giờ làm việc. Cơ chế một cửa nay theo Nghị định "
            "118/2025/NĐ-CP ngày 09/6/2025 (thay Nghị định 61/2018/NĐ-CP và "
            "107/2021/NĐ-CP). Chưa đọc được nguyên văn Điều 11 Nghị định 45/2020 "
            "và điều tương ứng của Nghị định 118/2025 để xác nhận con số 08 giờ; "
            "tỉnh đặt lại bằng ACKNOWLEDGE_WORKING_HOURS nếu khác."
        ),
    },
    "supplement_working_days": {
        "value": 7,
        "source": (
            "Thời hạn công dân bổ sung, hoàn thiện hồ sơ trực tuyến: 07 ngày làm việc, "
            "theo tài liệu nghiệp vụ của dự án. Không xác nhận được con số này trong "
            "Nghị định 45/2020/NĐ-CP, Nghị định 118/2025/NĐ-CP hay Thông tư "
            "03/2025/TT-VPCP (không đọc được nguyên văn); tỉnh lấy theo quy chế một "
            "cửa của mình và đặt lại bằng SUPPLEMENT_WORKING_DAYS."
        ),
        # After the time: the request stays open and the dossier is listed as
        # "quá hạn bổ sung" for the desk to decide (refuse or call the citizen);
        # the system never refuses by itself.
        "then": "flag",
    },
    "cutoff_15h": {
        "value": "15:00",
        "source": (
            "Nghị định 63/2024/NĐ-CP, Điều 13, 20: hồ sơ nhận sau 15 giờ được tính "
            "từ ngày làm việc tiếp theo."
        ),
    },
    "apology": {
        "value": "phiếu xin lỗi và hẹn lại ngày trả kết quả",
        "source": (
            "Thông tư 03/2025/TT-VPCP ngày 15/9/2025 (hướng dẫn Nghị định "
            "118/2025/NĐ-CP), Phụ lục I, Mẫu số 04: Văn bản xin lỗi và đề nghị gia "
            "hạn thời gian giải quyết (trước đây Mẫu số 04 Thông tư 01/2018/TT-VPCP, "
            "theo Nghị định 61/2018/NĐ-CP Điều 19 khoản 4); với hồ sơ trực tuyến gửi "
            "qua thư điện tử hoặc tin nhắn."
        ),
    },
    "receipt_slip": {
        "value": "giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "source": (
            "Thông tư 03/2025/TT-VPCP ngày 15/9/2025 (hướng dẫn Nghị định "
            "118/2025/NĐ-CP), Phụ lục I, Mẫu số 01, thay Mẫu số 01 Thông tư "
            "01/2018/TT-VPCP."
        ),
    },
}

# Office hours that count as working hours (Vietnam local time). Decision
# 188/1999/QĐ-TTg sets the 40-hour week; the hours of the day are the
# province's, so they are configuration (OFFICE_WORKING_HOURS).
DEFAULT_WORKING_HOURS = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))

OPEN = frozenset(
    {
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.IN_PROCESS,
        Status.SUPPLEMENT_REQUESTED,
        Status.PAYMENT_REQUESTED,
    }
)
# While the citizen is asked for papers the step's clock stands still.
STEP_RUNNING = frozenset({Status.IN_PROCESS, Status.PAYMENT_REQUESTED})


def local_day(moment: datetime) -> date:
    return to_vn_time(moment).date()


# --- steps and dossiers ------------------------------------------------------


@dataclass(frozen=True)
class StepClock:
    status: Status
    due: date
    completed: datetime | None  # aware


def step_late(step: StepClock, today: date) -> bool:
    """Finished after its due day, or still running past it."""
    if step.completed is not None and step.status == Status.DONE:
        return local_day(step.completed) > step.due
    return step.status in STEP_RUNNING and today > step.due


def step_due_today(step: StepClock, today: date) -> bool:
    return step.status in STEP_RUNNING and step.due == today


@dataclass(frozen=True)
class DossierClock:
    status: Status
    promised: date  # the appointment at receipt
    due: date  # the appointment in force (later only through an apology)
    done: datetime | None  # aware; when results were ready
    steps: tuple[StepClock, ...]


def dossier_late(d: DossierClock, today: date) -> bool:
    """Late: a step ran late, or the result came (or is still not there) after
    the promised day. An apology does not make a late dossier on time."""
    if any(step_late(s, today) for s in d.steps):
        return True
    if d.done is not None:
        return local_day(d.done) > d.promised
    return d.status in OPEN and d.status != Status.SUPPLEMENT_REQUESTED and today > d.promised


def may_apologize(d: DossierClock, today: date) -> bool:
    """The apology slip is for a dossier that is late or will be late today."""
    if d.status not in OPEN - {Status.SUBMITTED}:
        return False
    return dossier_late(d, today) or d.due <= today


def check_new_appointment(new: date | None, current_due: date, today: date) -> str | None:
    """Why this new appointment cannot be given, or None."""
    if new is None:
        return "Hãy chọn ngày hẹn trả kết quả mới."
    if new <= max(current_due, today):
        return "Ngày hẹn mới phải sau ngày hẹn hiện tại và sau hôm nay."
    if new > today + timedelta(days=90):
        return "Ngày hẹn mới không được quá 90 ngày kể từ hôm nay."
    if not is_working_day(new):
        return "Ngày hẹn mới phải là ngày làm việc (không phải ngày nghỉ, ngày lễ)."
    return None


# --- acknowledging online dossiers ---------------------------------------------


def add_working_hours(start: datetime, hours: float, schedule=DEFAULT_WORKING_HOURS) -> datetime:
    """The moment ``hours`` working hours after ``start`` (aware, Vietnam time)."""
    local = to_vn_time(start)
    remaining = timedelta(hours=hours)
    day = local.date()
    cursor = local.replace(tzinfo=None)
    for _ in range(400):
        if is_working_day(day):
            for begin, end in schedule:
                b, e = datetime.combine(day, begin), datetime.combine(day, end)
                if cursor >= e:
                    continue
                frm = max(cursor, b)
                if frm + remaining <= e:
                    return (frm + remaining).replace(tzinfo=local.tzinfo)
                remaining -= e - frm
                cursor = e
        day = next_working_day(day)
        cursor = datetime.combine(day, time(0, 0))
    raise RuntimeError("no working hours found")  # pragma: no cover


def acknowledge_by(received_at: datetime, hours: float, schedule=DEFAULT_WORKING_HOURS) -> datetime:
    return add_working_hours(received_at, hours, schedule)


def acknowledged_late(
    received_at: datetime,
    acknowledged_at: datetime | None,
    now: datetime,
    hours: float,
    schedule=DEFAULT_WORKING_HOURS,
) -> bool:
    """Late to acknowledge: not accepted, refused or sent back for a supplement
    within ``hours`` working hours (still waiting past it, or answered after)."""
    deadline = acknowledge_by(received_at, hours, schedule)
    return (acknowledged_at or now) > deadline


def supplement_due(asked_at: datetime, working_days: int) -> date:
    """The last day (Vietnam's) the citizen has to answer a supplement request."""
    day = local_day(asked_at)
    for _ in range(working_days):
        day = next_working_day(day)
    return day


def supplement_overdue(asked_at: datetime, now: datetime, working_days: int) -> bool:
    """The citizen's time to answer a supplement request has run out."""
    return local_day(now) > supplement_due(asked_at, working_days)


def parse_hours(text: str):
    """ "07:30-11:30,13:00-17:00" -> the schedule; ValueError when unreadable."""
    spans = []
    for part in text.split(","):
        begin, _, end = part.strip().partition("-")
        b, e = time.fromisoformat(begin.strip()), time.fromisoformat(end.strip())
        if e <= b:
            raise ValueError(part)
        spans.append((b, e))
    return tuple(sorted(spans))
