"""The slips as PDF: any slip of a dossier the officer may see, and the logbook."""

from datetime import UTC, date, datetime, time, timedelta

from flask import Response, abort, current_app, render_template, request
from sqlalchemy import select

from blueprints.office import bp
from blueprints.office.dossiers import OFFICE_ROLES, dossier_or_404
from domain.clock import today_vn
from domain.workflow import ADMIN, JUSTICE
from domain.working_days import VN_TZ
from extensions import db
from models import Dossier
from services.desk import posters, slips
from services.identity.officer_auth import officer_required
from services.input import BadInput


def pdf_response(make, filename: str) -> Response:
    try:
        data = make()
    except posters.PosterError as error:
        current_app.logger.error("Slip fonts missing: %s", error)
        return render_template("error.html", status=503, message=str(error)), 503
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # personal data
    return response


def slip_response(dossier: Dossier, kind: str) -> Response:
    if kind not in dict(slips.available(dossier)):
        abort(404)
    return pdf_response(lambda: slips.render(kind, dossier), f"{kind}-{dossier.code}.pdf")


@bp.get("/ho-so/<code>/phieu/<kind>.pdf")
@officer_required(*OFFICE_ROLES)
def slip(officer, code: str, kind: str):
    return slip_response(dossier_or_404(officer, code), kind)


def _day(name: str, default: date) -> date:
    text = request.args.get(name, "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise BadInput("Ngày không hợp lệ. Hãy chọn ngày theo dạng ngày/tháng/năm.") from None


@bp.get("/so-theo-doi.pdf")
@officer_required(JUSTICE, ADMIN)
def logbook(officer):
    today = today_vn()
    first = _day("tu", today.replace(day=1))
    last = _day("den", today)
    if last < first or (last - first).days > 400:
        raise BadInput("Khoảng ngày không hợp lệ: ngày đầu phải trước ngày cuối, tối đa 400 ngày.")
    # Local days to the naive UTC the database keeps.
    utc = [
        datetime.combine(day, time(0, 0), VN_TZ).astimezone(UTC).replace(tzinfo=None)
        for day in (first, last + timedelta(days=1))
    ]
    dossiers = db.session.scalars(
        select(Dossier)
        .where(Dossier.commune_code == officer.commune_code)
        .where(Dossier.received_at >= utc[0], Dossier.received_at < utc[1])
        .order_by(Dossier.received_at)
    ).all()
    return pdf_response(
        lambda: slips.render_logbook(officer.commune_code, first, last, dossiers, today),
        f"so-theo-doi-{first:%Y%m%d}-{last:%Y%m%d}.pdf",
    )
