"""One POST endpoint for every workflow action on a dossier."""

from flask import flash, redirect, request, url_for
from flask_wtf import FlaskForm

from blueprints.office import bp
from blueprints.office.dossiers import OFFICE_ROLES, dossier_or_404, render_dossier
from domain import workflow
from domain.numbers import whole_number
from extensions import db
from services.desk import office
from services.identity.officer_auth import officer_required

DONE_MESSAGES = {
    "accept": "Đã tiếp nhận hồ sơ. Công dân được báo qua tin nhắn.",
    "refuse": "Đã ghi không tiếp nhận hồ sơ. Công dân được báo lý do.",
    "request_supplement": "Đã gửi yêu cầu bổ sung cho công dân.",
    "request_payment": "Đã gửi yêu cầu nộp phí cho công dân.",
    "confirm_payment": "Đã ghi nhận công dân nộp phí.",
    "record_result": "Đã ghi kết quả.",
    "correct_result": "Đã sửa kết quả. Lịch sử giữ giá trị cũ và mới; công dân được báo.",
    "stop": "Đã dừng xử lý.",
    "return_at_office": "Đã ghi trả kết quả tại UBND xã.",
    "send_by_post": "Đã ghi gửi kết quả qua bưu chính.",
    "apologize": "Đã lập phiếu xin lỗi và hẹn lại ngày trả kết quả. Công dân được báo qua tin "
    "nhắn và thư điện tử.",
}


class ActionForm(FlaskForm):
    """CSRF only; the fields differ per action and are read below."""


def _input(form) -> office.ActionInput:
    procedure_id = form.get("procedure_id") or None
    prefix = "kq-"
    return office.ActionInput(
        action=form.get("action", ""),
        # Unreadable: 0, which no dossier has, so the version check refuses it.
        version=whole_number(form.get("version")) or 0,
        procedure_id=procedure_id,
        reason=form.get("reason", ""),
        attachments=form.getlist("attachments"),
        sections=form.getlist("sections"),
        amount=form.get("amount", ""),
        result={k[len(prefix) :]: v for k, v in form.items() if k.startswith(prefix)},
        tracking=form.get("tracking", ""),
        new_date=form.get("new_date", ""),
        # Absent: the dossier's version is checked; unreadable: 0, a conflict.
        step_version=(whole_number(form.get("step_version")) or 0)
        if "step_version" in form
        else None,
    )


@bp.post("/ho-so/<code>/thao-tac")
@officer_required(*OFFICE_ROLES)
def act(officer, code: str):
    dossier = dossier_or_404(officer, code)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_dossier(
            officer, dossier, error="Trang đã cũ. Hãy tải lại trang rồi thử lại.", status=400
        )
    inp = _input(request.form)
    if inp.action not in workflow.OFFICER_ACTIONS:
        return render_dossier(officer, dossier, error="Thao tác không tồn tại.", status=400)
    try:
        office.perform(dossier, officer.role, inp, officer=officer)
    except office.ActionProblem as problem:
        db.session.rollback()
        dossier = dossier_or_404(officer, code)
        return render_dossier(
            officer,
            dossier,
            error=problem.message,
            fields={f"{inp.action}:{inp.procedure_id or ''}": problem.fields},
            form_values=request.form.to_dict(),
            status=problem.status,
        )
    flash(DONE_MESSAGES.get(inp.action, "Đã lưu."))
    if not office.can_see(officer, dossier):  # e.g. nothing left for this agency to see
        return redirect(url_for("office.home"))
    return redirect(url_for("office.dossier_page", code=dossier.code))
