"""The citizen's filled declarations: the PDF of each form the wizard asks
them to sign, made from the draft's answers as the server holds them."""

from flask import Blueprint, Response, abort, current_app, render_template

from extensions import db
from models import Draft
from services import forms
from services.database import writes
from services.desk.posters import PosterError
from services.identity.auth import citizen_required, current_citizen

bp = Blueprint("papers", __name__)


def pdf_response(source: forms.Source, attachment_id: str) -> Response:
    """The paper as a download; 404 when this draft does not ask for it."""
    item = forms.paper(source, attachment_id)
    if item is None:
        abort(404)
    try:
        data = forms.render(source, item)
    except PosterError as error:
        current_app.logger.error("Form fonts missing: %s", error)
        db.session.rollback()
        return render_template("error.html", status=503, message=str(error)), 503
    db.session.commit()  # the paper token, made on the first print
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{forms.file_name(item)}"'
    # Personal data: never kept by a shared computer's cache or a proxy.
    response.headers["Cache-Control"] = "no-store"
    # Shown on the phone so an officer can print the paper for a citizen without a printer.
    response.headers["X-Paper-Code"] = forms.show_token(source.draft.paper_token)
    return response


@bp.get("/ho-so/nhap/<draft_id>/to-khai/<attachment_id>.pdf")
@citizen_required
@writes
def draft_form(draft_id: str, attachment_id: str):
    draft = db.session.get(Draft, draft_id)
    if draft is None or draft.citizen_id != current_citizen().id:
        abort(404)
    return pdf_response(forms.source_of(draft), attachment_id)
