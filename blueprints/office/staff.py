"""The commune admin's officer accounts: list, create, deactivate, reset, audit log.

Thin views over services.identity.officer_admin. A temporary password is shown
once, in the answer to the POST that made it (never flashed into the cookie,
never in a URL), and that answer is not cached.
"""

from flask import abort, flash, get_flashed_messages, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from blueprints.office import bp
from domain.workflow import ADMIN, ROLES
from extensions import db
from services.identity import officer_admin
from services.identity.officer_auth import officer_required


class StaffForm(FlaskForm):
    """CSRF only; the few fields are read and checked by the service."""


def _page(admin, *, status=200, error=None, fields=None, values=None, handed=None):
    response = render_template(
        "office/staff.html",
        officer=admin,
        officers=officer_admin.officers_of(admin),
        log=officer_admin.audit_log(admin),
        labels=officer_admin.AUDIT_LABELS,
        creatable=[(r, ROLES[r]) for r in officer_admin.CREATABLE_ROLES],
        roles=ROLES,
        messages=get_flashed_messages(),
        error=error,
        fields=fields or {},
        values=values or {},
        handed=handed,
    )
    headers = {"Cache-Control": "no-store"} if handed else {}
    return response, status, headers


def _checked(admin):
    if not StaffForm().validate_on_submit():
        return _page(admin, status=400, error="Trang đã cũ. Hãy tải lại trang rồi thử lại.")
    return None


def _target(admin, officer_id: int):
    target = officer_admin.officer_of_commune(admin, officer_id)
    if target is None:
        abort(404)
    return target


@bp.get("/nhan-su")
@officer_required(ADMIN)
def staff(officer):
    return _page(officer)


@bp.post("/nhan-su")
@officer_required(ADMIN)
def staff_create(officer):
    if (stale := _checked(officer)) is not None:
        return stale
    values = {k: request.form.get(k, "")[:200] for k in ("username", "full_name", "role")}
    try:
        created, password = officer_admin.create(officer, **values)
    except officer_admin.AdminProblem as problem:
        db.session.rollback()
        return _page(officer, status=400, error=problem.message, fields=problem.fields,
                     values=values)  # fmt: skip
    return _page(officer, handed={"officer": created, "password": password, "new": True})


@bp.post('/nhan-su/<int:officer_id>/<any("khoa", "mo-lai", "mat-khau", "khoa-dang-nhap"):what>')
@officer_required(ADMIN)
def staff_change(officer, officer_id: int, what: str):
    target = _target(officer, officer_id)
    if (stale := _checked(officer)) is not None:
        return stale
    try:
        if what == "mat-khau":
            password = officer_admin.reset_password(officer, target)
            return _page(officer, handed={"officer": target, "password": password})
        if what == "khoa":
            officer_admin.deactivate(officer, target)
            flash(f"Đã khóa tài khoản {target.username}. Mọi phiên đăng nhập của họ đã kết thúc.")
        elif what == "mo-lai":
            officer_admin.reactivate(officer, target)
            flash(f"Đã mở lại tài khoản {target.username}.")
        else:
            removed = officer_admin.reset_passkeys(officer, target)
            flash(
                f"Đã xóa {removed} khóa đăng nhập của {target.username} và kết thúc mọi phiên "
                "đăng nhập của họ. Lần đăng nhập sau, họ tạo khóa mới."
            )
    except officer_admin.AdminProblem as problem:
        db.session.rollback()
        return _page(officer, status=409, error=problem.message)
    return redirect(url_for("office.staff"))
