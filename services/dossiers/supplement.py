"""The citizen's side of a supplement request: add photos, correct answers,
send the dossier back to the agency that asked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from domain import validation
from domain.catalog import CATALOG
from domain.communes import search_communes
from domain.numbers import is_ascii_digits
from domain.statuses import Status
from extensions import db
from models import Dossier, Upload
from services import forms
from services.desk import office
from services.photos import storage, uploads
from services.photos.images import SanitizedImage


@dataclass
class Problem(Exception):
    status: int
    code: str
    message: str
    fields: dict = field(default_factory=dict)


def asked_at(dossier: Dossier) -> datetime | None:
    text = (dossier.supplement or {}).get("asked_at")
    return datetime.fromisoformat(text) if text else None


def open_request(dossier: Dossier) -> bool:
    return dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.supplement is not None


def dossier_attachments(dossier: Dossier) -> dict[str, dict]:
    return {
        a["id"]: a
        for pid in dossier.procedure_ids
        for a in CATALOG["procedures"][pid]["attachments"]
    }


def uploads_of(dossier: Dossier) -> list[Upload]:
    return list(
        db.session.scalars(
            select(Upload)
            .where(Upload.dossier_id == dossier.id)
            .order_by(Upload.attachment_id, Upload.position, Upload.created_at)
        )
    )


def added_since_request(dossier: Dossier, upload: Upload) -> bool:
    since = asked_at(dossier)
    return since is not None and upload.created_at > since


def papers_to_show(dossier: Dossier, answers: dict) -> list[dict]:
    """The papers asked for, and any now required by corrected answers but missing."""
    asked = set((dossier.supplement or {}).get("attachments", []))
    have = {u.attachment_id for u in uploads_of(dossier)}
    needed = forms.asked_attachments(
        dossier.group_id, dossier.procedure_ids, answers, dossier.commune_code
    )
    shown = [a for a in needed if a["id"] in asked or (a.get("required") and a["id"] not in have)]
    if not shown and not (dossier.supplement or {}).get("sections"):
        shown = needed  # the officer named no paper or page: let the citizen add any
    return shown


def fields_to_correct(dossier: Dossier, answers: dict) -> list[dict]:
    sections = (dossier.supplement or {}).get("sections", [])
    return [
        {"id": s, "title": CATALOG["sections"][s]["title"],
         "fields": validation.visible_fields(s, answers)}
        for s in sections
    ]  # fmt: skip


def check_photo(dossier: Dossier, attachment_id: str, client_id: str) -> Upload | None:
    """Raise Problem for a page this dossier refuses now; the page already stored
    under `client_id` (a retry), or None."""
    if not open_request(dossier):
        raise Problem(409, "no_request", "Hồ sơ không có yêu cầu bổ sung nào đang chờ.")
    attachment = dossier_attachments(dossier).get(attachment_id)
    if attachment is None:
        raise Problem(400, "unknown_attachment", "Loại giấy tờ không có trong hồ sơ này.")
    existing = db.session.scalars(
        select(Upload).where(Upload.dossier_id == dossier.id, Upload.client_id == client_id)
    ).first()
    if existing is not None:
        return existing
    limit = attachment.get("max_pages", 10)
    if _new_pages(dossier, attachment_id) >= limit:
        raise Problem(
            422,
            "too_many_pages",
            f"“{attachment['title']}” chỉ cần tối đa {limit} trang. Hãy xóa bớt ảnh thừa.",
        )
    return None


def _new_pages(dossier: Dossier, attachment_id: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Upload)
        .where(
            Upload.dossier_id == dossier.id,
            Upload.attachment_id == attachment_id,
            Upload.created_at > asked_at(dossier),
        )
    )


def add_photo(
    dossier: Dossier,
    citizen_id: int,
    attachment_id: str,
    client_id: str,
    image: SanitizedImage,
    key: str,
) -> Upload:
    """The row of a new page, already checked by check_photo and stored under
    `key` (services/photos/uploads.py decodes it outside the transaction); not committed."""
    return uploads.photo_row(
        image,
        key,
        citizen_id=citizen_id,
        draft_id=None,
        dossier_id=dossier.id,
        attachment_id=attachment_id,
        client_id=client_id,
        position=100 + _new_pages(dossier, attachment_id),  # after the pages sent with it
    )


def remove_photo(dossier: Dossier, upload_id: str) -> None:
    upload = db.session.get(Upload, upload_id)
    if upload is None or upload.dossier_id != dossier.id:
        raise Problem(404, "not_found", "Không tìm thấy ảnh.")
    if not open_request(dossier) or not added_since_request(dossier, upload):
        raise Problem(409, "locked", "Ảnh đã nộp cùng hồ sơ không xóa được. Hãy chụp thêm ảnh mới.")
    key = upload.storage_key
    db.session.delete(upload)
    db.session.commit()
    storage.delete(key)


def _resolve_commune(text: str) -> str:
    """A commune field typed on the server-rendered form: a code or a name."""
    text = (text or "").strip()
    if is_ascii_digits(text):
        return text.zfill(5) if len(text) <= 5 else text
    found = search_communes(text, limit=2)
    return found[0].code_str if len(found) == 1 else text


def corrected_answers(dossier: Dossier, form) -> tuple[dict, dict]:
    """(merged answers, {key: [old, new]}) from the correction form."""
    answers = dict(dossier.answers or {})
    changed = {}
    for section in (dossier.supplement or {}).get("sections", []):
        for f in CATALOG["sections"][section]["fields"]:
            if f["key"] not in form:
                continue
            # Radios and checkboxes send a hidden "" first, so "none chosen" arrives too.
            value = (form.getlist(f["key"]) or [""])[-1]
            if f["type"] == "commune":
                value = _resolve_commune(value)
            if value != answers.get(f["key"], ""):
                changed[f["key"]] = [answers.get(f["key"], ""), value]
                answers[f["key"]] = value
    return answers, changed


def resubmit(dossier: Dossier, form, version: int, today: date) -> None:
    """Check the corrections and the papers, then send the dossier back."""
    if not open_request(dossier):
        raise Problem(409, "no_request", "Hồ sơ không có yêu cầu bổ sung nào đang chờ.")
    answers, changed = corrected_answers(dossier, form)
    errors = validation.validate_answers(
        dossier.group_id, dossier.procedure_ids, answers, today=today
    )
    if errors:
        raise Problem(400, "invalid", "Một số thông tin chưa đúng. Hãy sửa các mục được đánh dấu.",
                      errors)  # fmt: skip
    have = {u.attachment_id for u in uploads_of(dossier)}
    missing = [
        a["title"]
        for a in forms.asked_attachments(
            dossier.group_id, dossier.procedure_ids, answers, dossier.commune_code
        )
        if a.get("required") and a["id"] not in have
    ]
    asked = set((dossier.supplement or {}).get("attachments", []))
    added = {u.attachment_id for u in uploads_of(dossier) if added_since_request(dossier, u)}
    not_redone = [dossier_attachments(dossier)[a]["title"] for a in asked - added]
    if missing or not_redone:
        names = ", ".join(missing + not_redone)
        raise Problem(400, "photos", f"Hãy chụp và tải lên: {names}.")
    office.perform(
        dossier,
        "citizen",
        office.ActionInput(
            "resubmit", version, corrections=changed, added=sorted(added),
            # Written by perform once the dossier is locked and re-read: set
            # here, its flush would move the version past the one checked.
            answers=validation.clean_answers(dossier.group_id, dossier.procedure_ids, answers),
        ),
    )  # fmt: skip
