"""The period report: a page, a CSV and an Excel workbook of the same figures."""

from flask import Response, render_template, request

from blueprints.office import bp
from domain import periods
from domain.clock import today_vn
from domain.communes import get_commune
from domain.errors import RuleError
from domain.workflow import ADMIN, JUSTICE
from services.desk import reports
from services.identity.officer_auth import officer_required
from services.input import BadInput


def _period() -> periods.Period:
    try:
        if request.args.get("tu") or request.args.get("den"):
            return periods.custom(request.args.get("tu", ""), request.args.get("den", ""))
        return periods.parse(request.args.get("ky") or today_vn().strftime("%Y-%m"))
    except RuleError as error:
        raise BadInput(error.message) from None


@bp.get("/bao-cao")
@officer_required(ADMIN, JUSTICE)
def report_page(officer):
    report = reports.report(officer.commune_code, _period(), today_vn())
    return render_template(
        "office/report.html",
        officer=officer,
        commune=get_commune(officer.commune_code),
        report=report,
        outcomes=reports.OUTCOMES,
    )


def _download(officer, kind: str) -> Response:
    report = reports.report(officer.commune_code, _period(), today_vn())
    if kind == "csv":
        data, mime = reports.as_csv(report), "text/csv; charset=utf-8"
    else:
        data = reports.as_xlsx(report)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(data, mimetype=mime)
    name = f"bao-cao-{officer.commune_code}-{report.period.key.replace('..', '_')}.{kind}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/bao-cao.csv")
@officer_required(ADMIN, JUSTICE)
def report_csv(officer):
    return _download(officer, "csv")


@bp.get("/bao-cao.xlsx")
@officer_required(ADMIN, JUSTICE)
def report_xlsx(officer):
    return _download(officer, "xlsx")
