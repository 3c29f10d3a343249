"""Printing a draft's or dossier's filled declarations at the office, and
what a scanned QR of a printed declaration says: which draft or dossier it
belongs to and whether it was printed before the answers last changed.

Looked up by the paper token (the QR, or the code printed under it) only
within the officer's own commune; a filed dossier also through
officer_dossier, as every other dossier page."""

from flask import abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from blueprints.office import bp
from blueprints.office.dossiers import OFFICE_ROLES, dossier_or_404
from blueprints.papers import pdf_response
from extensions import limiter
from services import forms
from services.database import writes
from services.desk import office
from services.identity.officer_auth import officer_required

# The token has ~59 random bits, but an officer's account typing codes in a
# loop is still someone fishing for other people's drafts.
LOOKUP_LIMIT = "30 per minute"


class LookupForm(FlaskForm):
    """CSRF only: the code is POSTed, like every office search."""


def _visible_source(officer, token: str) -> forms.Source | None:
    draft = forms.draft_by_token(token)
    if draft is None or draft.commune_code != officer.commune_code:
        return None
    source = forms.source_of(draft)
    if source.dossier is not None and not office.can_see(officer, source.dossier):
        return None
    return source


def papers_of(source: forms.Source | None) -> list[forms.Paper]:
    return forms.papers(source) if source else []


@bp.get("/ho-so/<code>/to-khai/<attachment_id>.pdf")
@officer_required(*OFFICE_ROLES)
@writes  # the paper token, on the first print
def dossier_form(officer, code: str, attachment_id: str):
    dossier = dossier_or_404(officer, code)
    source = forms.source_of_dossier(dossier)
    if source is None:
        abort(404)
    return pdf_response(source, attachment_id)


@bp.get("/to-khai/<token>/<attachment_id>.pdf")
@limiter.limit(LOOKUP_LIMIT)
@officer_required(*OFFICE_ROLES)
@writes
def token_form(officer, token: str, attachment_id: str):
    source = _visible_source(officer, token)
    if source is None:
        abort(404)
    return pdf_response(source, attachment_id)


@bp.get("/to-khai/<token>")
@limiter.limit(LOOKUP_LIMIT)
@officer_required(*OFFICE_ROLES)
def scanned(officer, token: str):
    """The page a scanned QR opens."""
    source = _visible_source(officer, token)
    if source is None:
        return render_template(
            "office/paper.html", officer=officer, source=None, form=LookupForm()
        ), 404
    attachment_id = request.args.get("to", "")[:64]
    print_id = request.args.get("in", "")[:32]
    current = forms.is_current(source, attachment_id, print_id) if attachment_id else None
    scanned_paper = forms.paper(source, attachment_id) if attachment_id else None
    return render_template(
        "office/paper.html",
        officer=officer,
        source=source,
        token=source.draft.paper_token,
        shown_token=forms.show_token(source.draft.paper_token),
        papers=papers_of(source),
        scanned_title=scanned_paper.title if scanned_paper else None,
        checked=bool(attachment_id),
        current=current,
        form=LookupForm(),
    )


@bp.route("/to-khai", methods=["GET", "POST"])
@limiter.limit(LOOKUP_LIMIT, methods=["POST"])
@officer_required(*OFFICE_ROLES)
def lookup(officer):
    """Type the code printed under a paper's QR, or a dossier code."""
    form = LookupForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        typed = request.form.get("ma", "").strip()[:64]
        dossier = office.officer_dossier(officer, typed)
        if dossier is not None:
            return redirect(url_for("office.dossier_page", code=dossier.code) + "#to-khai")
        source = _visible_source(officer, typed)
        if source is not None:
            return redirect(url_for("office.scanned", token=source.draft.paper_token))
        error = (
            "Không tìm thấy hồ sơ hay tờ khai có mã này ở xã của bạn. Hãy kiểm tra lại mã in "
            "dưới mã QR của tờ khai (12 ký tự), hoặc mã hồ sơ."
        )
    return render_template("office/paper_lookup.html", officer=officer, form=form, error=error), (
        422 if error else 200
    )
