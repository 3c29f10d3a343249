"""Turning a checked draft into a dossier with its code, exactly once."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from domain import helping, validation
from domain.catalog import CATALOG
from domain.dossier_code import format_code
from domain.statuses import Status
from domain.working_days import VN_TZ, due_date
from extensions import db
from models import Commune, DailySequence, Dossier, DossierEvent, Draft, ProcedureProgress, Upload
from models.base import as_utc, utcnow
from models.office import search_columns
from services import forms
from services.database import add_one
from services.identity.vneid.accounts import vouched_answers, vouched_check
from services.messages import notify


@dataclass
class SubmitProblem(Exception):
    code: str
    message: str
    fields: dict | None = None


@dataclass
class AtCounter:
    """A dossier filed at the one-stop desk by an officer for a citizen present,
    and how the citizen confirmed it: "sms" (a code sent to their phone, read
    out to the officer) or "paper" (a signed declaration, photographed)."""

    officer_id: int
    role: str
    consent: str


COUNTER_NOTE = "Nộp tại Bộ phận một cửa UBND xã (cán bộ nộp thay công dân có mặt)"


# Built once: every submit asks it first, and nearly always finds nothing, so
# it asks for the id alone (no ORM loading) and loads the dossier if there is one.
_BY_IDEMPOTENCY_KEY = select(Dossier.id).where(
    Dossier.citizen_id == bindparam("citizen_id"),
    Dossier.idempotency_key == bindparam("idempotency_key"),
)


def existing_dossier(citizen_id: int, idempotency_key: str) -> Dossier | None:
    values = {"citizen_id": citizen_id, "idempotency_key": idempotency_key}
    found = db.session.connection().execute(_BY_IDEMPOTENCY_KEY, values).scalar()
    return None if found is None else db.session.get(Dossier, found)


def missing_attachments(draft: Draft, uploads: list[Upload]) -> list[dict]:
    have = {u.attachment_id for u in uploads}
    required = forms.asked_attachments(
        draft.group_id, draft.procedure_ids, draft.answers, draft.commune_code
    )
    return [
        {"id": a["id"], "title": a["title"]}
        for a in required
        if a.get("required") and a["id"] not in have
    ]


def check_draft(
    draft: Draft,
    uploads: list[Upload],
    today: date,
    *,
    refusals_only: bool = False,
    visibility: dict | None = None,
) -> dict:
    """Everything the server would refuse, as the check endpoint reports it.

    `refusals_only` (the submit and its code): without the warnings, which
    never refuse and were shown on the check page; they cost a query and a
    walk over every answer. `visibility`: filled for create_dossier
    (validation.validate_answers)."""
    selection_error = validation.check_selection(draft.group_id, draft.procedure_ids)
    fields = (
        {}
        if selection_error
        else validation.validate_answers(
            draft.group_id, draft.procedure_ids, draft.answers, today=today, visibility=visibility
        )
    )
    missing = [] if selection_error else missing_attachments(draft, uploads)
    if not selection_error:
        # What the e-ID vouched for may not be changed (domain.vneid).
        for key, message in vouched_check(draft.citizen_id, draft.answers)[0].items():
            fields.setdefault(key, message)
    result = {
        "ok": not selection_error and not fields and not missing,
        "selection_error": selection_error,
        "fields": fields,
        "missing_attachments": missing,
    }
    if refusals_only:
        return result
    from services.desk.duplicates import warning_for_draft

    return result | {
        # Never a refusal: what the citizen may want to look at again.
        "warnings": {}
        if selection_error
        else validation.answer_warnings(draft.group_id, draft.procedure_ids, draft.answers),
        # A warning, never a refusal: the officer decides (services.desk.duplicates).
        "duplicate": warning_for_draft(draft) if not selection_error else None,
    }


def procedure_days(procedure_id: str) -> int:
    return int(CATALOG["procedures"][procedure_id]["processing"]["working_days"])


def plan_deadlines(group_id: str, procedure_ids: list[str], received_at: datetime):
    """Due date per component procedure, and for the whole linked dossier.

    The receiving procedure (registration) comes first; the linked agencies
    then work in parallel, each with its own time counted after it.
    """
    first, *rest = procedure_ids
    base = procedure_days(first)
    per_procedure = {first: due_date(received_at, base)}
    for pid in rest:
        per_procedure[pid] = due_date(received_at, base + procedure_days(pid))
    group = next(g for g in CATALOG["groups"] if g["id"] == group_id)
    overall = max(per_procedure.values())
    # The group's legal total is for its whole chain: applied to two of four
    # procedures it promised a week for what is due in two days.
    rule = group["deadline"]
    chain = rule["chain"]
    if chain and rule["chain_working_days"] is not None and set(chain) <= set(procedure_ids):
        overall = max(overall, due_date(received_at, int(rule["chain_working_days"])))
    return per_procedure, overall


# One upsert, not an insert-if-missing then an update: a statement less in
# every submit, and the same row lock taken by the first statement.
_NEXT_IN_DAY = add_one(DailySequence.__table__, ("agency_code", "day"), "last")


def next_sequence(agency_code: str, day: date, connection=None) -> int:
    """Take the next number for the agency's day inside the caller's transaction
    (`connection`: the session's, if the caller has it at hand)."""
    # On the session's connection: the ORM's handling of an INSERT cost more
    # than the upsert.
    values = {"agency_code": agency_code, "day": day}
    connection = connection or db.session.connection()
    return connection.execute(_NEXT_IN_DAY, values).scalar_one()


def ordered_procedures(group_id: str, procedure_ids: list[str]) -> list[str]:
    group = next(g for g in CATALOG["groups"] if g["id"] == group_id)
    return [p for p in group["procedures"] if p in procedure_ids]


_AGENCY_OF = select(Commune.agency_code).where(Commune.code == bindparam("commune_code"))
_INSERT_DOSSIER = insert(Dossier).returning(Dossier.id)
_INSERT_EVENT = insert(DossierEvent).returning(DossierEvent.id)
_INSERT_STEP = insert(ProcedureProgress)
_FILE_UPLOADS = (
    update(Upload)
    .where(Upload.draft_id == bindparam("draft"))
    .values(dossier_id=bindparam("dossier"))
)
_MARK_DRAFT_FILED = (
    update(Draft).where(Draft.id == bindparam("draft")).values(dossier_id=bindparam("dossier"))
)
_DOSSIER_COLUMNS = [attribute.key for attribute in inspect(Dossier).column_attrs]


def _insert_dossier(connection, **values) -> Dossier:
    """INSERT the new dossier with every column given (the unset ones empty,
    the search columns as models.office computes them for the ORM), then
    hand the session the same row as if it had just loaded it: persistent,
    nothing pending, every column known, no second statement."""
    values |= {"version": 1}
    values |= search_columns(values["group_id"], values["answers"])
    row = {key: values.get(key) for key in _DOSSIER_COLUMNS if key != "id"}
    dossier_id = connection.execute(_INSERT_DOSSIER, row).scalar_one()
    dossier = Dossier(id=dossier_id, **row)
    make_transient_to_detached(dossier)
    db.session.add(dossier)
    return dossier


def create_dossier(
    citizen_id: int,
    draft: Draft,
    idempotency_key: str,
    *,
    receipt_sms: bool = False,
    confirmed_with: str = "sms",
    counter: AtCounter | None = None,
    helped_by: str | None = None,
    visibility: dict | None = None,
) -> Dossier:
    """Insert the dossier, its timeline and its files in one transaction, and
    with `receipt_sms` the receipt SMS in the outbox in that same transaction.

    `confirmed_with` ("sms" or "passkey") is how the citizen confirmed the
    submission; where the province lets that confirmation stand for the
    signature (domain.declarations), the submission event records it for the
    office, procedure by procedure.

    Returns the dossier already made for this key or draft if there is one
    (a retry, a double tap, a second tab).

    `visibility`: which fields apply, as check_draft found them for the same
    answers in this request, so that cleaning them does not ask again.
    """
    # Every statement below runs on the session's connection, each built once:
    # the ORM's unit of work (a flush per row that needs its id back, the
    # hooks, the bookkeeping) cost several times the statements themselves,
    # and nothing reads these rows before the commit. Asked for once: each
    # db.session.connection() goes through the scoped session's lookups.
    connection = db.session.connection()
    agency_code = connection.execute(_AGENCY_OF, {"commune_code": draft.commune_code}).scalar()
    if agency_code is None:
        raise SubmitProblem(
            "commune_not_enabled",
            "Xã này chưa nhận hồ sơ trực tuyến trên hệ thống. Hãy liên hệ UBND xã.",
        )
    received_at = utcnow()
    local_day = as_utc(received_at).astimezone(VN_TZ).date()
    procedures = ordered_procedures(draft.group_id, draft.procedure_ids)
    per_procedure, overall = plan_deadlines(draft.group_id, procedures, as_utc(received_at))
    answers = validation.clean_answers(
        draft.group_id, procedures, draft.answers, visibility=visibility
    )
    try:
        sequence = next_sequence(agency_code, local_day, connection)
        dossier = _insert_dossier(
            connection,
            code=format_code(agency_code, local_day, sequence),
            citizen_id=citizen_id,
            idempotency_key=idempotency_key,
            commune_code=draft.commune_code,
            agency_code=agency_code,
            group_id=draft.group_id,
            procedure_ids=procedures,
            answers=answers,
            catalog_version=CATALOG["version"],
            status=Status.SUBMITTED,
            received_at=received_at,
            due_date=overall,
            vouched=vouched_answers(citizen_id, answers),
            channel="counter" if counter else "online",
            filed_by_officer_id=counter.officer_id if counter else None,
        )
        electronic = forms.electronic_for(draft.commune_code, procedures)
        changes = (
            {"declaration": {"method": confirmed_with, "electronic": electronic}}
            if electronic
            else {}
        )
        if counter:  # who filed, for whom, how the citizen confirmed
            changes["counter"] = {"consent": counter.consent, "citizen_id": citizen_id}
        note = COUNTER_NOTE if counter else "Công dân nộp hồ sơ trực tuyến"
        if helped_by:  # "giúp người dân": the helper's role only (domain.helping)
            changes["helped_by"] = helped_by
            note += f", có người giúp: {helping.label(helped_by).lower()}"
        submitted_id = connection.execute(
            _INSERT_EVENT,
            {
                "dossier_id": dossier.id,
                "status": Status.SUBMITTED,
                "actor": counter.role if counter else "citizen",
                "officer_id": counter.officer_id if counter else None,
                "note": note,
                "at": received_at,
                "changes": changes or None,
            },
        ).scalar_one()
        # The SMS only when confirmed by SMS code (a passkey citizen gets none);
        # the email whenever the citizen gave an address.
        notify.enqueue_receipt(dossier, submitted_id, sms=receipt_sms, connection=connection)
        connection.execute(
            _INSERT_STEP,
            [
                {
                    "dossier_id": dossier.id,
                    "procedure_id": pid,
                    "agency": CATALOG["procedures"][pid]["agency"],
                    "position": position,
                    "due_date": per_procedure[pid],
                }
                for position, pid in enumerate(procedures)
            ],
        )
        connection.execute(_FILE_UPLOADS, {"draft": draft.id, "dossier": dossier.id})
        connection.execute(_MARK_DRAFT_FILED, {"draft": draft.id, "dossier": dossier.id})
        set_committed_value(draft, "dossier_id", dossier.id)
        # What was just written stays known after the commit: expired, the
        # answer's code and due date cost a SELECT in a new transaction (on
        # SQLite a writing one, BEGIN IMMEDIATE: the write lock once more).
        written = {key: getattr(dossier, key) for key in _DOSSIER_COLUMNS}
        db.session.commit()
        for key, value in written.items():
            set_committed_value(dossier, key, value)
    except IntegrityError:
        # Another request with the same key won the race: answer with its dossier.
        db.session.rollback()
        dossier = existing_dossier(citizen_id, idempotency_key)
        if dossier is None:
            raise
    return dossier
