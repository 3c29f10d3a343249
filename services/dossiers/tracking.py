"""What a dossier's timeline shows, built from its append-only history.

Never an officer's name or account: an office action shows the agency that
acted. ``private=True`` (the signed-in citizen's own page) adds what only the
citizen may read: reasons, what to supplement, the results' numbers.
"""

import hmac
import re
import threading
from collections import OrderedDict

from flask import current_app
from sqlalchemy import bindparam, func, select

from domain import statuses
from domain.catalog import CATALOG
from domain.communes import get_commune
from domain.dossier_code import parse_code
from domain.working_days import VN_TZ, format_vn_date
from extensions import FailureLimit, db
from models import Citizen, Dossier, VneidIdentity
from models.base import as_utc


def local_time(value) -> str:
    return as_utc(value).astimezone(VN_TZ).isoformat(timespec="minutes")


def group_title(group_id: str) -> str:
    return next(g["title"] for g in CATALOG["groups"] if g["id"] == group_id)


def _by(actor: str) -> str:
    if actor == "citizen":
        return "Công dân"
    agency = CATALOG["agencies"].get(actor)
    return agency["short"] if agency else "UBND xã"


def _delivery(dossier: Dossier) -> dict:
    answers = dossier.answers or {}
    if answers.get("nhan-ket-qua.hinh_thuc") == "buu-chinh":
        return {"method": "buu-chinh", "text": "Qua bưu chính công ích",
                "fee": CATALOG["fees"]["postal"]["text"]}  # fmt: skip
    return {"method": "tai-xa", "text": "Tại Bộ phận một cửa UBND xã", "fee": ""}


# Events whose own words say more than the status the dossier was left in: a
# stopped last step leaves the dossier "done" (the others have results), but
# the line is about the stop.
EVENT_LABELS = {
    "stop": "Dừng xử lý",
    "apologize": "Xin lỗi, hẹn lại ngày trả kết quả",
    "resubmit": "Công dân nộp bổ sung",
    "correct_result": "Sửa kết quả đã ghi",
}


def event_label(event) -> str:
    return EVENT_LABELS.get(event.action or "", statuses.label(event.status))


def status_json(dossier: Dossier, private: bool = False) -> dict:
    commune = get_commune(dossier.commune_code)
    body = {
        "code": dossier.code,
        "group_title": group_title(dossier.group_id),
        "status": dossier.status,
        "label": statuses.label(dossier.status),
        "explanation": statuses.EXPLANATIONS[statuses.Status(dossier.status)],
        "received_at": local_time(dossier.received_at),
        "due_date": dossier.due_date.isoformat(),
        "due_text": format_vn_date(dossier.due_date),
        "commune": commune.label if commune else dossier.commune_code,
        "events": [
            {
                "status": e.status,
                "label": event_label(e),
                "at": local_time(e.at),
                "procedure": CATALOG["procedures"][e.procedure_id]["title"]
                if e.procedure_id
                else None,
                "note": e.note,
                "by": _by(e.actor),
                **({"detail": e.detail} if private and e.detail else {}),
            }
            for e in dossier.events
        ],
        "progress": [
            {
                "procedure_id": p.procedure_id,
                "title": CATALOG["procedures"][p.procedure_id]["title"],
                "agency": CATALOG["agencies"][p.agency]["name"],
                "status": p.status,
                "label": statuses.label(p.status),
                "due_date": p.due_date.isoformat(),
            }
            for p in dossier.progress
        ],
        "delivery": _delivery(dossier),
    }
    if private and dossier.supplement:
        body["supplement"] = {
            "message": dossier.supplement.get("message", ""),
            "attachments": [
                a["title"]
                for pid in dossier.procedure_ids
                for a in CATALOG["procedures"][pid]["attachments"]
                if a["id"] in dossier.supplement.get("attachments", [])
            ],
            "sections": [
                CATALOG["sections"][s]["title"] for s in dossier.supplement.get("sections", [])
            ],
        }
    return body


_FIND = (
    # The phone account's number, else the one the e-ID vouched for.
    select(Dossier.id, Dossier.version, func.coalesce(Citizen.phone, VneidIdentity.phone))
    .join(Citizen, Citizen.id == Dossier.citizen_id)
    .outerjoin(VneidIdentity, VneidIdentity.citizen_id == Citizen.id)
    .where(Dossier.code == bindparam("code"))
)
_FIND_SQL: dict[str, tuple[str, tuple | None]] = {}


def _find_row(code: str):
    """(id, version, phone) of the dossier with this code, or None.

    The hottest query of the site, so it skips the ORM session and its
    transaction: one statement on a pooled DBAPI connection reads a consistent
    row by itself, and the session's BEGIN, PRAGMA and ROLLBACK round trips
    cost more than the query. The SQL is compiled once per dialect.
    """
    engine = db.engine
    compiled = _FIND_SQL.get(engine.dialect.name)
    if compiled is None:
        statement = _FIND.compile(dialect=engine.dialect)
        positions = statement.positiontup
        compiled = statement.string, tuple(positions) if positions else None
        _FIND_SQL[engine.dialect.name] = compiled
    sql, positions = compiled
    params = (code,) * len(positions) if positions is not None else {"code": code}
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchone()
        finally:
            cursor.close()
    except engine.dialect.loaded_dbapi.OperationalError as error:
        # A raw connection's failure is not seen by SQLAlchemy: after a
        # database restart the dead connection would go back to the pool and
        # fail every lookup after it. Drop it, and the pool's other (as dead)
        # ones; the caller answers 503 and the next lookup connects anew.
        # (SQLite's OperationalError is a locked file: the connection is fine.)
        if engine.dialect.name != "sqlite":
            connection.invalidate(error)
            engine.dispose(close=False)
        raise
    finally:
        connection.close()  # back to the pool, rolled back


# What the citizen may type around the 4 digits.
_SEPARATORS = re.compile(r"[\s\-.]")
# ASCII digits only: str.isdigit() also takes "²" and "١", which no stored
# number holds (and which made compare_digest raise: a 500 for a real code
# against a 404 for an unknown one, an oracle for free).
_LAST4 = re.compile(r"[0-9]{4}")

# Wrong code-and-digits guesses, counted on every entry point together (the
# API and the page): per address, and per dossier code so that many
# addresses together cannot try all 10,000 endings of one code.
ADDRESS_GUESSES = FailureLimit("status-lookup", "TRACKING_ADDRESS_GUESS_LIMIT")
CODE_GUESSES = FailureLimit("status-lookup-code", "TRACKING_CODE_GUESS_LIMIT")


class LookupRefused(Exception):
    """A lookup not even tried: bad digits (400) or no guesses left (429)."""

    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after


def clean_last4(raw: str) -> str | None:
    digits = _SEPARATORS.sub("", raw or "")
    return digits if _LAST4.fullmatch(digits) else None


def _find(code_key: str | None, phone_last4: str):
    """(id, version) of the dossier, if the code and the phone's last 4 digits match.

    A code alone is guessable: it must come with the phone's last 4 digits.
    `code_key` is _code_key's (None for a code that does not parse)."""
    if code_key is None or not _LAST4.fullmatch(phone_last4):
        return None
    row = _find_row(code_key)
    # E.164 keeps the national number's digits, so its last 4 are the phone's.
    # An account without a phone (filed at the counter, or VNeID only) has no
    # digits to match: answered as wrong digits are, never as a fault.
    if row is None or not row[2] or not hmac.compare_digest(row[2][-4:], phone_last4):
        return None
    return row[0], row[1]


def _code_key(code: str) -> str | None:
    """The stored form of a code that parses, else None: the row's key and the
    per-code budget's. (A code that parses is already in its stored form once
    stripped and upper-cased: format_code would rebuild the same text.)"""
    return code.strip().upper() if parse_code(code) is not None else None


def _refusal(code_key: str | None, address: str | None = None) -> LookupRefused | None:
    """The 429 to answer when a guess budget is spent, else None (nothing counted)."""
    wait = ADDRESS_GUESSES.retry_after(address)
    if wait is not None:
        return LookupRefused(429, "rate_limited", "Bạn đã tra cứu sai quá nhiều lần.", wait)
    wait = CODE_GUESSES.retry_after(code_key) if code_key else None
    if wait is not None:
        return LookupRefused(
            429,
            "code_rate_limited",
            "Mã hồ sơ này đã bị tra cứu sai quá nhiều lần nên tạm khóa tra cứu công khai. "
            "Chủ hồ sơ vẫn xem được trong “Hồ sơ của tôi” sau khi đăng nhập.",
            wait,
        )
    return None


def _guarded(code: str, phone_last4: str):
    """_public_status behind the digit check and both failure budgets.

    Every answer here is the same for a code that exists and one that does
    not: only the right digits of an existing code tell them apart.
    """
    digits = clean_last4(phone_last4)
    if digits is None:
        raise LookupRefused(
            400,
            "invalid_phone_last4",
            "Hãy nhập đúng 4 chữ số (0–9) cuối của số điện thoại đã dùng khi nộp hồ sơ.",
        )
    code_key = _code_key(code)
    refusal = _refusal(code_key)
    if refusal is not None:
        raise refusal
    kept = _public_status(code_key, digits)
    if kept is None:
        ADDRESS_GUESSES.failed()
        if code_key:
            CODE_GUESSES.failed(code_key)
    return kept


def kept_answer(code: str, phone_last4: str, address: str) -> bytes | None:
    """The JSON a lookup would answer 200 with, when it is already kept; else None.

    Only reads: the same digit check, the same two budgets and the same row
    as _guarded, but it never counts a failure nor builds an answer. None
    means "answer it the full way" (a wrong guess, a spent budget, bad
    digits, a status not kept yet), which then does the counting once.
    `address` is the client's, as the address budget keys it.
    """
    digits, code_key = clean_last4(phone_last4), _code_key(code)
    if digits is None or code_key is None or _refusal(code_key, address) is not None:
        return None
    found = _find(code_key, digits)
    kept = _status_cache().get(found) if found is not None else None
    return kept[1] if kept is not None else None


# The public status of a dossier, by (id, version). Every change to what it
# shows goes through services.desk.office.perform, which always updates the dossier
# row and so its version (version_id_col): an entry is never stale, only
# unused. Lookups are far more frequent than changes, and building the answer
# takes three more queries. Each app (so each process, each test's database)
# keeps its own bounded copy.
STATUS_CACHE_SIZE = 2048


class _StatusCache:
    def __init__(self) -> None:
        self.entries: OrderedDict[tuple[int, int], tuple[dict, bytes]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[int, int]) -> tuple[dict, bytes] | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: tuple[int, int], value: tuple[dict, bytes]) -> None:
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > STATUS_CACHE_SIZE:
                self.entries.popitem(last=False)


def _status_cache() -> _StatusCache:
    return current_app.extensions.setdefault("status_cache", _StatusCache())


def _public_status(code_key: str | None, phone_last4: str) -> tuple[dict, bytes] | None:
    found = _find(code_key, phone_last4)
    if found is None:
        return None
    cache = _status_cache()
    kept = cache.get(found)
    if kept is None:
        dossier = db.session.get(Dossier, found[0])
        body = status_json(dossier)
        # The JSON is made once too, byte for byte as jsonify makes it.
        kept = body, current_app.json.response(body).get_data()
        # Keyed by the version this copy was built from, which may be newer
        # than the one just read (another commit in between): still correct.
        cache.put((dossier.id, dossier.version), kept)
    return kept


def lookup_status(code: str, phone_last4: str) -> dict | None:
    """The public status (as status_json) for a code and the phone's last 4 digits.

    None when they do not match; LookupRefused when not even tried."""
    kept = _guarded(code, phone_last4)
    return kept[0] if kept is not None else None


def lookup_status_json(code: str, phone_last4: str) -> bytes | None:
    """lookup_status as the JSON the API sends."""
    kept = _guarded(code, phone_last4)
    return kept[1] if kept is not None else None
