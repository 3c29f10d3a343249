"""The citizen's account: their passkeys ("Khóa đăng nhập") and the devices
signed in to it ("Thiết bị đang đăng nhập").

Creating a passkey happens in the browser (static/js/passkey-account.js over
the JSON API); listing, renaming and removing, and ending another device's
session, are plain pages and forms.
"""

from flask import Blueprint, abort, redirect, render_template, session, url_for
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from domain.catalog import get_field
from domain.communes import get_commune
from domain.phones import mask_phone
from extensions import db
from models import Dossier, Draft
from services.identity import passkeys, sessions
from services.identity import profile as kept_profile
from services.identity.auth import citizen_required, current_citizen

bp = Blueprint("account", __name__, url_prefix="/tai-khoan")


class RenameForm(FlaskForm):
    name = StringField(
        "Tên mới",
        validators=[
            InputRequired("Hãy nhập tên cho khóa, ví dụ: Điện thoại của tôi"),
            Length(max=60, message="Tên khóa dài tối đa 60 ký tự."),
        ],
    )


class EmptyForm(FlaskForm):
    pass


@bp.get("/khoa-dang-nhap")
@citizen_required
def passkeys_page():
    citizen = current_citizen()
    return render_template(
        "account/passkeys.html",
        passkeys=passkeys.passkeys_of(citizen),
        available=passkeys.available(),
        notice=session.pop("account_notice", None),
        rename_form=RenameForm(),
        remove_form=EmptyForm(),
    )


def _own_or_404(citizen, passkey_id: int) -> None:
    # Someone else's passkey id is "not found", as every other id in the app.
    if passkeys.owned_passkey(citizen, passkey_id) is None:
        abort(404)


@bp.post("/khoa-dang-nhap/<int:passkey_id>/xoa")
@citizen_required
def remove_passkey(passkey_id: int):
    citizen = current_citizen()
    _own_or_404(citizen, passkey_id)
    if EmptyForm().validate_on_submit() and passkeys.remove(citizen, passkey_id):
        left = passkeys.has_passkey(citizen)
        session["account_notice"] = "Đã xóa khóa đăng nhập. " + (
            "Khóa đó không dùng được nữa."
            if left
            else "Lần sau bạn đăng nhập và nộp hồ sơ bằng mã SMS, hoặc tạo khóa mới."
        )
    return redirect(url_for("account.passkeys_page"))


@bp.post("/khoa-dang-nhap/<int:passkey_id>/doi-ten")
@citizen_required
def rename_passkey(passkey_id: int):
    _own_or_404(current_citizen(), passkey_id)
    form = RenameForm()
    if not form.validate_on_submit():
        session["account_notice"] = form.name.errors[0] if form.name.errors else None
    elif passkeys.rename(current_citizen(), passkey_id, form.name.data):
        session["account_notice"] = "Đã đổi tên khóa."
    return redirect(url_for("account.passkeys_page"))


@bp.get("/tao-khoa-dang-nhap")
@citizen_required
def passkey_offer():
    """Offered once after signing in with an SMS code, while the account has none."""
    following = session.pop("next", None) or url_for("citizen.home")
    if not passkeys.available() or passkeys.has_passkey(current_citizen()):
        return redirect(following)
    return render_template("account/offer.html", following=following)


@bp.get("/thiet-bi")
@citizen_required
def sessions_page():
    citizen = current_citizen()
    return render_template(
        "account/sessions.html",
        rows=sessions.live_sessions(citizen),
        here_id=sessions.current("citizen").id,
        notice=session.pop("account_notice", None),
        form=EmptyForm(),
    )


@bp.post("/thiet-bi/<int:session_id>/dang-xuat")
@citizen_required
def end_session(session_id: int):
    citizen = current_citizen()
    if sessions.owned(citizen, session_id) is None:
        abort(404)  # someone else's session, as every other id in the app
    if session_id == sessions.current("citizen").id:
        # This device signs out with the "Đăng xuất" button, which also
        # empties the phone (static/js/leave.js).
        session["account_notice"] = "Đây là thiết bị bạn đang dùng. Hãy dùng nút Đăng xuất."
    elif EmptyForm().validate_on_submit() and sessions.end_one(citizen, session_id):
        session["account_notice"] = "Đã đăng xuất thiết bị đó. Thiết bị đó phải đăng nhập lại."
    return redirect(url_for("account.sessions_page"))


@bp.post("/thiet-bi/dang-xuat-cac-thiet-bi-khac")
@citizen_required
def end_other_sessions():
    if EmptyForm().validate_on_submit():
        ended = sessions.end_others(current_citizen())
        session["account_notice"] = (
            f"Đã đăng xuất {ended} thiết bị khác. Chỉ thiết bị này còn đăng nhập."
            if ended
            else "Không có thiết bị nào khác đang đăng nhập."
        )
    return redirect(url_for("account.sessions_page"))


@bp.get("/du-lieu")
@citizen_required
def data_page():
    """What the account keeps, why, how long, who sees it; the kept details deletable."""
    citizen = current_citizen()
    kept = []
    for key, value in kept_profile.kept_details(citizen).items():
        field = get_field(key)
        if field and field["type"] == "commune":
            commune = get_commune(value)
            value = commune.label if commune else value
        kept.append((field["label"] if field else key, value))
    count = lambda model, *where: db.session.scalar(  # noqa: E731
        select(func.count()).select_from(model).where(model.citizen_id == citizen.id, *where)
    )
    response = render_template(
        "account/data.html",
        phone=mask_phone(citizen.phone),
        kept=kept,
        consent_at=citizen.profile_consent_at,
        drafts=count(Draft, Draft.dossier_id.is_(None)),
        dossiers=count(Dossier),
        form=EmptyForm(),
        notice=session.pop("account_notice", None),
    )
    return response, 200, {"Cache-Control": "no-store"}


@bp.post("/du-lieu/xoa-thong-tin")
@citizen_required
def forget_profile():
    if EmptyForm().validate_on_submit():
        kept_profile.forget(current_citizen())
        session["account_notice"] = "Đã xóa thông tin của bạn đã lưu. Lần sau bạn khai lại từ đầu."
    return redirect(url_for("account.data_page"))
