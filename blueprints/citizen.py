"""Citizen pages: QR landing, commune search, the wizard shell, dossiers, tracking,
and the citizen's own actions on a dossier (supplement, withdraw)."""

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from domain.catalog import CATALOG, field_options
from domain.clock import today_vn
from domain.communes import get_commune, search_communes
from domain.numbers import whole_number
from domain.phones import mask_phone, national_format
from domain.workflow import WITHDRAWABLE
from extensions import db
from models import Commune, Dossier, Draft
from services import forms
from services.database import reads_only
from services.desk import deadlines, office
from services.desk import slips as desk_slips
from services.dossiers import open_drafts, supplement, tracking
from services.dossiers.tracking import status_json
from services.identity import passkeys
from services.identity.auth import citizen_required, current_citizen
from services.identity.vneid import accounts
from services.identity.vneid.accounts import vouched_form_values
from services.identity.vneid.client import client as vneid_client
from services.web import note_retry_after, try_again_text

bp = Blueprint("citizen", __name__)


def _version() -> int:
    """The dossier version the form was drawn from; unreadable: 0, which no
    dossier has, so the version check says the page is out of date."""
    return whole_number(request.form.get("version")) or 0


class TrackForm(FlaskForm):
    code = StringField("Mã hồ sơ", validators=[InputRequired("Hãy nhập mã hồ sơ")])
    phone_last4 = StringField(
        "4 số cuối của số điện thoại đã dùng khi nộp",
        validators=[InputRequired("Hãy nhập 4 số cuối của số điện thoại")],
    )


def _groups():
    return CATALOG["groups"]


def _service_commune(code: str):
    """The commune from the vietnam-provinces data, and its settings if it takes dossiers."""
    if not (code.isdigit() and len(code) == 5):
        return None, None
    return get_commune(code), db.session.get(Commune, code)


@bp.get("/")
def home():
    query = request.args.get("q", "").strip()[:80]
    results = search_communes(query) if query else []
    return render_template("citizen/home.html", query=query, results=results)


@bp.get("/x/<code>")
def commune_landing(code: str):
    commune, settings = _service_commune(code)
    if commune is None:
        abort(404)
    return render_template(
        "citizen/landing.html", commune=commune, settings=settings, groups=_groups()
    )


@bp.get("/ho-so/moi")
@citizen_required
def new_dossier():
    commune, settings = _service_commune(request.args.get("xa", ""))
    group_ids = {g["id"] for g in _groups()}
    group = request.args.get("nhom", "")
    if commune is None or settings is None:
        return redirect(url_for("citizen.home"))
    if group not in group_ids:
        return redirect(url_for("citizen.commune_landing", code=commune.code_str))
    # One draft per intent: an unfinished one of this group is offered first.
    waiting = (
        []
        if request.args.get("moi") == "1"
        else open_drafts.unfinished(current_citizen().id, group)
    )
    started = [d for d in waiting if d.answered]
    if waiting and not started:  # opened before, nothing typed: simply go on with it
        return redirect(url_for("citizen.resume_draft", draft_id=waiting[0].id))
    if started:
        return render_template(
            "citizen/continue_draft.html",
            drafts=started,
            group=next(g for g in _groups() if g["id"] == group),
            new_url=url_for("citizen.new_dossier", xa=commune.code_str, nhom=group, moi="1"),
        )
    return _wizard_shell(commune=commune, group=group, draft_id="")


@bp.get("/ho-so/nhap/<draft_id>")
@citizen_required
def resume_draft(draft_id: str):
    draft = db.session.get(Draft, draft_id)
    if draft is None or draft.citizen_id != current_citizen().id:
        abort(404)
    if draft.dossier_id is not None:
        dossier = db.session.get(Dossier, draft.dossier_id)
        return redirect(url_for("citizen.dossier_page", code=dossier.code))
    return _wizard_shell(
        commune=get_commune(draft.commune_code), group=draft.group_id or "", draft_id=draft.id
    )


def _wizard_shell(commune, group: str, draft_id: str):
    citizen = current_citizen()
    return render_template(
        "citizen/wizard.html",
        commune=commune,
        group=group,
        draft_id=draft_id,
        account_phone=national_format(citizen.contact_phone) if citizen.contact_phone else "",
        vouched=vouched_form_values(citizen),
        has_passkey=passkeys.available() and passkeys.has_passkey(citizen),
        # The province's electronic declarations: those photo steps disappear.
        electronic=forms.electronic_for(commune.code_str, CATALOG["procedures"]) if commune else [],
    )


@bp.get("/ho-so")
@citizen_required
def my_dossiers():
    citizen = current_citizen()
    dossiers = db.session.scalars(
        select(Dossier).where(Dossier.citizen_id == citizen.id).order_by(Dossier.id.desc())
    ).all()
    return render_template(
        "citizen/my_dossiers.html",
        dossiers=[status_json(d) for d in dossiers],
        drafts=open_drafts.unfinished(citizen.id),
        delete_form=FlaskForm(),
        deleted=session.pop("deleted_draft", ""),
        phone=mask_phone(citizen.phone) if citizen.phone else "",  # the phone account
        identity=accounts.identity_of(citizen),
        vneid_available=vneid_client() is not None,
        vneid_notice=session.pop("vneid_notice", None),
        link_form=FlaskForm(),
    )


@bp.post("/ho-so/nhap/<draft_id>/xoa")
@citizen_required
def delete_draft(draft_id: str):
    """Delete an unfinished draft and its photos; the page then empties the
    phone's copy too (static/js/device.js), or it would sync back."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    if not open_drafts.delete_draft(current_citizen().id, draft_id):
        abort(404)
    session["deleted_draft"] = draft_id
    return redirect(url_for("citizen.my_dossiers"))


@bp.get("/ho-so/<code>")
@citizen_required
def dossier_page(code: str):
    dossier = db.session.scalars(select(Dossier).where(Dossier.code == code.upper())).first()
    if dossier is None or dossier.citizen_id != current_citizen().id:
        abort(404)
    settings = db.session.get(Commune, dossier.commune_code)
    return render_template(
        "citizen/dossier.html",
        dossier=status_json(dossier, private=True),
        settings=settings,
        fresh=request.args.get("moi") == "1",
        resubmitted=request.args.get("bo-sung") == "1",
        can_withdraw=dossier.status in WITHDRAWABLE,
        slips=[(k, t) for k, t in desk_slips.available(dossier) if k in CITIZEN_SLIPS],
        supplement_due=deadlines.supplement_due(dossier),
    )


# The slips handed to the citizen; the control sheet stays in the office.
CITIZEN_SLIPS = ("tiep-nhan", "bo-sung", "tu-choi", "xin-loi")


@bp.get("/ho-so/<code>/phieu/<kind>.pdf")
@citizen_required
def slip(code: str, kind: str):
    from blueprints.office.slips import slip_response

    if kind not in CITIZEN_SLIPS:
        abort(404)
    return slip_response(_own_dossier(code), kind)


def _own_dossier(code: str) -> Dossier:
    dossier = db.session.scalars(select(Dossier).where(Dossier.code == code.upper())).first()
    if dossier is None or dossier.citizen_id != current_citizen().id:
        abort(404)
    return dossier


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Lý do rút hồ sơ (không bắt buộc)", validators=[Length(max=500)])


@bp.route("/ho-so/<code>/bo-sung", methods=["GET", "POST"])
@citizen_required
def supplement_page(code: str):
    """Add the photos and corrections the office asked for, then send them."""
    dossier = _own_dossier(code)
    if not supplement.open_request(dossier):
        return redirect(url_for("citizen.dossier_page", code=dossier.code))
    form = WithdrawForm()  # CSRF only; the answers are read from the request below
    answers, problem = dossier.answers or {}, None
    if request.method == "POST" and form.validate_on_submit():
        try:
            supplement.resubmit(dossier, request.form, _version(), today_vn())
        except (supplement.Problem, office.ActionProblem) as error:
            db.session.rollback()
            dossier = _own_dossier(code)
            answers, _ = supplement.corrected_answers(dossier, request.form)
            problem = error
        else:
            return redirect(url_for("citizen.dossier_page", code=dossier.code, **{"bo-sung": "1"}))
    uploads = supplement.uploads_of(dossier)
    return render_template(
        "citizen/supplement.html",
        dossier=dossier,
        info=status_json(dossier, private=True),
        supplement_due=deadlines.supplement_due(dossier),
        papers=supplement.papers_to_show(dossier, answers),
        uploads=uploads,
        added={u.id for u in uploads if supplement.added_since_request(dossier, u)},
        sections=supplement.fields_to_correct(dossier, answers),
        answers=answers,
        problem=problem,
        errors=getattr(problem, "fields", {}) or {},
        field_options=field_options,
    ), (problem.status if problem else 200)


@bp.route("/ho-so/<code>/rut", methods=["GET", "POST"])
@citizen_required
def withdraw(code: str):
    dossier = _own_dossier(code)
    form = WithdrawForm()
    if dossier.status not in WITHDRAWABLE:
        return redirect(url_for("citizen.dossier_page", code=dossier.code))
    problem = None
    if form.validate_on_submit():
        try:
            office.perform(
                dossier,
                "citizen",
                office.ActionInput(
                    "withdraw",
                    _version(),
                    reason=form.reason.data or "",
                ),
            )
        except office.ActionProblem as error:
            db.session.rollback()
            dossier, problem = _own_dossier(code), error.message
        else:
            return redirect(url_for("citizen.dossier_page", code=dossier.code))
    return render_template("citizen/withdraw.html", dossier=dossier, form=form, problem=problem)


@bp.route("/theo-doi", methods=["GET", "POST"])
@reads_only
def track():
    """The page's lookup: the same guess budgets as the API's (services.dossiers.tracking)."""
    form = TrackForm()
    if form.validate_on_submit():
        try:
            info = tracking.lookup_status(form.code.data, form.phone_last4.data)
        except tracking.LookupRefused as refusal:
            message = refusal.message
            if refusal.status == 429:
                message += " " + try_again_text(note_retry_after(refusal.retry_after))
            field = form.phone_last4 if refusal.status == 400 else form.code
            field.errors.append(message)
            return render_template("citizen/track.html", form=form, dossier=None), refusal.status
        if info is not None:
            return render_template("citizen/track.html", form=form, dossier=info)
        form.code.errors.append(
            "Không tìm thấy hồ sơ với mã và 4 số cuối điện thoại này. Hãy kiểm tra lại mã "
            "trong tin nhắn và số điện thoại đã dùng khi nộp."
        )
        return render_template("citizen/track.html", form=form, dossier=None), 404
    if not form.code.data:  # the slips' QR opens /theo-doi?ma=<code>: the code filled in
        form.code.data = request.args.get("ma", "").strip().upper()[:48]
    return render_template("citizen/track.html", form=form, dossier=None)
