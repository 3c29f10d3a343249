"""The "giúp người dân" page: a helper turns the mode on on the citizen's phone.

A cookie then holds the helper's role (nothing else) until the next dossier is
submitted from this phone, the citizen signs out, or two hours pass; the submit
records the role in the dossier's history (services.dossiers.submission).
"""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from blueprints.citizen import _service_commune
from domain import helping

bp = Blueprint("helping", __name__)
MAX_AGE = 2 * 3600


class HelpForm(FlaskForm):
    """CSRF only; the role is checked against domain.helping.ROLES."""


@bp.route("/x/<code>/giup", methods=["GET", "POST"])
def help_page(code: str):
    commune, settings = _service_commune(code)
    if commune is None or settings is None:
        abort(404)
    current = helping.role_of(request.cookies.get(helping.COOKIE))
    error, status = None, 200
    if request.method == "POST":
        if not HelpForm().validate_on_submit():
            error, status = "Trang đã cũ. Hãy tải lại trang rồi thử lại.", 400
        elif request.form.get("ket_thuc"):
            response = redirect(url_for("citizen.commune_landing", code=commune.code_str))
            response.delete_cookie(helping.COOKIE)
            return response
        elif (role := helping.role_of(request.form.get("vai_tro"))) is None:
            error, status = "Hãy chọn bạn là ai để giúp người dân.", 400
        else:
            response = redirect(url_for("citizen.commune_landing", code=commune.code_str))
            response.set_cookie(
                helping.COOKIE, role, max_age=MAX_AGE, httponly=True, samesite="Lax",
                secure=request.is_secure,
            )  # fmt: skip
            return response
    return render_template(
        "citizen/helping.html", commune=commune, roles=helping.ROLES, current=current,
        current_label=helping.label(current), error=error,
    ), status  # fmt: skip
