"""Filing at the counter: an officer of the receiving desk files a dossier for a
citizen who is present, with the same catalog, rules and attachments as online.

The work lives in an ordinary draft (``drafts.counter_officer_id`` set), owned by
the citizen's account: the one of their phone when they give one, else a new
account without a phone. The citizen cannot edit it online (services.dossiers.
drafts). It is filed through ``submission.create_dossier`` like any other, once
the citizen has confirmed it: by the SMS code sent to their phone and read out
to the officer, or by a signed printed declaration photographed into it. The
dossier then says who filed it, for whom and how the citizen confirmed
(``dossiers.channel`` "counter", the submission event's ``changes.counter``).
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from domain import validation
from domain.clock import today_vn
from domain.errors import RuleError
from domain.phones import normalize_vn_mobile
from domain.workflow import JUSTICE
from extensions import db
from models import Citizen, Dossier, Draft, Officer, Upload
from services.dossiers import drafts, submission
from services.identity import otp
from services.photos import uploads

# Filing is the receiving desk's work (Decree 63/2024: justice receives).
COUNTER_ROLES = (JUSTICE,)
# The photographed declaration of consent: an attachment of the counter only.
DECLARATION = "cam-ket-nop-tai-quay"
DECLARATION_TITLE = "Giấy cam kết nộp hồ sơ tại quầy (có chữ ký của công dân)"
MAX_PAGES = 10


class FilingProblem(RuleError):
    def __init__(self, message: str, fields: dict | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.fields = fields or {}
        self.status = status


def start(officer: Officer, group_id: str, procedure_ids: list[str], phone_raw: str) -> Draft:
    """A new counter draft for these procedures, and the citizen's account."""
    fields = {}
    selection = validation.check_selection(group_id, procedure_ids)
    if selection:
        fields["procedures"] = selection
    phone = None
    if (phone_raw or "").strip():
        try:
            phone = normalize_vn_mobile(phone_raw)
        except RuleError as error:
            fields["phone"] = error.message
    if fields:
        raise FilingProblem("Chưa bắt đầu được. Hãy sửa các ô được đánh dấu.", fields)
    citizen = None
    if phone is not None:
        citizen = db.session.scalars(select(Citizen).where(Citizen.phone == phone)).first()
    if citizen is None:
        # Without a phone: an account of its own that no one signs in to; the
        # dossier is followed with its code at the desk.
        citizen = Citizen(phone=phone)
        db.session.add(citizen)
        db.session.flush()
    draft = Draft(
        id=str(uuid.uuid4()), citizen_id=citizen.id, commune_code=officer.commune_code,
        group_id=group_id, procedure_ids=submission.ordered_procedures(group_id, procedure_ids),
        answers={}, edited_at={}, counter_officer_id=officer.id,
    )  # fmt: skip
    db.session.add(draft)
    db.session.commit()
    return draft


def counter_draft(officer: Officer, draft_id: str, lock: bool = False) -> Draft | None:
    """A counter draft of the officer's commune not filed yet; None (a 404) otherwise."""
    try:
        uuid.UUID(draft_id)
    except ValueError:
        return None
    draft = db.session.get(Draft, draft_id, with_for_update=lock or None)
    if draft is None or draft.counter_officer_id is None or draft.dossier_id is not None:
        return None
    return draft if draft.commune_code == officer.commune_code else None


def citizen_phone(draft: Draft) -> str | None:
    return db.session.get(Citizen, draft.citizen_id).phone


def save_answers(draft: Draft, form) -> dict:
    """The form's answers replace the draft's (the page shows every field);
    returns the field errors of what applies, by answer key."""
    raw = {k: v.strip() for k, v in form.items() if drafts.known_answer_key(k) and v.strip()}
    draft.answers = validation.clean_answers(draft.group_id, draft.procedure_ids, raw)
    drafts.touch(draft)
    db.session.commit()
    return validation.validate_answers(
        draft.group_id, draft.procedure_ids, draft.answers, today=today_vn()
    )


def asked(draft: Draft) -> list[dict]:
    """The papers this draft asks for, as the citizen's own submit counts them."""
    from services import forms

    return forms.asked_attachments(
        draft.group_id, draft.procedure_ids, draft.answers, draft.commune_code
    )


def pages(draft: Draft) -> dict[str, list[Upload]]:
    found: dict[str, list[Upload]] = {}
    for upload in drafts.draft_uploads(draft):
        found.setdefault(upload.attachment_id, []).append(upload)
    return found


def _page_count(draft_id: str, attachment_id: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Upload)
        .where(Upload.draft_id == draft_id, Upload.attachment_id == attachment_id)
    )


def add_photo(officer: Officer, draft_id: str, attachment_id: str, read) -> Upload:
    """One page (a photo from the desk's camera or phone, or a scan), cleaned by
    the same pipeline as the citizen's photos (services.photos.uploads)."""
    client_id = uuid.uuid4().hex

    def check(locked: bool) -> None:
        draft = counter_draft(officer, draft_id, lock=locked)
        if draft is None:
            raise FilingProblem("Bản nháp này không còn. Hãy bắt đầu lại.", status=404)
        if attachment_id != DECLARATION and not any(a["id"] == attachment_id for a in asked(draft)):
            raise FilingProblem("Hồ sơ này không cần loại giấy tờ đó.")
        if _page_count(draft.id, attachment_id) >= MAX_PAGES:
            raise FilingProblem(f"Mỗi loại giấy tờ tối đa {MAX_PAGES} trang. Hãy xóa bớt ảnh.")
        return None

    def insert(image, key: str) -> Upload:
        draft = counter_draft(officer, draft_id, lock=True)
        upload = uploads.photo_row(
            image, key, citizen_id=draft.citizen_id, draft_id=draft.id,
            attachment_id=attachment_id, client_id=client_id,
            position=_page_count(draft.id, attachment_id),
        )  # fmt: skip
        drafts.touch(draft)
        return upload

    upload, _created = uploads.take_photo(read, check, insert)
    return upload


def remove_photo(draft: Draft, upload_id: str) -> None:
    from services.photos import storage

    upload = db.session.get(Upload, upload_id)
    if upload is None or upload.draft_id != draft.id:
        raise FilingProblem("Không có ảnh này trong hồ sơ.", status=404)
    key = upload.storage_key
    db.session.delete(upload)
    db.session.commit()
    storage.delete(key)


def problems(draft: Draft) -> dict:
    """What the citizen's submit would refuse (submission.check_draft)."""
    return submission.check_draft(draft, drafts.draft_uploads(draft), today_vn())


def send_code(draft: Draft) -> str:
    """The confirmation code to the citizen's phone; returns where it went."""
    phone = citizen_phone(draft)
    if phone is None:
        raise FilingProblem("Công dân không có số điện thoại: hãy dùng giấy cam kết có chữ ký.")
    try:
        otp.issue_code(phone, "submit", draft.id)
    except otp.OtpError as error:
        raise FilingProblem(error.message, status=429 if error.code == "rate" else 409) from None
    return phone


def file(officer: Officer, draft: Draft, consent: str, code: str = "") -> Dossier:
    """File the draft once it is complete and the citizen confirmed it."""
    check = problems(draft)
    if not check["ok"]:
        raise FilingProblem("Hồ sơ chưa đủ. Hãy điền, chụp đủ những mục còn thiếu rồi nộp.")
    phone = citizen_phone(draft)
    if consent == "sms":
        if phone is None:
            raise FilingProblem("Công dân không có số điện thoại: hãy dùng giấy cam kết có chữ ký.")
        try:
            otp.verify_code(phone, "submit", code, draft.id, commit=False)
        except otp.OtpError as error:
            raise FilingProblem(error.message, {"code": error.message}) from None
    elif consent == "paper":
        if not pages(draft).get(DECLARATION):
            message = "Hãy chụp giấy cam kết đã có chữ ký của công dân rồi nộp."
            raise FilingProblem(message, {"declaration": message})
    else:
        message = "Hãy chọn cách công dân xác nhận: mã qua tin nhắn, hoặc giấy cam kết có chữ ký."
        raise FilingProblem(message, {"consent": message})
    return submission.create_dossier(
        draft.citizen_id, draft, f"counter-{draft.id}",
        receipt_sms=phone is not None, confirmed_with="sms" if consent == "sms" else "paper",
        counter=submission.AtCounter(officer.id, officer.role, consent),
    )  # fmt: skip
