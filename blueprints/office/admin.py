"""The commune admin: contact settings, QR posters, statistics."""

from flask import Response, abort, current_app, flash, get_flashed_messages, render_template
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from blueprints.office import bp
from domain.clock import today_vn
from domain.communes import get_commune
from domain.workflow import ADMIN
from extensions import db
from models import Commune
from services.desk import posters, reports, stats
from services.identity.officer_auth import officer_required
from services.messages import notify


class SettingsForm(FlaskForm):
    officer_name = StringField(
        "Người hỗ trợ công dân (chức danh, họ tên)",
        validators=[InputRequired("Hãy nhập người hỗ trợ công dân"), Length(max=120)],
    )
    officer_phone = StringField(
        "Số điện thoại hỗ trợ",
        validators=[InputRequired("Hãy nhập số điện thoại hỗ trợ"), Length(max=20)],
    )
    office_hours = StringField(
        "Giờ làm việc",
        validators=[InputRequired("Hãy nhập giờ làm việc"), Length(max=200)],
    )


def commune_settings(officer) -> Commune:
    settings = db.session.get(Commune, officer.commune_code)
    if settings is None:
        abort(404)
    return settings


def poster_info(settings: Commune) -> posters.PosterInfo:
    commune = get_commune(settings.code)
    return posters.PosterInfo(
        url=notify.public_url(f"/x/{settings.code}"),
        commune_name=commune.name,
        province_label=commune.province_label,
        officer_name=settings.officer_name,
        officer_phone=settings.officer_phone,
        office_hours=settings.office_hours,
    )


@bp.route("/cai-dat", methods=["GET", "POST"])
@officer_required(ADMIN)
def settings(officer):
    settings = commune_settings(officer)
    form = SettingsForm(obj=settings)
    if form.validate_on_submit():
        form.populate_obj(settings)
        db.session.commit()
        flash("Đã lưu. Áp phích và trang của xã dùng thông tin mới.")
        return render_template(
            "office/settings.html", officer=officer, form=form, messages=get_flashed_messages()
        )
    return render_template("office/settings.html", officer=officer, form=form, messages=[])


@bp.get("/ap-phich")
@officer_required(ADMIN)
def poster_page(officer):
    settings = commune_settings(officer)
    return render_template(
        "office/poster.html",
        officer=officer,
        settings=settings,
        commune=get_commune(settings.code),
        url=notify.public_url(f"/x/{settings.code}"),
    )


def _poster(officer, kind: str) -> Response:
    info = poster_info(commune_settings(officer))
    font_dir = current_app.config["POSTER_FONT_DIR"]
    try:
        if kind == "pdf":
            data, mime = posters.poster_pdf(info, font_dir), "application/pdf"
        else:
            data, mime = posters.poster_svg(info, font_dir), "image/svg+xml"
    except posters.PosterError as error:
        current_app.logger.error("Poster fonts missing: %s", error)
        return render_template("error.html", status=503, message=str(error)), 503
    response = Response(data, mimetype=mime)
    name = f"ap-phich-ma-qr-{officer.commune_code}.{kind}"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@bp.get("/ap-phich.svg")
@officer_required(ADMIN)
def poster_svg(officer):
    return _poster(officer, "svg")


@bp.get("/ap-phich.pdf")
@officer_required(ADMIN)
def poster_pdf(officer):
    return _poster(officer, "pdf")


@bp.get("/thong-ke")
@officer_required(ADMIN)
def statistics(officer):
    return render_template(
        "office/statistics.html",
        officer=officer,
        commune=get_commune(officer.commune_code),
        stats=stats.commune_stats(officer.commune_code, today_vn()),
        outcomes=reports.OUTCOMES,
        outbox=notify.outbox_counts(officer.commune_code),
    )
