"""Sign-in with a phone number and an SMS code, or with a passkey.

The passkey sign-in itself is JSON (blueprints/api/passkeys.py); these pages
offer it (a button, and the browser's autofill on the phone field) and keep
the SMS code as the way in for a lost phone.
"""

from flask import (
    Blueprint,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import InputRequired

from domain import helping
from domain.errors import RuleError
from domain.phones import mask_phone, normalize_vn_mobile
from extensions import db, from_office_network, limiter
from models import Citizen
from models.base import utcnow
from services.identity import otp, passkeys
from services.identity.auth import current_citizen, sign_in
from services.identity.auth import sign_out as end_session
from services.identity.vneid.client import client as vneid_client
from services.identity.webauthn_rp import browser_key
from services.web import error_response, vn_clock

bp = Blueprint("auth", __name__, url_prefix="/dang-nhap")


class PhoneForm(FlaskForm):
    phone = StringField(
        "Số điện thoại di động",
        validators=[InputRequired("Hãy nhập số điện thoại di động")],
    )


class CodeForm(FlaskForm):
    code = StringField(
        "Mã xác nhận", validators=[InputRequired("Hãy nhập mã xác nhận gồm 6 chữ số")]
    )


class EmptyForm(FlaskForm):
    pass


# Per address, beside the limits per phone and the SMS budget in services.identity.otp
# (which count codes sent, so that asking for someone else's number costs its
# owner nothing). High: a commune office's Wi-Fi or a carrier's shared address
# serves hundreds of citizens a day; the office's own addresses are exempt.
def _code_sent(response) -> bool:
    return g.get("sms_code_sent", False)


def _wrong_code(response) -> bool:
    return request.method == "POST" and response.status_code == 200  # the form again


codes_per_address = limiter.shared_limit(
    lambda: current_app.config["SIGN_IN_ADDRESS_LIMIT"],
    scope="sign-in-codes-sent",
    methods=["POST"],
    exempt_when=from_office_network,
    deduct_when=_code_sent,
)


@bp.get("/")
def choose_account():
    if current_citizen() is not None:
        return redirect(session.pop("next", None) or url_for("citizen.home"))
    return render_template(
        "auth/choose.html",
        passkeys_available=_offer_passkey_sign_in(),
        vneid_available=vneid_client() is not None,
    )


def _offer_passkey_sign_in() -> bool:
    if not passkeys.available():
        return False
    # Set while rendering, so the passkey requests this page makes never
    # write the session cookie at the same time as the phone form does.
    browser_key()
    return True


@bp.route("/so-dien-thoai", methods=["GET", "POST"])
@codes_per_address
def phone():
    form = PhoneForm()
    if form.validate_on_submit():
        try:
            e164 = normalize_vn_mobile(form.phone.data)
            handed = otp.issue_code(e164, "sign_in")
            g.sms_code_sent = True
        except RuleError as error:
            form.phone.errors.append(error.message)
        except otp.OtpError as error:
            if error.code != "too_soon":
                form.phone.errors.append(error.message)
            else:  # the code sent a moment ago still works: say so, send none
                session["otp_phone"] = e164
                session["otp_notice"] = error.message
                return redirect(url_for("auth.code"))
        else:
            session["otp_phone"] = e164
            if handed == "sent":
                session["otp_notice"] = _sent_notice(e164)
            return redirect(url_for("auth.code"))
    return render_template(
        "auth/phone.html", form=form, passkeys_available=_offer_passkey_sign_in()
    )


def _sent_notice(phone: str) -> str:
    return f"Đã gửi mã đến số {mask_phone(phone)} lúc {vn_clock(utcnow())}."


def _code_status(phone: str, state=None) -> str:
    """What is true of the phone's latest code now, for a page opened again."""
    state = state or otp.code_state(phone, "sign_in")
    if state.sms == "sending" and state.usable:
        # Not "đã gửi" while the SMS may still be on its way to the gateway.
        return (
            f"Đang gửi mã đến số {mask_phone(phone)}… Tin nhắn thường đến trong vài giây; "
            "trang này sẽ báo khi đã gửi."
        )
    if state.sms == "failed":
        return (
            f"Chưa gửi được mã đến số {mask_phone(phone)}. Hãy kiểm tra số điện thoại "
            "rồi bấm “Gửi lại mã”."
        )
    if state.usable:
        return (
            f"Mã gửi đến số {mask_phone(phone)} lúc {vn_clock(state.sent_at)}, "
            f"dùng được đến {vn_clock(state.expires_at)}."
        )
    if state.sent_at is None:
        return "Chưa có mã nào được gửi đến số này. Hãy bấm “Gửi lại mã”."
    return (
        "Mã trước không còn dùng được (đã dùng, hết hạn hoặc nhập sai quá số lần). "
        "Hãy bấm “Gửi lại mã” để nhận mã mới."
    )


@bp.route("/nhap-ma", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SIGN_IN_GUESS_ADDRESS_LIMIT"],
    methods=["POST"],
    exempt_when=from_office_network,
    deduct_when=_wrong_code,
)
def code():
    phone = session.get("otp_phone")
    if not phone:
        return redirect(url_for("auth.phone"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            otp.verify_code(phone, "sign_in", form.code.data)
        except otp.OtpError as error:
            form.code.errors.append(error.message)
        else:
            citizen = db.session.scalars(select(Citizen).where(Citizen.phone == phone)).first()
            if citizen is None:
                citizen = Citizen(phone=phone)
                db.session.add(citizen)
            citizen.last_sign_in_at = utcnow()
            db.session.commit()
            session.pop("otp_phone", None)
            sign_in(citizen)
            if passkeys.available() and not passkeys.has_passkey(citizen):
                return redirect(url_for("account.passkey_offer"))  # keeps "next"
            return redirect(session.pop("next", None) or url_for("citizen.home"))
    state = otp.code_state(phone, "sign_in")
    return render_template(
        "auth/code.html",
        form=form,
        resend_form=EmptyForm(),
        sending=state.sms == "sending" and state.usable,
        notice=session.pop("otp_notice", None) or _code_status(phone, state),
        masked_phone=mask_phone(phone),
        resend_after=otp.seconds_until_resend(phone, "sign_in"),
        ttl_minutes=current_app.config["OTP_TTL_SECONDS"] // 60,
    )


@bp.post("/gui-lai-ma")
@codes_per_address
def resend():
    phone = session.get("otp_phone")
    form = EmptyForm()
    if not phone or not form.validate_on_submit():
        return redirect(url_for("auth.phone"))
    try:
        handed = otp.issue_code(phone, "sign_in")
    except otp.OtpError as error:
        session["otp_notice"] = error.message
    else:
        g.sms_code_sent = True
        if handed == "sent":
            session["otp_notice"] = _sent_notice(phone) + " Mã cũ không còn dùng được."
    return redirect(url_for("auth.code"))


@bp.get("/nhap-ma/trang-thai")
def code_progress():
    """The code page asks this while its SMS is on the way (static/js/code-progress.js)."""
    phone = session.get("otp_phone")
    if not phone:
        return error_response(404, "no_phone", "Hãy nhập lại số điện thoại để nhận mã.")
    state = otp.code_state(phone, "sign_in")
    return jsonify(
        sending=state.sms == "sending" and state.usable,
        message=_code_status(phone, state),
    )


@bp.post("/dang-xuat")
def sign_out():
    response = redirect(url_for("citizen.home"))
    if EmptyForm().validate_on_submit():
        at_vneid = session.get("vneid", False)
        end_session()  # the server-side session too: a copy of the cookie is dead
        # A shared phone: the browser's HTTP cache may still hold this
        # citizen's photos (served with max-age before they were no-store).
        # Not "storage": that would also remove the service worker and the
        # offline app; static/js/leave.js empties what the app keeps itself.
        response.headers["Clear-Site-Data"] = '"cache"'
        response.delete_cookie(helping.COOKIE)  # and the "giúp người dân" mode
        if at_vneid:  # and at the identity provider (RP-initiated logout)
            from blueprints.vneid import logout_response

            response = logout_response(response)
    return response
