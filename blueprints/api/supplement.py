"""Photos the citizen adds to a dossier when asked for a supplement."""

import re

from flask import jsonify, request
from sqlalchemy import select

from blueprints.api import bp
from blueprints.api.common import ApiError, citizen_api, not_found
from blueprints.api.spec import UPLOAD, documented
from blueprints.api.uploads import body_first, photo_bytes, photo_errors
from extensions import citizen_or_ip, db, limiter
from models import Dossier
from services.dossiers import drafts, supplement
from services.photos import uploads

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


def _own_dossier(citizen, code: str, lock: bool = False) -> Dossier:
    query = select(Dossier).where(Dossier.code == code.upper())
    dossier = db.session.scalars(query.with_for_update() if lock else query).first()
    if dossier is None or dossier.citizen_id != citizen.id:
        raise not_found()
    return dossier


def _problem(problem: supplement.Problem) -> ApiError:
    return ApiError(problem.status, problem.code, problem.message)


@bp.post("/dossiers/<code>/uploads")
@limiter.limit("60/hour", key_func=citizen_or_ip)
@body_first
@citizen_api
@documented(
    "post",
    "/dossiers/{code}/uploads",
    "Bổ sung một trang ảnh giấy tờ cho hồ sơ đang được yêu cầu bổ sung",
    {200: UPLOAD, 201: UPLOAD, 409: None, 422: None, 503: None, 507: None},
    request=SUPPLEMENT_UPLOAD,
    request_media="multipart/form-data",
)
def add_supplement_photo(citizen, code: str):
    citizen_id = citizen.id
    attachment_id = request.form.get("attachment_id", "")
    client_id = request.form.get("client_id", "")

    def check(locked: bool):
        # Locked: the dossier's row (FOR UPDATE on PostgreSQL) keeps two sends
        # of one page, and the page count, in order; an officer's action on it
        # meanwhile (the request closed) is seen here too.
        dossier = _own_dossier(citizen, code, lock=locked)
        if not CLIENT_ID.match(client_id):  # after the 404 to anyone else
            raise ApiError(400, "bad_client_id", "Thiếu mã ảnh. Hãy tải lại trang rồi thử lại.")
        try:
            return supplement.check_photo(dossier, attachment_id, client_id)
        except supplement.Problem as problem:
            raise _problem(problem) from None

    def insert(image, key: str):
        dossier = _own_dossier(citizen, code, lock=True)
        return supplement.add_photo(dossier, citizen_id, attachment_id, client_id, image, key)

    with photo_errors():
        upload, created = uploads.take_photo(photo_bytes, check, insert)
    return jsonify(drafts.upload_json(upload)), 201 if created else 200


@bp.delete("/dossiers/<code>/uploads/<upload_id>")
@citizen_api
@documented(
    "delete",
    "/dossiers/{code}/uploads/{upload_id}",
    "Xóa một trang ảnh vừa bổ sung (ảnh đã nộp cùng hồ sơ không xóa được)",
    {204: None, 409: None},
)
def remove_supplement_photo(citizen, code: str, upload_id: str):
    dossier = _own_dossier(citizen, code)
    try:
        supplement.remove_photo(dossier, upload_id)
    except supplement.Problem as problem:
        raise _problem(problem) from None
    return "", 204
