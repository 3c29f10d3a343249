"""Officer sign-in with a username and a password (argon2), rate limited,
then a passkey (blueprints/office/passkey.py)."""

from flask import current_app, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired

from blueprints.office import bp
from extensions import db, limiter
from services.identity import officer_auth, sessions

MSG_WRONG = (
    "Tên đăng nhập hoặc mật khẩu không đúng. Hãy kiểm tra lại (chú ý chữ hoa, chữ thường). "
    "Quên mật khẩu: nhờ quản trị của xã đặt lại."
)


class SignInForm(FlaskForm):
    username = StringField(
        "Tên đăng nhập", validators=[InputRequired("Hãy nhập tên đăng nhập của cán bộ")]
    )
    password = PasswordField("Mật khẩu", validators=[InputRequired("Hãy nhập mật khẩu")])


class EmptyForm(FlaskForm):
    pass


def _username_key() -> str:
    return "officer:" + officer_auth.normalize_username(request.form.get("username", ""))[:64]


def _failed(response) -> bool:
    # Only failed attempts count: a busy office signing in all morning is fine.
    return response.status_code != 302


@bp.route("/dang-nhap", methods=["GET", "POST"])
@limiter.limit("30/hour", methods=["POST"], deduct_when=_failed)
@limiter.limit(
    lambda: current_app.config["OFFICER_SIGN_IN_LIMIT"],
    key_func=_username_key,
    methods=["POST"],
    deduct_when=_failed,
)
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        officer = officer_auth.check_password(form.username.data, form.password.data)
        if officer is None:
            db.session.rollback()
            form.password.errors.append(MSG_WRONG)
            return render_template("office/sign_in.html", form=form), 401
        following = session.get("officer_next")
        officer_auth.begin_sign_in(officer)
        if current_app.config["OFFICER_PASSKEY_REQUIRED"]:
            # The second factor (blueprints/office/passkey.py): the officer's
            # passkey, or making the first one; it calls finish_sign_in.
            db.session.commit()  # a password rehashed by check_password
            session["officer_next"] = following
            return redirect(url_for("office.passkey_step"))
        return finish_sign_in(officer, following)
    ended = officer_auth.ended_message(session.pop(sessions.ENDED_KEY, None))
    return render_template("office/sign_in.html", form=form, ended=ended)


def finish_sign_in(officer, following: str | None):
    officer_auth.complete_sign_in(officer)
    if following and following.startswith("/can-bo/"):
        return redirect(following)
    return redirect(url_for("office.home"))


@bp.post("/dang-xuat")
def sign_out():
    if EmptyForm().validate_on_submit():
        officer_auth.sign_out()
    return redirect(url_for("office.sign_in"))
