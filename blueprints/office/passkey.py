"""The officer's second factor: a passkey, right after the password.

An officer without one makes the first here, in the same sign-in: the account
and its first password come from the command line (the commune's technician
hands them over), and this is where they first meet the officer's device. A
lost device: `flask reset-officer-passkeys <username>` removes its keys, and
the next sign-in makes a new one. Options travel in the page; the answer goes
back in a normal form POST with its CSRF token.
"""

from urllib.parse import urlsplit

import jsonschema
from flask import current_app, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import Length

from blueprints.api.spec import PASSKEY_ASSERTION, PASSKEY_ATTESTATION
from blueprints.office import bp
from blueprints.office.auth import finish_sign_in
from extensions import limiter
from services.database import writes
from services.identity import officer_auth, passkeys
from services.identity.webauthn_rp import MSG_MALFORMED
from services.input import BadInput, read_json

# The citizens' messages point to the SMS code; officers have none.
OFFICER_MESSAGES = {
    "passkey_unknown": "Khóa này không thuộc tài khoản của bạn hoặc đã bị xóa. Hãy dùng đúng "
    "thiết bị đã tạo khóa, hoặc nhờ quản trị hệ thống của xã đặt lại khóa.",
    "passkey_invalid": "Không xác minh được khóa đăng nhập. Hãy bấm lại để thử lần nữa.",
    "passkey_cloned": "Khóa này bị từ chối vì có dấu hiệu bị sao chép. Hãy báo quản trị hệ "
    "thống của xã để đặt lại khóa.",
    "passkey_malformed": "Dữ liệu từ khóa đăng nhập bị lỗi. Hãy bấm lại để thử lần nữa.",
}


# A passkey's answer is a few kilobytes; the form field is free text otherwise.
MAX_CREDENTIAL_CHARS = 64 * 1024


class PasskeyForm(FlaskForm):
    credential = HiddenField()
    name = StringField(
        "Tên khóa (để nhận ra thiết bị)",
        validators=[Length(max=60, message="Tên khóa dài tối đa 60 ký tự.")],
    )


def _pending_key() -> str:
    return f"officer-passkey:{session.get('officer_pending', '-')}"


def _failed(response) -> bool:
    return response.status_code != 302


def _answer(raw: str, schema: dict) -> dict:
    try:
        depth = current_app.config["MAX_JSON_DEPTH"]
        credential = read_json(raw or "", MAX_CREDENTIAL_CHARS, depth)
        jsonschema.validate(credential, schema)
    except (BadInput, jsonschema.ValidationError):
        raise passkeys.PasskeyError("passkey_malformed", MSG_MALFORMED) from None
    return credential


def _by_name_url() -> str:
    """The same page on http://localhost:<port>: passkeys refuse an IP address."""
    parts = urlsplit(request.url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://localhost{port}{url_for('office.sign_in')}"


@bp.route("/khoa-dang-nhap", methods=["GET", "POST"])
@writes  # the page carries a new single-use challenge row
@limiter.limit("30/hour", methods=["POST"], deduct_when=_failed)
@limiter.limit("10 per 15 minutes", key_func=_pending_key, methods=["POST"], deduct_when=_failed)
def passkey_step():
    officer = officer_auth.pending_officer()
    if officer is None or not officer.active:
        return redirect(url_for("office.sign_in"))  # no password yet, or 10 minutes passed
    enrol = not passkeys.has_passkey(officer)
    form = PasskeyForm()
    problem, status = None, 200
    if form.validate_on_submit():
        try:
            if enrol:
                credential = _answer(form.credential.data, PASSKEY_ATTESTATION)
                passkeys.register(officer, credential, form.name.data or "")
            else:
                credential = _answer(form.credential.data, PASSKEY_ASSERTION)
                passkeys.verify_assertion(credential, "officer_sign_in", owner=officer)
        except passkeys.PasskeyError as error:
            problem, status = OFFICER_MESSAGES.get(error.code, error.message), error.status
        else:
            return finish_sign_in(officer, session.pop("officer_next", None))
    elif form.errors:
        problem, status = next(iter(form.errors.values()))[0], 400
    options = None
    if passkeys.available():
        options = (
            passkeys.registration_options(officer)
            if enrol
            else passkeys.confirmation_options(officer, "officer_sign_in")
        )
    return render_template(
        "office/passkey.html",
        form=form,
        enrol=enrol,
        options=options,
        problem=problem,
        by_name_url=_by_name_url(),
    ), status
