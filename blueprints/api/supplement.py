"""Photos the citizen adds to a dossier when asked for a supplement."""

import re

from flask import current_app, jsonify, request
from sqlalchemy import select

from blueprints.api import bp
from blueprints.api.common import ApiError, citizen_api, not_found
from blueprints.api.spec import UPLOAD, documented
from extensions import citizen_or_ip, db, limiter
from models import Dossier
from services import drafts, supplement
from services.images import ImageRejected

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
SUPPLEMENT_UPLOAD = {
    "type": "object",
    "required": ["attachment_id", "client_id", "file"],
    "properties": {
        "attachment_id": {"type": "string"},
        "client_id": {"type": "string", "description": "Chosen by the device; a retry reuses it"},
        "file": {"type": "string", "contentMediaType": "image/jpeg"},
    },
}


def _own_dossier(citizen, code: str) -> Dossier:
    dossier = db.session.scalars(select(Dossier).where(Dossier.code == code.upper())).first()
    if dossier is None or dossier.citizen_id != citizen.id:
        raise not_found()
    return dossier


def _problem(problem: supplement.Problem) -> ApiError:
    return ApiError(problem.status, problem.code, problem.message)


@bp.post("/dossiers/<code>/uploads")
@limiter.limit("60/hour", key_func=citizen_or_ip)
@citizen_api
@documented(
    "post",
    "/dossiers/{code}/uploads",
    "Bổ sung một trang ảnh giấy tờ cho hồ sơ đang được yêu cầu bổ sung",
    {200: UPLOAD, 201: UPLOAD, 409: None, 422: None},
    request=SUPPLEMENT_UPLOAD,
    request_media="multipart/form-data",
)
def add_supplement_photo(citizen, code: str):
    dossier = _own_dossier(citizen, code)
    client_id = request.form.get("client_id", "")
    if not CLIENT_ID.match(client_id):
        raise ApiError(400, "bad_client_id", "Thiếu mã ảnh. Hãy tải lại trang rồi thử lại.")
    file = request.files.get("file")
    if file is None:
        raise ApiError(400, "no_file", "Chưa có ảnh. Hãy chụp ảnh giấy tờ rồi thử lại.")
    try:
        upload, created = supplement.add_photo(
            dossier,
            citizen.id,
            request.form.get("attachment_id", ""),
            client_id,
            file.read(current_app.config["MAX_UPLOAD_BYTES"] + 1),
            current_app.config,
        )
    except supplement.Problem as problem:
        raise _problem(problem) from None
    except ImageRejected as rejected:
        status = 413 if rejected.code == "too_large" else 422
        raise ApiError(status, f"image_{rejected.code}", rejected.message) from None
    return jsonify(drafts.upload_json(upload)), 201 if created else 200


@bp.delete("/dossiers/<code>/uploads/<upload_id>")
@citizen_api
@documented(
    "delete",
    "/dossiers/{code}/uploads/{upload_id}",
    "Xoá một trang ảnh vừa bổ sung (ảnh đã nộp cùng hồ sơ không xoá được)",
    {204: None, 409: None},
)
def remove_supplement_photo(citizen, code: str, upload_id: str):
    dossier = _own_dossier(citizen, code)
    try:
        supplement.remove_photo(dossier, upload_id)
    except supplement.Problem as problem:
        raise _problem(problem) from None
    return "", 204
