"""What an irreversible action will do, and who will be told, in the officer's words.

Shown on the page before the action is sent (static/js/office-confirm.js), never
in a browser dialog: the officer reads the consequence where the button is.
"""

from __future__ import annotations

from domain import workflow
from domain.catalog import CATALOG
from domain.workflow import WorkflowError
from domain.working_days import format_vn_date
from extensions import db
from models import Citizen, Dossier
from models.base import as_utc, utcnow
from services.dossiers.submission import plan_deadlines

# Actions that cannot be taken back (a result can be corrected, but the
# dossier has moved on to the next agency and the citizen was told).
IRREVERSIBLE = ("accept", "refuse", "stop", "record_result", "return_at_office", "send_by_post")


def who_is_told(dossier: Dossier) -> str:
    citizen = db.session.get(Citizen, dossier.citizen_id)
    ways = []
    if citizen is not None and citizen.contact_phone:
        ways.append("tin nhắn SMS")
    if (dossier.answers or {}).get("nguoi-yeu-cau.email"):
        ways.append("thư điện tử")
    if not ways:
        return "Công dân xem được trên trang theo dõi hồ sơ (không có số điện thoại, thư điện tử)."
    return f"Công dân được báo ngay qua {' và '.join(ways)}."


def _forwarded(dossier: Dossier, role: str, action: str, pid: str | None) -> str:
    from services.desk.office import snapshot

    try:
        plan = workflow.plan(action, role, snapshot(dossier), pid)
    except WorkflowError:
        return ""
    by_pid = {p.procedure_id: p for p in dossier.progress}
    names = sorted({CATALOG["agencies"][by_pid[p].agency]["short"] for p in plan.started
                    if by_pid[p].agency != role})  # fmt: skip
    if names:
        return f" Hồ sơ được chuyển đến {', '.join(names)}."
    if plan.status == workflow.S.DONE:
        return " Hồ sơ xử lý xong, chờ trả kết quả cho công dân."
    return ""


def text(dossier: Dossier, role: str, action: str, pid: str | None) -> str:
    title = CATALOG["procedures"][pid]["title"] if pid else ""
    if action == "accept":
        _, overall = plan_deadlines(dossier.group_id, dossier.procedure_ids, as_utc(utcnow()))
        what = (
            "Hồ sơ được tiếp nhận và thời hạn giải quyết bắt đầu tính: hẹn trả kết quả "
            f"{format_vn_date(overall)}. Không hủy tiếp nhận được."
        )
    elif action == "refuse":
        what = (
            "Hồ sơ kết thúc: không được tiếp nhận và không xử lý tiếp được nữa. Công dân "
            "nhận lý do bạn ghi và phiếu từ chối."
        )
    elif action == "stop":
        what = f"Thủ tục {title} dừng hẳn, không tiếp tục được."
        if pid == dossier.procedure_ids[0]:
            what += " Các thủ tục liên thông còn lại cũng dừng theo."
    elif action == "record_result":
        what = f"Kết quả {title} được ghi vào hồ sơ." + _forwarded(dossier, role, action, pid)
        what += " Nếu ghi nhầm, sửa được bằng “Sửa kết quả đã ghi”, kèm lý do."
    elif action == "return_at_office":
        what = (
            "Hồ sơ được ghi là đã trả kết quả tại UBND xã và kết thúc. Chỉ xác nhận khi công "
            "dân đã nhận giấy tờ."
        )
    elif action == "send_by_post":
        what = "Hồ sơ được ghi là đã gửi kết quả qua bưu chính với số hiệu bạn nhập, và kết thúc."
    else:
        return ""
    return f"{what} {who_is_told(dossier)}"


def for_page(dossier: Dossier, role: str, actions: list) -> dict[str, str]:
    """{"action:pid": text} for the irreversible actions among the page's buttons."""
    return {
        f"{action}:{pid or ''}": text(dossier, role, action, pid)
        for action, pid in actions
        if action in IRREVERSIBLE
    }
