"""Filing at the counter (services.desk.filing): choose the procedures, fill the
citizen's answers, photograph the papers, confirm with the citizen, file."""

from flask import (
    abort,
    current_app,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm

from blueprints.office import bp
from domain import validation
from domain.catalog import CATALOG, field_options, get_field
from domain.phones import mask_phone
from extensions import db
from services.desk import filing
from services.dossiers import submission
from services.identity.officer_auth import officer_required
from services.photos import storage
from services.photos.images import ImageRejected
from services.photos.uploads import DecoderBusy


class FilingForm(FlaskForm):
    """CSRF only; the fields come from the catalog and are checked by the service."""


def _stale():
    return render_template(
        "error.html", status=400, message="Trang đã cũ. Hãy tải lại trang rồi thử lại."
    ), 400


def _draft_or_404(officer, draft_id: str, lock: bool = False):
    draft = filing.counter_draft(officer, draft_id, lock=lock)
    if draft is None:
        abort(404)
    return draft


@bp.route("/nop-tai-quay", methods=["GET", "POST"])
@officer_required(*filing.COUNTER_ROLES)
def counter_start(officer):
    fields, values, status = {}, {}, 200
    if request.method == "POST":
        if not FilingForm().validate_on_submit():
            return _stale()
        group_id = request.form.get("group", "")
        group = next((g for g in CATALOG["groups"] if g["id"] == group_id), None)
        in_group = set(group["procedures"]) if group else set()
        values = {
            "group": group_id, "phone": request.form.get("phone", "")[:30],
            # Only the chosen group's ticks count: the other group's list is on the page too.
            "procedures": [p for p in request.form.getlist("procedures") if p in in_group],
        }  # fmt: skip
        try:
            draft = filing.start(officer, group_id, values["procedures"], values["phone"])
            return redirect(url_for("office.counter_draft", draft_id=draft.id))
        except filing.FilingProblem as problem:
            db.session.rollback()
            fields, status = problem.fields, 400
    return render_template(
        "office/filing_start.html", officer=officer, groups=CATALOG["groups"],
        procedures=CATALOG["procedures"], fields=fields, values=values,
    ), status  # fmt: skip


def _form_sections(draft) -> list[dict]:
    """Every field of the draft's pages; one that depends on another answer says so."""
    sections = []
    for section_id in validation.sections_for(draft.group_id, draft.procedure_ids):
        section = CATALOG["sections"][section_id]
        rows = []
        for f in section["fields"]:
            when = f.get("when")
            condition = ""
            if when and get_field(when.get("field", "")):
                other = get_field(when["field"])
                wanted = when.get("equals")
                labels = {o["value"]: o["label"] for o in field_options(other)}
                chosen = labels.get(wanted, wanted)
                condition = f"Chỉ điền khi “{other['label']}” là “{chosen}”."
            rows.append({"f": f, "options": field_options(f), "condition": condition})
        sections.append({"id": section_id, "title": section["title"], "rows": rows})
    return sections


def render_counter(officer, draft, *, errors=None, error=None, status=200, code_sent_to=None):
    check = filing.problems(draft)
    phone = filing.citizen_phone(draft)
    return render_template(
        "office/filing_form.html", officer=officer, draft=draft, answers=draft.answers or {},
        sections=_form_sections(draft), attachments=filing.asked(draft), pages=filing.pages(draft),
        declaration=filing.DECLARATION, declaration_title=filing.DECLARATION_TITLE,
        errors=errors if errors is not None else {}, check=check, error=error,
        phone=mask_phone(phone) if phone else None, code_sent_to=code_sent_to,
        procedure_titles=[CATALOG["procedures"][p]["title"] for p in draft.procedure_ids],
        messages=get_flashed_messages(),
    ), status  # fmt: skip


@bp.route("/nop-tai-quay/<draft_id>", methods=["GET", "POST"])
@officer_required(*filing.COUNTER_ROLES)
def counter_draft(officer, draft_id: str):
    draft = _draft_or_404(officer, draft_id, lock=request.method == "POST")
    if request.method == "GET":
        return render_counter(officer, draft)
    if not FilingForm().validate_on_submit():
        return _stale()
    errors = filing.save_answers(draft, request.form)
    if errors:
        message = "Đã lưu. Còn vài ô chưa đúng hoặc còn thiếu: hãy sửa các ô được đánh dấu."
        return render_counter(officer, draft, errors=errors, error=message, status=400)
    flash("Đã lưu thông tin. Hãy chụp hoặc tải lên các giấy tờ còn thiếu.")
    return redirect(url_for("office.counter_draft", draft_id=draft.id) + "#giay-to")


@bp.post("/nop-tai-quay/<draft_id>/anh")
@officer_required(*filing.COUNTER_ROLES)
def counter_photo(officer, draft_id: str):
    draft = _draft_or_404(officer, draft_id)
    if not FilingForm().validate_on_submit():
        return _stale()
    file = request.files.get("file")
    if file is None or not file.filename:
        return render_counter(officer, draft, error="Chưa chọn ảnh. Hãy chụp hoặc chọn một "
                              "ảnh giấy tờ rồi bấm “Thêm trang”.", status=400)  # fmt: skip
    attachment_id = request.form.get("attachment_id", "")
    try:
        filing.add_photo(
            officer, draft_id, attachment_id,
            lambda: file.read(current_app.config["MAX_UPLOAD_BYTES"] + 1),
        )  # fmt: skip
    except filing.FilingProblem as problem:
        db.session.rollback()
        return render_counter(officer, draft, error=problem.message, status=problem.status)
    except ImageRejected as rejected:
        db.session.rollback()
        return render_counter(officer, draft, error=rejected.message,
                              status=413 if rejected.code == "too_large" else 422)  # fmt: skip
    except DecoderBusy:
        db.session.rollback()
        return render_counter(officer, draft, error="Máy chủ đang bận xử lý ảnh khác. Hãy "
                              "thử lại sau ít giây.", status=503)  # fmt: skip
    except storage.StorageFull:
        db.session.rollback()
        return render_counter(officer, draft, error="Máy chủ tạm hết chỗ lưu, hãy thử lại "
                              "sau.", status=507)  # fmt: skip
    flash("Đã thêm trang.")
    return redirect(url_for("office.counter_draft", draft_id=draft_id) + "#giay-to")


@bp.post("/nop-tai-quay/<draft_id>/anh/<upload_id>/xoa")
@officer_required(*filing.COUNTER_ROLES)
def counter_photo_remove(officer, draft_id: str, upload_id: str):
    draft = _draft_or_404(officer, draft_id)
    if not FilingForm().validate_on_submit():
        return _stale()
    try:
        filing.remove_photo(draft, upload_id)
    except filing.FilingProblem:
        abort(404)
    flash("Đã xóa trang.")
    return redirect(url_for("office.counter_draft", draft_id=draft_id) + "#giay-to")


@bp.get("/nop-tai-quay/<draft_id>/anh/<upload_id>")
@officer_required(*filing.COUNTER_ROLES)
def counter_photo_file(officer, draft_id: str, upload_id: str):
    draft = _draft_or_404(officer, draft_id)
    upload = filing.pages(draft)
    found = next((u for group in upload.values() for u in group if u.id == upload_id), None)
    if found is None:
        abort(404)
    return storage.photo_response(found)


@bp.post("/nop-tai-quay/<draft_id>/ma")
@officer_required(*filing.COUNTER_ROLES)
def counter_code(officer, draft_id: str):
    draft = _draft_or_404(officer, draft_id)
    if not FilingForm().validate_on_submit():
        return _stale()
    try:
        phone = filing.send_code(draft)
    except filing.FilingProblem as problem:
        db.session.rollback()
        return render_counter(officer, draft, error=problem.message, status=problem.status)
    return render_counter(officer, draft, code_sent_to=mask_phone(phone))


@bp.get("/nop-tai-quay/<draft_id>/giay-cam-ket")
@officer_required(*filing.COUNTER_ROLES)
def counter_declaration(officer, draft_id: str):
    draft = _draft_or_404(officer, draft_id)
    answers = draft.answers or {}
    return render_template(
        "office/filing_declaration.html", officer=officer, draft=draft,
        requester=answers.get("nguoi-yeu-cau.ho_ten", ""),
        requester_id=answers.get("nguoi-yeu-cau.so_dinh_danh", ""),
        procedure_titles=[CATALOG["procedures"][p]["title"] for p in draft.procedure_ids],
    )  # fmt: skip


@bp.post("/nop-tai-quay/<draft_id>/nop")
@officer_required(*filing.COUNTER_ROLES)
def counter_file(officer, draft_id: str):
    draft = _draft_or_404(officer, draft_id, lock=True)
    if not FilingForm().validate_on_submit():
        return _stale()
    try:
        dossier = filing.file(
            officer, draft, request.form.get("consent", ""), request.form.get("code", "")
        )
    except filing.FilingProblem as problem:
        db.session.commit()  # a wrong code counts as a guess (services.identity.otp)
        return render_counter(officer, draft, errors=problem.fields, error=problem.message,
                              status=problem.status)  # fmt: skip
    except submission.SubmitProblem as problem:
        db.session.rollback()
        return render_counter(officer, draft, error=problem.message, status=409)
    flash(
        f"Đã nộp hồ sơ {dossier.code} tại quầy. Hãy kiểm tra, bấm “Tiếp nhận hồ sơ” rồi in "
        "Giấy tiếp nhận và hẹn trả kết quả cho công dân."
    )
    return redirect(url_for("office.dossier_page", code=dossier.code))
