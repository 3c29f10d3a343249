"""The queue, one dossier with every answer and photo, and the photos themselves."""

from flask import abort, flash, get_flashed_messages, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select

from blueprints.office import bp, present
from domain import results, statuses, workflow
from domain.catalog import CATALOG
from domain.clock import today_vn
from domain.statuses import Status
from extensions import db
from models import Commune, Payment, Upload
from models.base import utcnow
from services import forms
from services.desk import confirmations, deadlines, office, queue, slips, worklist
from services.dossiers import payments
from services.identity.officer_auth import officer_required
from services.input import BadInput, query_int
from services.photos import sizes, storage

OFFICE_ROLES = workflow.AGENCY_ROLES


@bp.app_template_global()
def office_globals() -> dict:
    return {
        "roles": workflow.ROLES,
        "actions": workflow.ACTIONS,
        "status_labels": statuses.LABELS,
        "vn_date": present.vn_date,
    }


class SearchForm(FlaskForm):
    """CSRF only. Searches are POSTed: names, phones and ID numbers must never
    end up in a URL, and so in access logs or the browser's history."""


@bp.route("/", methods=["GET", "POST"])
@officer_required()
def home(officer):
    if officer.role == workflow.ADMIN:
        return redirect(url_for("office.statistics"))
    tab = request.args.get("xem", queue.TODO)
    if not queue.is_tab(tab):
        raise BadInput("Không có mục này trong danh sách hồ sơ. Hãy chọn lại một mục ở đầu trang.")
    query = ""
    if request.method == "POST":
        if not SearchForm().validate_on_submit():
            abort(400)
        query = request.form.get("q", "").strip()[:100]
    page = query_int(
        "trang", 1, 1, queue.MAX_PAGE, "Số trang không hợp lệ. Hãy quay lại trang đầu danh sách."
    )
    today, now = today_vn(), utcnow()
    flag = request.args.get("loc", "")
    if flag and flag not in worklist.FLAGS:
        raise BadInput("Không có bộ lọc này. Hãy chọn lại một bộ lọc ở đầu danh sách.")
    day_rows = worklist.worklist(officer, today, now)
    if tab == queue.TODO and not query:
        # The day's work: overdue first; filtered by one flag when asked.
        chosen = [r for r in day_rows if not flag or flag in r.flags]
        start = (page - 1) * queue.PAGE_SIZE
        found = queue.Page([], page, len(chosen) > start + queue.PAGE_SIZE)
        rows = chosen[start : start + queue.PAGE_SIZE]
    else:
        found = queue.queue(officer, tab, query, page)
        rows = [worklist.row(officer, d, today, now) for d in found.dossiers]
    groups = {g["id"]: g["title"] for g in CATALOG["groups"]}
    return render_template(
        "office/queue.html",
        officer=officer,
        rows=[
            {
                "r": r,
                "group": groups[r.dossier.group_id],
                "requester": (r.dossier.answers or {}).get("nguoi-yeu-cau.ho_ten", ""),
            }
            for r in rows
        ],  # fmt: skip
        tab=tab,
        flag=flag,
        flags=worklist.FLAGS,
        late_flags=worklist.LATE_FLAGS,
        flag_counts=worklist.counts(day_rows),
        query=query,
        page=found,
        counts=queue.counts(officer),
        searched=bool(query),
    )


def dossier_or_404(officer, code):
    dossier = office.officer_dossier(officer, code)
    if dossier is None:
        abort(404)
    return dossier


def _papers(dossier) -> list:
    source = forms.source_of_dossier(dossier)
    return forms.papers(source) if source else []


def render_dossier(officer, dossier, *, error=None, fields=None, form_values=None, status=200):
    today = today_vn()
    actions = office.available(officer.role, dossier, today)
    pending = {
        p.procedure_id: p
        for p in db.session.scalars(
            select(Payment).where(Payment.dossier_id == dossier.id, Payment.status == "pending")
        )
    }
    return (
        render_template(
            "office/dossier.html",
            officer=officer,
            dossier=dossier,
            settings=db.session.get(Commune, dossier.commune_code),
            status=Status(dossier.status),
            overdue=office.is_overdue(dossier, today),
            late_ack=deadlines.late_to_acknowledge(dossier, utcnow()),
            ack_deadline=deadlines.acknowledge_deadline(dossier),
            ack_hours=deadlines.ack_hours(),
            supplement_due=deadlines.supplement_due(dossier),
            supplement_overdue=deadlines.supplement_overdue(dossier, utcnow()),
            supplement_days=deadlines.supplement_days(),
            slips=slips.available(dossier),
            steps=[
                {
                    "p": p,
                    "title": CATALOG["procedures"][p.procedure_id]["title"],
                    "agency": CATALOG["agencies"][p.agency]["name"],
                    "overdue": office.step_overdue(p, today),
                    "result": results.describe(p.procedure_id, p.result or {}),
                }
                for p in dossier.progress
            ],
            actions=actions,
            confirm=confirmations.for_page(dossier, officer.role, actions),
            counter=present.counter_filing(dossier),
            duplicates=present.duplicates(officer, dossier),
            step_actions={pid for _, pid in actions if pid},
            result_fields={p: results.result_fields(p) for p in dossier.procedure_ids},
            suggested={
                p: payments.suggested_fee(p, dossier.answers or {}) for p in dossier.procedure_ids
            },
            pending_payments=pending,
            attachments=[
                a for p in dossier.procedure_ids for a in CATALOG["procedures"][p]["attachments"]
            ],
            section_choices=[
                (s, CATALOG["sections"][s]["title"]) for s in office.dossier_sections(dossier)
            ],
            sections=present.answer_sections(dossier),
            photos=present.photo_groups(dossier),
            papers=_papers(dossier),
            signing=present.signing(dossier),
            history=present.history(dossier),
            sms_messages=present.sms_messages(dossier),
            delivery=(dossier.answers or {}).get("nhan-ket-qua.hinh_thuc", "tai-xa"),
            messages=get_flashed_messages(),
            error=error,
            fields=fields or {},
            values=form_values or {},
        ),
        status,
    )


@bp.get("/ho-so/<code>")
@officer_required(*OFFICE_ROLES)
def dossier_page(officer, code: str):
    return render_dossier(officer, dossier_or_404(officer, code))


@bp.get("/ho-so/<code>/anh/<upload_id>")
@officer_required(*OFFICE_ROLES)
def photo(officer, code: str, upload_id: str):
    dossier = dossier_or_404(officer, code)
    upload = db.session.get(Upload, upload_id)
    if upload is None or upload.dossier_id != dossier.id:
        abort(404)
    width = request.args.get("w", "")
    if width and width not in {str(w) for w in sizes.WIDTHS}:
        raise BadInput("Không có cỡ ảnh này. Hãy mở lại ảnh từ trang hồ sơ.")
    return storage.photo_response(upload, int(width) if width else None)


@bp.post("/ho-so/<code>/khong-trung")
@officer_required(*OFFICE_ROLES)
def not_duplicate(officer, code: str):
    """Mark this dossier and another of the same event as not a duplicate."""
    from services.desk import duplicates

    dossier = dossier_or_404(officer, code)
    if not SearchForm().validate_on_submit():
        return render_dossier(
            officer, dossier, error="Trang đã cũ. Hãy tải lại trang rồi thử lại.", status=400
        )
    other = office.officer_dossier(officer, request.form.get("other", "")[:48])
    if other is None or not duplicates.dismiss(officer, dossier, other):
        return render_dossier(
            officer, dossier, status=409,
            error="Hai hồ sơ này không còn bị đánh dấu có thể trùng. Hãy tải lại trang.",
        )  # fmt: skip
    flash(f"Đã ghi: hồ sơ {dossier.code} và {other.code} không phải trùng nhau.")
    return redirect(url_for("office.dossier_page", code=dossier.code))
