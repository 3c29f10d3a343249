from flask import current_app, jsonify, make_response, request, url_for
from sqlalchemy import select

from blueprints.api import bp
from blueprints.api.common import ApiError, citizen_api, json_body, not_found, rate_limited
from blueprints.api.spec import (
    CONFIRMATION_SENT,
    DOSSIER_CREATED,
    DOSSIER_STATUS,
    STATUS_LOOKUP,
    SUBMIT,
    documented,
)
from domain import helping
from domain.clock import today_vn
from domain.phones import mask_phone
from extensions import citizen_or_ip, csrf, db, limiter
from models import Dossier
from services import metrics
from services.database import reads_only
from services.dossiers import drafts, tracking
from services.dossiers.submission import (
    SubmitProblem,
    check_draft,
    create_dossier,
    existing_dossier,
)
from services.dossiers.tracking import status_json
from services.identity import otp, passkeys
from services.web import note_retry_after, sessionless


def checked_draft(citizen, draft_id: str):
    draft = drafts.citizen_draft(citizen.id, draft_id)
    if draft is None:
        raise not_found("bản nháp hồ sơ")
    return refuse_unless_ready(draft)


def refuse_unless_ready(draft, uploads=None, visibility=None):
    """422 with what to fix, unless the draft may be submitted as it is.
    `uploads`: its photos if already read (anything with ``attachment_id``).
    `visibility`: filled with which fields apply, for create_dossier."""
    if uploads is None:
        uploads = drafts.draft_uploads(draft)
    result = check_draft(draft, uploads, today_vn(), refusals_only=True, visibility=visibility)
    if not result["ok"]:
        message = (
            result["selection_error"]
            or (
                result["missing_attachments"]
                and "Còn thiếu ảnh giấy tờ: "
                + ", ".join(a["title"] for a in result["missing_attachments"])
                + "."
            )
            or "Một số thông tin chưa đúng. Hãy sửa các mục được đánh dấu."
        )
        raise ApiError(422, "incomplete", message, result["fields"] or None)
    return draft


def _bring_up_to_date(draft, body: dict, photos: list) -> None:
    """Apply the device's answers, and refuse while any of its photos is missing.

    A dossier queued offline carries what the device holds, so the server
    files exactly that, never an older copy, and never without a photo.
    """
    answers = body.get("answers")
    if answers is not None:
        unknown = drafts.unknown_keys(answers)
        if unknown:
            raise ApiError(400, "unknown_field", f"Trường không có trong biểu mẫu: {unknown[0]}.")
        drafts.merge_answers(draft, answers, body.get("edited_at", {}))
        drafts.touch(draft)
    if body.get("photos") is not None:
        held = {p.client_id for p in photos}
        missing = [p for p in body["photos"] if p not in held]
        if missing:
            raise ApiError(
                409,
                "missing_photos",
                f"Máy chủ chưa nhận đủ ảnh (còn thiếu {len(missing)} ảnh). Ảnh sẽ được gửi tiếp.",
                missing=missing,
            )


def _otp_error(error: otp.OtpError) -> ApiError:
    if error.retry_after is not None:  # the message says the same wait
        seconds = note_retry_after(error.retry_after)
        return ApiError(
            429, f"code_{error.code}", error.message, headers={"Retry-After": str(seconds)}
        )
    return ApiError(400, f"code_{error.code}", error.message)


@bp.post("/drafts/<draft_id>/confirmation-code")
@limiter.limit("10/hour", key_func=citizen_or_ip)
@citizen_api
@documented(
    "post",
    "/drafts/{draft_id}/confirmation-code",
    "Gửi mã xác nhận nộp hồ sơ qua SMS",
    {200: CONFIRMATION_SENT, 409: None, 422: None},
)
def send_confirmation_code(citizen, draft_id: str):
    draft = checked_draft(citizen, draft_id)
    if draft.dossier_id is not None:
        raise ApiError(409, "already_submitted", "Hồ sơ này đã được nộp.")
    phone = citizen.contact_phone
    if phone is None:
        raise ApiError(
            409,
            "no_phone",
            "Tài khoản VNeID của bạn chưa có số điện thoại để nhận mã. Hãy xác nhận bằng khóa "
            "đăng nhập, hoặc đăng nhập bằng số điện thoại rồi liên kết VNeID.",
        )
    try:
        handed = otp.issue_code(phone, "submit", draft.id)
    except otp.OtpError as error:
        raise _otp_error(error) from None
    return jsonify(
        {
            "sent_to": mask_phone(phone),
            "resend_after": current_app.config["OTP_RESEND_SECONDS"],
            "sending": handed != "sent",
        }
    )


def _created(dossier: Dossier, replayed: bool):
    body = {
        "code": dossier.code,
        "url": url_for("citizen.dossier_page", code=dossier.code),
        "due_date": dossier.due_date.isoformat(),
        "replayed": replayed,
    }
    return jsonify(body), 200 if replayed else 201


@bp.post("/dossiers")
@limiter.limit("30/hour", key_func=citizen_or_ip)
@citizen_api
@documented(
    "post",
    "/dossiers",
    "Nộp hồ sơ (lặp lại cùng idempotency_key trả về cùng hồ sơ)",
    {200: DOSSIER_CREATED, 201: DOSSIER_CREATED, 409: None, 422: None},
    request=SUBMIT,
)
def submit(citizen, **_):
    """One transaction from the first read to the new dossier.

    Retries race each other (the page and the service worker replay the same
    outbox entry): the draft row is locked first (SQLite runs every
    transaction as BEGIN IMMEDIATE; PostgreSQL takes FOR UPDATE), and the
    code (or the passkey's challenge) is marked used in the same commit that
    makes the dossier, so the loser of the race sees the winner's dossier
    instead of a spent code.
    """
    body = json_body(SUBMIT)
    draft = drafts.citizen_draft(citizen.id, body["draft_id"], lock=True)
    dossier = existing_dossier(citizen.id, body["idempotency_key"])
    if dossier is not None:
        return _created(dossier, replayed=True)
    if draft is None:
        raise not_found("bản nháp hồ sơ")
    if draft.dossier_id is not None:
        return _created(db.session.get(Dossier, draft.dossier_id), replayed=True)
    photos = drafts.draft_photo_keys(draft.id)  # read once, for both checks
    visibility: dict = {}  # which fields apply: found by the check, used by the cleaning
    try:
        _bring_up_to_date(draft, body, photos)
        refuse_unless_ready(draft, photos, visibility)
    except ApiError:
        db.session.commit()  # keep the device's answers even when refusing
        raise
    with_passkey = "passkey_assertion" in body
    try:
        if with_passkey:
            passkeys.verify_assertion(
                body["passkey_assertion"], "submit", citizen, draft.id, commit=False
            )
        else:
            phone = citizen.contact_phone or ""
            otp.verify_code(phone, "submit", body["confirmation_code"], draft.id, commit=False)
    except otp.OtpError as error:
        raise _otp_error(error) from None
    except passkeys.PasskeyError as error:
        raise ApiError(error.status, error.code, error.message) from None
    try:
        # A passkey citizen signs in without SMS and finds the dossier in
        # "Hồ sơ của tôi"; the receipt by SMS is for those who use codes. It
        # goes through the outbox: committed with the dossier, sent with
        # retries, and a slow SMS gateway never holds up the answer.
        dossier = create_dossier(
            citizen.id,
            draft,
            body["idempotency_key"],
            receipt_sms=not with_passkey,
            confirmed_with="passkey" if with_passkey else "sms",
            helped_by=helping.role_of(request.cookies.get(helping.COOKIE)),
            visibility=visibility,
        )
    except SubmitProblem as problem:
        raise ApiError(422, problem.code, problem.message) from None
    metrics.SUBMITS.inc()
    response = _created(dossier, replayed=False)
    # The mode ends with the dossier it helped with.
    if helping.COOKIE in request.cookies:
        response = make_response(response)
        response.delete_cookie(helping.COOKIE)
    return response


@bp.get("/dossiers")
@citizen_api
@documented(
    "get",
    "/dossiers",
    "Các hồ sơ của tôi",
    {
        200: {
            "type": "object",
            "properties": {"dossiers": {"type": "array", "items": DOSSIER_STATUS}},
        }
    },
)
def my_dossiers(citizen):
    rows = db.session.scalars(
        select(Dossier).where(Dossier.citizen_id == citizen.id).order_by(Dossier.id.desc())
    )
    return jsonify({"dossiers": [status_json(d) for d in rows]})


@bp.get("/dossiers/<code>")
@citizen_api
@documented("get", "/dossiers/{code}", "Một hồ sơ của tôi", {200: DOSSIER_STATUS})
def my_dossier(citizen, code: str):
    dossier = db.session.scalars(select(Dossier).where(Dossier.code == code.upper())).first()
    if dossier is None or dossier.citizen_id != citizen.id:
        raise not_found()
    return jsonify(status_json(dossier))


@bp.post("/status")
@reads_only
# No CSRF token and no session: the lookup changes nothing, and the code with
# the phone's digits is what proves the right to read.
@sessionless
@csrf.exempt
@documented(
    "post",
    "/status",
    "Tra cứu tình trạng hồ sơ bằng mã hồ sơ và 4 số cuối điện thoại",
    {200: DOSSIER_STATUS},
    request=STATUS_LOOKUP,
)
def status_lookup():
    body = json_body(STATUS_LOOKUP)
    try:
        info = tracking.lookup_status_json(body["code"], body["phone_last4"])
    except tracking.LookupRefused as refusal:
        if refusal.status == 429:
            raise rate_limited(refusal.retry_after, refusal.message, refusal.code) from None
        raise ApiError(refusal.status, refusal.code, refusal.message) from None
    if info is None:
        raise ApiError(
            404,
            "not_found",
            "Không tìm thấy hồ sơ với mã và 4 số cuối điện thoại này. "
            "Hãy kiểm tra lại mã hồ sơ trong tin nhắn và số điện thoại đã dùng khi nộp.",
        )
    return current_app.response_class(info, mimetype="application/json")
