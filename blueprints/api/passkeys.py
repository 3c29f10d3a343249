"""Passkeys over the JSON API: create one, sign in with one, confirm a submission.

The sign-in is rate limited per IP (failed answers count; a busy commune
office behind one address signing in all morning does not). Every POST
needs the CSRF header like the rest of the API.
"""

from flask import current_app, flash, jsonify, session, url_for

from blueprints.api import bp
from blueprints.api.common import ApiError, citizen_api, json_body
from blueprints.api.dossiers import checked_draft
from blueprints.api.spec import (
    CREATION_OPTIONS,
    PASSKEY,
    PASSKEY_NEW,
    PASSKEY_SIGN_IN,
    REQUEST_OPTIONS,
    SIGNED_IN,
    documented,
)
from extensions import citizen_or_ip, db, limiter
from models import Citizen, Passkey
from models.base import utcnow
from services.identity import passkeys
from services.identity.auth import sign_in
from services.identity.passkeys import FIRST_SIGN_IN as FIRST_PASSKEY_SIGN_IN


def passkey_json(passkey: Passkey) -> dict:
    return {
        "id": passkey.id,
        "name": passkey.name,
        "created_at": passkey.created_at.isoformat() + "Z",
        "last_used_at": passkey.last_used_at.isoformat() + "Z" if passkey.last_used_at else None,
        "backed_up": passkey.backed_up,
    }


def refusal(error: passkeys.PasskeyError) -> ApiError:
    return ApiError(error.status, error.code, error.message)


@bp.post("/passkeys/registration-options")
@limiter.limit("20/hour", key_func=citizen_or_ip)
@citizen_api
@documented(
    "post",
    "/passkeys/registration-options",
    "Tạo khóa đăng nhập (passkey): thông số cho navigator.credentials.create()",
    {200: CREATION_OPTIONS, 409: None},
)
def registration_options(citizen):
    try:
        return jsonify(passkeys.registration_options(citizen))
    except passkeys.PasskeyError as error:
        raise refusal(error) from None


@bp.post("/passkeys")
@limiter.limit("20/hour", key_func=citizen_or_ip)
@citizen_api
@documented(
    "post",
    "/passkeys",
    "Lưu khóa đăng nhập vừa tạo trên thiết bị",
    {201: PASSKEY, 409: None},
    request=PASSKEY_NEW,
)
def create_passkey(citizen):
    body = json_body(PASSKEY_NEW)
    try:
        passkey = passkeys.register(citizen, body["credential"], body.get("name", ""))
    except passkeys.PasskeyError as error:
        raise refusal(error) from None
    return jsonify(passkey_json(passkey)), 201


@bp.get("/passkeys")
@citizen_api
@documented(
    "get",
    "/passkeys",
    "Các khóa đăng nhập của tôi",
    {
        200: {
            "type": "object",
            "required": ["passkeys"],
            "properties": {"passkeys": {"type": "array", "items": PASSKEY}},
        }
    },
)
def my_passkeys(citizen):
    return jsonify({"passkeys": [passkey_json(p) for p in passkeys.passkeys_of(citizen)]})


@bp.post("/passkeys/sign-in-options")
@limiter.limit("120/hour")
@documented(
    "post",
    "/passkeys/sign-in-options",
    "Đăng nhập bằng khóa đăng nhập: thông số cho navigator.credentials.get()",
    {200: REQUEST_OPTIONS, 409: None},
)
def sign_in_options():
    try:
        return jsonify(passkeys.sign_in_options())
    except passkeys.PasskeyError as error:
        raise refusal(error) from None


def _refused(response) -> bool:
    return response.status_code != 200


@bp.post("/passkeys/sign-in")
@limiter.limit(lambda: current_app.config["PASSKEY_SIGN_IN_LIMIT"], deduct_when=_refused)
@limiter.limit("10/minute")
@documented(
    "post",
    "/passkeys/sign-in",
    "Đăng nhập bằng khóa đăng nhập (không cần mã SMS)",
    {200: SIGNED_IN, 409: None},
    request=PASSKEY_SIGN_IN,
)
def passkey_sign_in():
    body = json_body(PASSKEY_SIGN_IN)
    try:
        passkey = passkeys.verify_assertion(body["credential"], "sign_in", commit=False)
    except passkeys.PasskeyError as error:
        raise refusal(error) from None
    citizen = db.session.get(Citizen, passkey.citizen_id)
    citizen.last_sign_in_at = utcnow()
    first = passkey.first_sign_in_at is None
    if first:
        passkey.first_sign_in_at = citizen.last_sign_in_at
    db.session.commit()
    sign_in(citizen)
    if first:  # shown once, on the page the citizen goes to (templates/_passkey_notice.html)
        flash("synced" if passkey.backed_up else "device", FIRST_PASSKEY_SIGN_IN)
    return jsonify({"next": session.pop("next", None) or url_for("citizen.home")})


@bp.post("/drafts/<draft_id>/passkey-challenge")
@limiter.limit("30/hour", key_func=citizen_or_ip)
@citizen_api
@documented(
    "post",
    "/drafts/{draft_id}/passkey-challenge",
    "Xác nhận nộp hồ sơ bằng khóa đăng nhập thay cho mã SMS: thông số cho "
    "navigator.credentials.get(), chỉ dùng được cho bản nháp này",
    {200: REQUEST_OPTIONS, 409: None, 422: None},
)
def passkey_challenge(citizen, draft_id: str):
    draft = checked_draft(citizen, draft_id)
    if draft.dossier_id is not None:
        raise ApiError(409, "already_submitted", "Hồ sơ này đã được nộp.")
    try:
        return jsonify(passkeys.confirmation_options(citizen, "submit", draft.id))
    except passkeys.PasskeyError as error:
        raise refusal(error) from None
