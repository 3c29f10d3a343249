"""The "show the QR" page for a tablet on the office counter: public.

It shows only what the printed poster shows (the commune's /x/<code> link),
so the tablet needs no officer session left open on the counter.
"""

from flask import Blueprint, Response, abort, render_template

from domain.communes import get_commune
from extensions import db
from models import Commune
from services.desk import posters
from services.messages import notify

bp = Blueprint("counter", __name__, url_prefix="/ma-qr")


def _enabled(code: str):
    commune = get_commune(code) if code.isdigit() and len(code) == 5 else None
    if commune is None or db.session.get(Commune, code) is None:
        abort(404)
    return commune


@bp.get("/<code>")
def show(code: str):
    commune = _enabled(code)
    return render_template(
        "office/counter_qr.html", commune=commune, url=notify.public_url(f"/x/{code}")
    )


@bp.get("/<code>.svg")
def image(code: str):
    _enabled(code)
    response = Response(posters.qr_svg(notify.public_url(f"/x/{code}")), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
