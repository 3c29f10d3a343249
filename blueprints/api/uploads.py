import re
from contextlib import contextmanager
from functools import wraps

from flask import current_app, jsonify, request
from sqlalchemy import func, select

from blueprints.api import bp
from blueprints.api.common import ApiError, citizen_api, not_found
from blueprints.api.drafts import editable_draft
from blueprints.api.spec import UPLOAD, documented
from domain.catalog import CATALOG
from extensions import citizen_or_ip, db, limiter
from models import Upload
from services.dossiers import drafts
from services.input import form_int
from services.photos import decode_pool, storage, uploads
from services.photos.images import ImageRejected

UPLOAD_FORM = {
    "type": "object",
    "required": ["attachment_id", "client_id", "file"],
    "properties": {
        "attachment_id": {"type": "string"},
        "client_id": {"type": "string", "description": "Chosen by the device; a retry reuses it"},
        "position": {"type": "integer"},
        "file": {"type": "string", "contentMediaType": "image/jpeg"},
    },
}
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _attachment(attachment_id: str) -> dict | None:
    for procedure in CATALOG["procedures"].values():
        for attachment in procedure["attachments"]:
            if attachment["id"] == attachment_id:
                return attachment
    return None


def not_in_this_dossier(attachment_id: str) -> ApiError:
    known = _attachment(attachment_id)
    if known is None:
        return ApiError(400, "unknown_attachment", "Loại giấy tờ không có trong hồ sơ.")
    # The phone retries this one (static/js/sync.js): its answers may reach the
    # server just after the photo.
    return ApiError(
        422,
        "attachment_not_in_draft",
        f"Hồ sơ này không cần “{known['title']}” với các thủ tục và câu trả lời đã chọn. "
        "Hãy kiểm tra lại thủ tục và câu trả lời, rồi chụp đúng giấy tờ được yêu cầu.",
    )


def body_first(view):
    """Read the photo's body before the sign-in opens a transaction: a phone on
    3G takes minutes to send it, and nothing may wait on that."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        request.files  # noqa: B018  (parses the multipart body)
        return view(*args, **kwargs)

    return wrapper


@contextmanager
def photo_errors():
    """Every refusal of the photo pipeline as the API's 4xx/5xx with a message."""
    try:
        yield
    except ImageRejected as rejected:
        status = 413 if rejected.code == "too_large" else 422
        raise ApiError(status, f"image_{rejected.code}", rejected.message) from None
    except (uploads.DecoderBusy, decode_pool.DecoderLost):
        raise ApiError(
            503,
            "busy",
            "Máy chủ đang bận xử lý ảnh khác. Ảnh vẫn được giữ trên máy, hãy thử lại sau ít giây.",
            headers={"Retry-After": str(uploads.RETRY_AFTER_SECONDS)},
        ) from None
    except storage.StorageFull:
        raise ApiError(
            507,
            "storage_full",
            "Máy chủ tạm hết chỗ lưu, hãy thử lại sau",
            headers={"Retry-After": "600"},
        ) from None


def photo_bytes() -> bytes:
    file = request.files.get("file")
    if file is None:
        raise ApiError(400, "no_file", "Chưa có ảnh. Hãy chụp ảnh giấy tờ rồi thử lại.")
    return file.read(current_app.config["MAX_UPLOAD_BYTES"] + 1)


@bp.post("/drafts/<draft_id>/uploads")
@limiter.limit("120/hour", key_func=citizen_or_ip)
@body_first
@citizen_api
@documented(
    "post",
    "/drafts/{draft_id}/uploads",
    "Tải lên một trang ảnh giấy tờ (ảnh được mã hóa lại, xóa siêu dữ liệu)",
    {200: UPLOAD, 201: UPLOAD, 409: None, 422: None, 503: None, 507: None},
    request=UPLOAD_FORM,
    request_media="multipart/form-data",
)
def create_upload(citizen, draft_id: str):
    citizen_id = citizen.id
    attachment_id = request.form.get("attachment_id", "")
    client_id = request.form.get("client_id", "")
    # Read before anything is decoded or stored: a bad number is a 400 with nothing kept.
    position = form_int("position", 0, 0, 1000)

    def check(locked: bool) -> Upload | None:
        # Locked: the page and the service worker may send the same photo at
        # once. The draft's row is locked (FOR UPDATE on PostgreSQL; SQLite's
        # IMMEDIATE transaction already serialises writers) so the second one
        # finds the first one's row instead of breaking the unique index (a 500
        # that `make test-pg` caught), and the page count cannot be passed by a race.
        draft = editable_draft(citizen, draft_id, lock=locked)
        if not CLIENT_ID.match(client_id):  # after the 404 to anyone else
            raise ApiError(400, "bad_client_id", "Thiếu mã ảnh. Hãy tải lại trang rồi thử lại.")
        attachment = drafts.draft_attachment(draft, attachment_id)
        if attachment is None:
            raise not_in_this_dossier(attachment_id)
        existing = db.session.scalars(
            select(Upload).where(Upload.draft_id == draft.id, Upload.client_id == client_id)
        ).first()
        if existing is not None:  # the same photo again after a lost answer
            return existing
        if _pages(draft.id, attachment_id) >= attachment.get("max_pages", 10):
            raise ApiError(
                422,
                "too_many_pages",
                f"“{attachment['title']}” chỉ cần tối đa {attachment.get('max_pages', 10)} "
                "trang. Hãy xóa bớt ảnh thừa.",
            )
        return None

    def insert(image, key: str) -> Upload:
        draft = editable_draft(citizen, draft_id, lock=True)  # locked by check(True)
        upload = uploads.photo_row(
            image,
            key,
            citizen_id=citizen_id,
            draft_id=draft.id,
            attachment_id=attachment_id,
            client_id=client_id,
            position=position or _pages(draft.id, attachment_id),
        )
        drafts.touch(draft)
        return upload

    with photo_errors():
        upload, created = uploads.take_photo(photo_bytes, check, insert)
    return jsonify(drafts.upload_json(upload)), 201 if created else 200


def _pages(draft_id: str, attachment_id: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Upload)
        .where(Upload.draft_id == draft_id, Upload.attachment_id == attachment_id)
    )


@bp.delete("/drafts/<draft_id>/uploads/<upload_id>")
@citizen_api
@documented("delete", "/drafts/{draft_id}/uploads/{upload_id}", "Xóa một trang ảnh", {204: None})
def delete_upload(citizen, draft_id: str, upload_id: str):
    draft = editable_draft(citizen, draft_id, lock=True)
    upload = db.session.get(Upload, upload_id)
    if upload is None or upload.draft_id != draft.id:
        raise not_found("ảnh")
    key = upload.storage_key
    db.session.delete(upload)
    drafts.touch(draft)
    db.session.commit()
    storage.delete(key)
    return "", 204


@bp.get("/uploads/<upload_id>")
@citizen_api
@documented(
    "get",
    "/uploads/{upload_id}",
    "Ảnh đã tải lên (chỉ chủ hồ sơ và cán bộ xem được)",
    {200: {"type": "string", "contentMediaType": "image/jpeg"}},
    response_media="image/jpeg",
)
def get_upload(citizen, upload_id: str):
    upload = db.session.get(Upload, upload_id)
    if upload is None or upload.citizen_id != citizen.id:
        raise not_found("ảnh")
    return storage.photo_response(upload)
