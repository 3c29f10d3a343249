"""Sign-in with the national e-ID (VNeID) over OpenID Connect, and linking it
to a phone account.

The protocol is Authlib's (services/identity/vneid/client.py); what the
identity vouches for is kept by services/identity/vneid/accounts.py. Every
way the provider can fail ends on one Vietnamese page that says what to do
(the phone sign-in is always the fallback) and one log line naming the
failure, never the person.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from joserfc.errors import JoseError

from domain import vneid as rules
from extensions import limiter
from services.database import writes
from services.identity.auth import citizen_required, current_citizen, sign_in
from services.identity.vneid import accounts
from services.identity.vneid.client import client

LOGGER = logging.getLogger(__name__)
bp = Blueprint("vneid", __name__, url_prefix="/dang-nhap/vneid")
INTENT_KEY = "vneid_intent"  # "link" while a phone account links its e-ID
SIGNED_IN_KEY = "vneid"  # this session began at VNeID: sign out there too

TROUBLE = {
    "down": (
        "Chưa kết nối được VNeID",
        "Hệ thống định danh điện tử đang không trả lời. Hãy thử lại sau ít phút, "
        "hoặc đăng nhập bằng số điện thoại ngay bây giờ.",
    ),
    "slow": (
        "VNeID trả lời quá chậm",
        "Hệ thống định danh điện tử trả lời quá chậm nên việc đăng nhập đã dừng. "
        "Hãy thử lại sau ít phút, hoặc đăng nhập bằng số điện thoại.",
    ),
    "provider_error": (
        "VNeID báo lỗi",
        "Hệ thống định danh điện tử báo lỗi khi đăng nhập. Hãy thử lại, "
        "hoặc đăng nhập bằng số điện thoại.",
    ),
    "cancelled": (
        "Bạn đã dừng đăng nhập VNeID",
        "Việc đăng nhập bằng VNeID đã bị hủy. Hãy bắt đầu lại, hoặc đăng nhập bằng số điện thoại.",
    ),
    "stale": (
        "Liên kết đăng nhập đã hết hạn hoặc đã dùng",
        "Lượt đăng nhập này đã hết hạn, đã được dùng, hoặc không bắt đầu từ trình duyệt này. "
        "Hãy bắt đầu đăng nhập lại từ đầu, hoặc đăng nhập bằng số điện thoại.",
    ),
    "bad_token": (
        "Không xác minh được thông tin từ VNeID",
        "Thông tin đăng nhập nhận về không kiểm tra được nên không được dùng. "
        "Hãy bắt đầu đăng nhập lại, hoặc đăng nhập bằng số điện thoại.",
    ),
    "claims": (
        "VNeID chưa gửi đủ thông tin",
        "Tài khoản VNeID chưa cho biết số định danh cá nhân hoặc họ tên, nên chưa đăng nhập "
        "được. Hãy đăng nhập bằng số điện thoại.",
    ),
    "level": ("Tài khoản định danh mức 1", rules.LEVEL_1_REFUSED + "."),
}


class Trouble(Exception):
    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind, self.detail = kind, detail


class EmptyForm(FlaskForm):
    pass


def _trouble_page(kind: str, detail: str, status: int = 502):
    # The kind and the library's error class: no claim, code or state value.
    LOGGER.warning("VNeID sign-in failed: %s (%s)", kind, detail)
    title, message = TROUBLE[kind]
    status = (
        403 if kind in ("level", "claims") else 400 if kind in ("stale", "cancelled") else status
    )
    page = render_template("auth/vneid_trouble.html", title=title, message=message, kind=kind)
    return page, status


def _network(error: Exception) -> Trouble:
    if isinstance(error, requests.Timeout):
        return Trouble("slow", type(error).__name__)
    if isinstance(error, requests.ConnectionError):
        return Trouble("down", type(error).__name__)
    if isinstance(error, requests.HTTPError):
        return Trouble("provider_error", f"HTTP {error.response.status_code}")
    return Trouble("provider_error", type(error).__name__)


def _start_limit():
    return current_app.config["VNEID_START_LIMIT"]


@bp.get("")
def choose():
    if client() is None:
        return render_template("auth/vneid.html", available=False)
    return render_template("auth/vneid.html", available=True)


def _own_url(endpoint: str) -> str:
    """The address the provider sends the citizen back to, as registered with
    it: from PUBLIC_BASE_URL when set, so an https proxy in front (or a Host
    header the client chose) cannot make it differ from the registered one."""
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    if base:
        return base.rstrip("/") + url_for(endpoint)
    return url_for(endpoint, _external=True)


def _redirect_to_provider():
    try:
        # acr_values asks for the filing level; the ID token then says the
        # level the account really has (a level-1 account answers "1").
        return client().authorize_redirect(
            _own_url("vneid.callback"),
            acr_values=" ".join(current_app.config["VNEID_FILING_LEVELS"]),
        )
    except requests.RequestException as error:
        trouble = _network(error)
        return _trouble_page(trouble.kind, f"discovery: {trouble.detail}")


@bp.get("/bat-dau")
@limiter.limit(_start_limit)
def start():
    if client() is None:
        return redirect(url_for("vneid.choose"))
    session.pop(INTENT_KEY, None)
    return _redirect_to_provider()


@bp.post("/lien-ket")
@citizen_required
@limiter.limit(_start_limit)
def start_link():
    if client() is None or not EmptyForm().validate_on_submit():
        return redirect(url_for("citizen.my_dossiers"))
    session[INTENT_KEY] = "link"
    return _redirect_to_provider()


def _checked_claims():
    """The ID token's claims, checked by Authlib, or Trouble."""
    if request.args.get("error"):
        kind = "cancelled" if request.args["error"] == "access_denied" else "provider_error"
        raise Trouble(kind, f"authorization error {request.args['error'][:40]}")
    try:
        token = client().authorize_access_token()
    except MismatchingStateError:
        reason = "no state" if not request.args.get("state") else "state unknown or used"
        raise Trouble("stale", reason) from None
    except OAuthError as error:
        # invalid_grant: a code used twice (a replayed callback) or expired.
        kind = "stale" if error.error == "invalid_grant" else "provider_error"
        raise Trouble(kind, f"token endpoint {str(error.error)[:40]}") from None
    except requests.RequestException as error:
        raise _network(error) from None
    except (JoseError, ValueError) as error:
        raise Trouble("bad_token", type(error).__name__) from None
    claims = token.get("userinfo")
    if not claims:
        raise Trouble("bad_token", "no id_token")
    return claims


@bp.get("/ve")
@writes
def callback():
    if client() is None:
        return redirect(url_for("vneid.choose"))
    intent = session.pop(INTENT_KEY, None)
    config = current_app.config
    try:
        claims = _checked_claims()
        vouched = rules.read_claims(claims, config["VNEID_ID_CLAIM"], config["VNEID_LEVEL_CLAIM"])
    except Trouble as trouble:
        return _trouble_page(trouble.kind, trouble.detail)
    except rules.ClaimsProblem as problem:
        return _trouble_page("claims", str(problem))
    if not rules.may_file(vouched.level, config["VNEID_FILING_LEVELS"]):
        return _trouble_page("level", f"level {vouched.level[:16]!r} may not file")
    when = claims.get("auth_time") or claims.get("iat")
    vouched_at = datetime.fromtimestamp(int(when), UTC).replace(tzinfo=None)
    if intent == "link":
        return _finish_link(vouched, vouched_at)
    citizen = accounts.citizen_for(vouched, vouched_at)
    sign_in(citizen)  # commits the identity with the new session
    session[SIGNED_IN_KEY] = True
    LOGGER.info("VNeID sign-in: citizen %s", citizen.id)
    return redirect(session.pop("next", None) or url_for("citizen.home"))


def _finish_link(vouched, vouched_at):
    from extensions import db

    citizen = current_citizen()
    if citizen is None:
        return _trouble_page("stale", "link without a phone session")
    try:
        accounts.link(citizen, vouched, vouched_at)
    except accounts.LinkRefused as refused:
        db.session.rollback()
        LOGGER.warning("VNeID link refused for citizen %s", citizen.id)
        page = render_template(
            "auth/vneid_trouble.html",
            title="Chưa liên kết được",
            message=refused.message,
            kind="link",
        )
        return page, 409
    db.session.commit()
    LOGGER.info("VNeID linked to citizen %s", citizen.id)
    session["vneid_notice"] = (
        "Đã liên kết tài khoản VNeID. Hồ sơ của hai tài khoản nay ở cùng một danh sách."
    )
    return redirect(url_for("citizen.my_dossiers"))


def logout_response(response):
    """After the local sign-out: sign out at the provider too when it offers
    RP-initiated logout (end_session_endpoint); otherwise `response`."""
    vneid = client()
    if vneid is None:
        return response
    try:
        metadata = vneid.load_server_metadata()
    except requests.RequestException as error:
        LOGGER.warning("VNeID logout skipped: %s", type(error).__name__)
        return response
    if not metadata.get("end_session_endpoint"):
        return response
    provider = vneid.logout_redirect(
        post_logout_redirect_uri=_own_url("vneid.logged_out"),
        client_id=current_app.config["VNEID_CLIENT_ID"],
    )
    provider.headers.update({k: v for k, v in response.headers.items() if k == "Clear-Site-Data"})
    return provider


@bp.get("/da-dang-xuat")
def logged_out():
    vneid = client()
    if vneid is not None:
        try:
            vneid.validate_logout_response()
        except OAuthError:
            LOGGER.info("VNeID logout return without a known state")
    return redirect(url_for("citizen.home"))
