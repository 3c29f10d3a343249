import math
import time
import uuid

from flask import current_app, jsonify
from limits import parse as parse_limit
from sqlalchemy.exc import IntegrityError

from blueprints.api import bp
from blueprints.api.common import ApiError, citizen_api, json_body, not_found
from blueprints.api.spec import CHECK_RESULT, DRAFT, DRAFT_PATCH, DRAFT_PUT, documented
from domain.catalog import CATALOG
from domain.clock import today_vn
from domain.communes import get_commune
from extensions import db, limiter
from models import Draft
from services.database import locking_read
from services.dossiers import drafts
from services.dossiers.submission import check_draft


def _valid_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _apply(draft: Draft, body: dict) -> None:
    """Apply a PUT/PATCH body after checking it fully, so nothing half-applies."""
    group_id = body.get("group_id", draft.group_id)
    if group_id is not None and group_id not in {g["id"] for g in CATALOG["groups"]}:
        raise ApiError(400, "unknown_group", "Nhóm thủ tục không tồn tại.")
    procedure_ids = body.get("procedure_ids")
    if procedure_ids is not None:
        unknown = [p for p in procedure_ids if p not in CATALOG["procedures"]]
        if unknown:
            raise ApiError(400, "unknown_procedure", f"Thủ tục không tồn tại: {unknown[0]}.")
    answers = body.get("answers", {})
    bad = drafts.unknown_keys(answers)
    if bad:
        raise ApiError(
            400,
            "unknown_field",
            f"Trường không có trong biểu mẫu: {bad[0]}. Hãy tải lại trang.",
            {k: "Trường không có trong biểu mẫu" for k in bad},
        )
    draft.group_id = group_id
    if procedure_ids is not None:
        draft.procedure_ids = list(dict.fromkeys(procedure_ids))
    if "step" in body:
        draft.step = body["step"]
    drafts.merge_answers(draft, answers, body.get("edited_at", {}))
    drafts.touch(draft)


def editable_draft(citizen, draft_id: str, lock: bool = False) -> Draft:
    draft = drafts.citizen_draft(citizen.id, draft_id, lock=lock)
    if draft is None:
        raise not_found("bản nháp hồ sơ")
    if draft.dossier_id is not None:
        raise ApiError(409, "already_submitted", "Hồ sơ này đã được nộp, không sửa được nữa.")
    return draft


@bp.put("/drafts/<draft_id>")
@citizen_api
@documented(
    "put",
    "/drafts/{draft_id}",
    "Tạo hoặc lưu bản nháp (mã bản nháp do thiết bị sinh, UUID)",
    {200: DRAFT, 201: DRAFT, 409: None},
    request=DRAFT_PUT,
)
def put_draft(citizen, draft_id: str):
    body = json_body(DRAFT_PUT)
    if not _valid_uuid(draft_id):
        raise ApiError(400, "bad_id", "Mã bản nháp không hợp lệ.")
    if get_commune(body["commune_code"]) is None:
        raise ApiError(400, "unknown_commune", "Không tìm thấy xã, phường đã chọn. Hãy chọn lại.")
    try:
        return _save(citizen, draft_id, body)
    except IntegrityError:
        # Two PUTs made the same new draft at once (the page and the service
        # worker): the loser saves its answers onto the winner's row.
        db.session.rollback()
        return _save(citizen, draft_id, body)


def _may_create(citizen) -> None:
    """A new draft only under the open-drafts cap and the creation rate.

    Nothing else bounded them: one account could fill the database with
    empty drafts. Counted on creation only, so the many saves of a draft the
    phone syncs never use the allowance up."""
    config = current_app.config
    if drafts.open_draft_count(citizen.id) >= config["MAX_OPEN_DRAFTS"]:
        raise ApiError(
            409,
            "too_many_drafts",
            f"Bạn đang có {config['MAX_OPEN_DRAFTS']} hồ sơ chưa nộp. Hãy mở một hồ sơ "
            "chưa nộp trong “Hồ sơ của tôi” để khai tiếp và nộp, rồi mới tạo hồ sơ mới.",
        )
    if limiter.enabled:
        item = parse_limit(config["DRAFT_CREATE_LIMIT"])
        key = f"citizen:{citizen.id}"
        if not limiter.direct(lambda strategy: strategy.hit(item, "draft-create", key)):
            stats = limiter.direct(
                lambda strategy: strategy.get_window_stats(item, "draft-create", key)
            )
            wait = max(1, math.ceil(stats.reset_time - time.time()))
            raise ApiError(
                429,
                "too_many_new_drafts",
                "Bạn đã tạo quá nhiều hồ sơ mới trong thời gian ngắn. Hãy khai tiếp một hồ "
                f"sơ đã tạo, hoặc đợi khoảng {max(1, wait // 60)} phút rồi tạo hồ sơ mới.",
                headers={"Retry-After": str(wait)},
            )


def _save(citizen, draft_id: str, body: dict):
    # Locked (FOR UPDATE on PostgreSQL) so two devices' edits merge one after
    # the other instead of the later write dropping the earlier one's fields.
    existing = db.session.get(Draft, draft_id, with_for_update=True)
    if existing is not None and existing.citizen_id != citizen.id:
        raise not_found("bản nháp hồ sơ")
    created = existing is None
    draft = existing or Draft(id=draft_id, citizen_id=citizen.id, answers={}, edited_at={})
    if created:
        _may_create(citizen)
        draft.commune_code = body["commune_code"]
    else:
        draft = editable_draft(citizen, draft_id)
    _apply(draft, body)
    if created:
        db.session.add(draft)
    db.session.commit()
    return jsonify(drafts.draft_json(draft)), 201 if created else 200


@bp.get("/drafts/<draft_id>")
# The phone deletes on the server only the photos this answer lists: an upload
# still being stored when it was read (a page killed mid-upload) would never
# be deleted, and the next photo would find the attachment full (422).
@locking_read
@citizen_api
@documented("get", "/drafts/{draft_id}", "Đọc bản nháp", {200: DRAFT})
def get_draft(citizen, draft_id: str):
    draft = drafts.citizen_draft(citizen.id, draft_id, lock=True)
    if draft is None:
        raise not_found("bản nháp hồ sơ")
    return jsonify(drafts.draft_json(draft))


@bp.patch("/drafts/<draft_id>")
@citizen_api
@documented(
    "patch",
    "/drafts/{draft_id}",
    "Lưu một phần bản nháp",
    {200: DRAFT, 409: None},
    request=DRAFT_PATCH,
)
def patch_draft(citizen, draft_id: str):
    body = json_body(DRAFT_PATCH)
    draft = editable_draft(citizen, draft_id, lock=True)
    _apply(draft, body)
    db.session.commit()
    return jsonify(drafts.draft_json(draft))


@bp.post("/drafts/<draft_id>/check")
@citizen_api
@documented("post", "/drafts/{draft_id}/check", "Kiểm tra toàn bộ hồ sơ", {200: CHECK_RESULT})
def check(citizen, draft_id: str):
    draft = drafts.citizen_draft(citizen.id, draft_id)
    if draft is None:
        raise not_found("bản nháp hồ sơ")
    return jsonify(check_draft(draft, drafts.draft_uploads(draft), today_vn()))
