"""Turning a dossier into what the office pages show: answers, photos, history."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from domain import declarations, delivery, results, statuses, workflow
from domain.catalog import CATALOG, field_options, get_field
from domain.communes import get_commune
from domain.statuses import Status
from domain.validation import attachments_for, visible_fields
from extensions import db
from models import Dossier, Notification, Officer, Upload
from services.desk.office import dossier_sections


def vn_date(value: str | date | None) -> str:
    if not value:
        return ""
    text = value.isoformat() if isinstance(value, date) else value
    return f"{text[8:10]}/{text[5:7]}/{text[:4]}"


def display_value(field: dict, value: str) -> str:
    kind = field["type"]
    if kind in ("radio", "select"):
        return next((o["label"] for o in field_options(field) if o["value"] == value), value)
    if kind == "commune":
        commune = get_commune(value)
        return commune.label if commune else value
    if kind == "date":
        return vn_date(value)
    if kind == "checkbox":
        return "Có" if value == "co" else value
    return value


def _vouched_row(field: dict, entry) -> dict:
    """An answer kept as the e-ID gave it (the time it vouched for it), or
    changed by the citizen (what the e-ID said, and the reason given)."""
    if isinstance(entry, dict):
        return {"vouched": None, "changed": {
            "at": entry.get("at"), "reason": entry.get("reason") or "",
            "vouched": display_value(field, entry.get("vouched") or ""),
        }}  # fmt: skip
    return {"vouched": entry, "changed": None}


def answer_sections(dossier: Dossier) -> list[dict]:
    """Every answered field, page by page, with readable values."""
    answers = dossier.answers or {}
    vouched = dossier.vouched or {}  # the values that came from the e-ID, and when
    sections = []
    for section_id in dossier_sections(dossier):
        rows = [
            {
                "label": f["label"],
                "value": display_value(f, answers[f["key"]]),
                **_vouched_row(f, vouched.get(f["key"])),
            }
            for f in visible_fields(section_id, answers)
            if answers.get(f["key"])
        ]
        if rows:
            sections.append({"id": section_id, "title": CATALOG["sections"][section_id]["title"],
                             "rows": rows})  # fmt: skip
    return sections


def attachment_titles() -> dict[str, str]:
    from services.desk.filing import DECLARATION, DECLARATION_TITLE

    titles = {a["id"]: a["title"] for p in CATALOG["procedures"].values() for a in p["attachments"]}
    return {**titles, DECLARATION: DECLARATION_TITLE}


def photo_groups(dossier: Dossier) -> list[dict]:
    uploads = db.session.scalars(
        select(Upload)
        .where(Upload.dossier_id == dossier.id)
        .order_by(Upload.attachment_id, Upload.position, Upload.created_at)
    ).all()
    titles = attachment_titles()
    asked_at = (dossier.supplement or {}).get("asked_at") or _last_request_at(dossier)
    groups: dict[str, dict] = {}
    for upload in uploads:
        group = groups.setdefault(
            upload.attachment_id,
            {"title": titles.get(upload.attachment_id, upload.attachment_id), "photos": []},
        )
        new = bool(asked_at) and upload.created_at.isoformat() > asked_at
        group["photos"].append({"upload": upload, "new": new})
    return list(groups.values())


def _last_request_at(dossier: Dossier) -> str | None:
    asked = [e.at for e in dossier.events if e.action == "request_supplement"]
    return asked[-1].isoformat() if asked else None


def _status_label(value) -> str:
    return statuses.label(value) if value else ""


def _field_label(key: str) -> str:
    found = get_field(key)
    return found["label"] if found else key


def describe_changes(changes: dict | None, procedure_id: str | None = None) -> list[str]:
    """The audit's "what changed", one line each, in Vietnamese."""
    lines = []
    changes = changes or {}
    titles = attachment_titles()
    if "status" in changes:
        old, new = changes["status"]
        if old != new:
            lines.append(f"Tình trạng: {_status_label(old)} → {_status_label(new)}")
    for pid, (old, new) in (changes.get("steps") or {}).items():
        title = CATALOG["procedures"][pid]["title"]
        lines.append(f"{title}: {_status_label(old)} → {_status_label(new)}")
    if "due_date" in changes:
        old, new = changes["due_date"]
        lines.append(f"Hạn trả kết quả: {vn_date(old)} → {vn_date(new)}")
    if changes.get("correction") and procedure_id:
        lines.extend(results.describe_correction(procedure_id, changes["correction"]))
    if changes.get("reason"):
        lines.append(f"Nội dung: {changes['reason']}")
    if changes.get("attachments"):
        lines.append(
            "Giấy tờ cần bổ sung: " + ", ".join(titles.get(a, a) for a in changes["attachments"])
        )
    if changes.get("sections"):
        names = [CATALOG["sections"][s]["title"] for s in changes["sections"]]
        lines.append("Mục cần sửa: " + ", ".join(names))
    if changes.get("answers"):
        lines.append(
            "Thông tin đã sửa: "
            + "; ".join(f"{_field_label(k)}: {old or '(trống)'} → {new or '(trống)'}"
                        for k, (old, new) in changes["answers"].items())
        )  # fmt: skip
    if changes.get("photos"):
        lines.append("Ảnh mới: " + ", ".join(titles.get(a, a) for a in changes["photos"]))
    if changes.get("amount"):
        lines.append(f"Số tiền: {changes['amount']:,} đồng".replace(",", "."))
    if changes.get("tracking"):
        lines.append(f"Số hiệu bưu gửi: {changes['tracking']}")
    if changes.get("helped_by"):
        from domain.helping import label

        lines.append(f"Người giúp khai trên điện thoại của công dân: {label(changes['helped_by'])}")
    if changes.get("declaration", {}).get("electronic"):
        lines.append(declarations.line(changes["declaration"]))
    if changes.get("result") and procedure_id:
        lines.append(results.describe(procedure_id, changes["result"]))
    return lines


def signing(dossier: Dossier) -> list[dict]:
    """How each signed declaration of the dossier was signed, for the control sheet."""
    recorded = next(
        (
            (e.changes or {}).get("declaration")
            for e in dossier.events
            if e.status == Status.SUBMITTED and e.actor == "citizen"
        ),
        None,
    ) or {"method": "paper", "electronic": []}
    # The forms this dossier's answers call for, however they were signed
    # (CT01, for one, only when the child does not live with its parents).
    with_form = {
        a["procedure"]
        for a in attachments_for(dossier.group_id, dossier.procedure_ids, dossier.answers or {})
        if a.get("form")
    }
    rows = []
    for pid in dossier.procedure_ids or []:
        if pid not in with_form:
            continue
        method = recorded["method"] if pid in recorded["electronic"] else "paper"
        rows.append({"title": CATALOG["procedures"][pid]["title"],
                     "how": declarations.METHODS[method]})  # fmt: skip
    return rows


def history(dossier: Dossier) -> list[dict]:
    ids = {e.officer_id for e in dossier.events if e.officer_id}
    officers = (
        {o.id: o for o in db.session.scalars(select(Officer).where(Officer.id.in_(ids)))}
        if ids
        else {}
    )
    rows = []
    for event in dossier.events:
        officer = officers.get(event.officer_id)
        who = f"{officer.full_name} ({officer.username})" if officer else "Công dân"
        rows.append(
            {
                "at": event.at,
                "who": who,
                "role": workflow.ROLES.get(event.actor, "Công dân"),
                "action": workflow.ACTIONS.get(event.action or "", "Nộp hồ sơ"),
                "procedure": CATALOG["procedures"][event.procedure_id]["title"]
                if event.procedure_id
                else "",
                "changes": describe_changes(event.changes, event.procedure_id),
                "note": event.note,
                "detail": event.detail,
            }
        )
    return rows


def sms_messages(dossier: Dossier) -> list[dict]:
    """The citizen's SMS about this dossier and whether each reached the phone
    (the gateway's receipts, services.messages.receipts); no number, no body."""
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.dossier_id == dossier.id, Notification.channel == "sms")
        .order_by(Notification.id)
    ).all()
    return [
        {
            "at": row.created_at,
            "what": workflow.ACTIONS.get(row.event.action or "", "Nộp hồ sơ")
            if row.event is not None
            else "Nộp hồ sơ",
            "status": delivery.label(
                row.delivery_status, sent=row.sent_at is not None, failed=row.failed_at is not None
            ),
            "delivered": row.delivery_status == delivery.DELIVERED,
            "when": row.delivery_at or row.sent_at,
        }
        for row in rows
    ]


CONSENT_WORDS = {
    "sms": "mã xác nhận gửi qua tin nhắn đến điện thoại của mình",
    "paper": "giấy cam kết có chữ ký (ảnh trong hồ sơ)",
}


def counter_filing(dossier: Dossier) -> dict | None:
    """Who filed a counter dossier for the citizen, and how the citizen confirmed."""
    if dossier.channel != "counter":
        return None
    first = dossier.events[0] if dossier.events else None
    consent = ((first.changes or {}).get("counter") or {}).get("consent") if first else None
    officer = db.session.get(Officer, dossier.filed_by_officer_id)
    return {
        "officer": f"{officer.full_name} ({officer.username})" if officer else "",
        "consent": CONSENT_WORDS.get(consent, consent or ""),
    }


def duplicates(officer: Officer, dossier: Dossier) -> list[dict]:
    """The other dossiers of the same birth or death, linked when this officer
    may open them; another commune's is only said to exist."""
    from services.desk import duplicates as found
    from services.desk.office import can_see

    rows = []
    for row in found.others(dossier):
        other, dismissed = row["dossier"], row["dismissed"]
        by = db.session.get(Officer, dismissed.officer_id) if dismissed else None
        rows.append({
            "code": other.code, "visible": can_see(officer, other),
            "status": statuses.label(other.status),
            "dismissed": dismissed, "by": f"{by.full_name} ({by.username})" if by else "",
        })  # fmt: skip
    return rows
