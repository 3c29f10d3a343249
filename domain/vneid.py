"""What a national e-ID (VNeID) sign-in vouches for, and how the forms use it.

Plain rules, no request: the claims of a checked ID token turned into the
few values kept; the answers they fill; and the answers a dossier may not
change once they came from the identity.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from domain.errors import RuleError
from domain.phones import national_format, normalize_vn_mobile

LEVEL_1_REFUSED = (
    "Tài khoản định danh mức 1 chưa nộp được hồ sơ này; hãy nâng lên mức 2 tại công an xã "
    "hoặc trên ứng dụng VNeID"
)

_SEX = {"male": "nam", "female": "nu", "nam": "nam", "nu": "nu"}


@dataclass(frozen=True)
class Vouched:
    personal_id: str
    full_name: str
    birth_date: date | None
    sex: str | None
    phone: str | None  # E.164
    residence: str | None
    level: str


class ClaimsProblem(Exception):
    """The provider's claims lack what a sign-in needs (never its values in the message)."""


def read_claims(claims: dict, id_claim: str, level_claim: str) -> Vouched:
    """The minimum the forms use, from an ID token already checked by the client."""
    personal_id = str(claims.get(id_claim) or "").strip()
    if len(personal_id) != 12 or not personal_id.isdigit():
        raise ClaimsProblem(f"claim {id_claim} missing or not 12 digits")
    full_name = " ".join(str(claims.get("name") or "").split())
    if not full_name:
        raise ClaimsProblem("claim name missing")
    try:
        birth = date.fromisoformat(str(claims.get("birthdate")))
    except ValueError:
        birth = None
    sex = _SEX.get(str(claims.get("gender") or "").lower())
    try:
        phone = (
            normalize_vn_mobile(str(claims["phone_number"])) if claims.get("phone_number") else None
        )
    except RuleError:
        phone = None
    address = claims.get("address")
    residence = address.get("formatted") if isinstance(address, dict) else address
    residence = " ".join(str(residence).split())[:200] if residence else None
    return Vouched(
        personal_id=personal_id,
        full_name=full_name[:100],
        birth_date=birth,
        sex=sex,
        phone=phone,
        residence=residence,
        level=str(claims.get(level_claim) or ""),
    )


def may_file(level: str, filing_levels: list[str]) -> bool:
    return level in filing_levels


# Which answer comes from which vouched value, and whether the citizen may
# change it, is the catalog's (a field's "vouched": {"from", "change"}, a
# section's "vouched_if"): "fixed" is refused if changed (the identity is the
# authority: name, ID number, date of birth); "reason" may be changed with a
# reason written in the field marked "vouched_reason" (phone, residence).
RELATIONSHIP_KEY = "tre.quan_he_nguoi_yeu_cau"
REQUESTER_SECTION = "nguoi-yeu-cau"


@dataclass(frozen=True)
class VouchedField:
    key: str
    attribute: str
    change: str  # "fixed" | "reason"
    section: str
    when: dict | None  # the section's vouched_if, None for the requester's own


def _catalog_fields() -> list[VouchedField]:
    from domain.catalog import CATALOG

    found = []
    for section_id, section in CATALOG["sections"].items():
        for field in section["fields"]:
            rule = field.get("vouched")
            if rule:
                found.append(VouchedField(field["key"], rule["from"], rule["change"],
                                          section_id, section.get("vouched_if")))  # fmt: skip
    return found


def reason_key() -> str:
    from domain.catalog import CATALOG

    return next(f["key"] for s in CATALOG["sections"].values() for f in s["fields"]
                if f.get("vouched_reason"))  # fmt: skip


_UNIT = re.compile(r"^(xã|phường|đặc khu|thị trấn)\s", re.I)


def _lower(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def split_residence(residence: str | None) -> tuple[str | None, str | None]:
    """(commune code, address line) of a formatted residence such as "Xóm Làng
    Mới, xã Văn Lăng, tỉnh Thái Nguyên"; None for what cannot be told apart."""
    from domain.communes import fold, search_communes

    parts = [p.strip() for p in (residence or "").split(",") if p.strip()]
    for i, part in enumerate(parts):
        if not _UNIT.match(part):
            continue
        address = ", ".join(parts[:i])[:200] or None
        found = search_communes(", ".join(parts[i:]), limit=5)
        # Spelled as given, tone marks included (Văn Lăng is not Văn Lang),
        # else the one name that matches without them.
        same = [c for c in found if _lower(c.name) == _lower(part)] or [
            c for c in found if fold(c.name) == fold(part)
        ]
        return (f"{same[0].code:05d}" if len(same) == 1 else None), address
    return None, None


def _value(vouched: Vouched, attribute: str) -> str | None:
    if attribute == "residence_commune":
        return split_residence(vouched.residence)[0]
    if attribute == "residence_address":
        return split_residence(vouched.residence)[1]
    value = getattr(vouched, attribute)
    if value is None:
        return None
    if attribute == "phone":
        return national_format(value).replace(" ", "")
    if attribute == "birth_date":
        return value.isoformat()
    return value


def _applies(field: VouchedField, answers: dict) -> bool:
    return field.when is None or str(answers.get(field.when["field"]) or "") == field.when["equals"]


def fields_for(answers: dict) -> list[VouchedField]:
    """The vouched fields for these answers (a parent's once the relationship says so)."""
    return [f for f in _catalog_fields() if _applies(f, answers)]


def form_values(vouched: Vouched) -> dict[str, dict]:
    """Every answer the identity can fill, for the wizard: {key: {value, change,
    parent}}; "parent" is the relationship under which a parent's section is
    the citizen's own ("nguoi-yeu-cau" for the requester's)."""
    out = {}
    for field in _catalog_fields():
        value = _value(vouched, field.attribute)
        if value is not None:
            parent = field.when["equals"] if field.when else REQUESTER_SECTION
            out[field.key] = {"value": value, "change": field.change, "parent": parent}
            if field.attribute == "residence_commune":
                from domain.communes import get_commune

                out[field.key]["label"] = get_commune(value).label  # the wizard shows it
    return out


def _same(key: str, given, expected: str) -> bool:
    given = " ".join(str(given or "").split())
    if key.endswith("dien_thoai"):
        try:
            return normalize_vn_mobile(given) == normalize_vn_mobile(expected)
        except RuleError:
            return False
    if key.endswith("ho_ten") or key.endswith("dia_chi"):
        return given.casefold() == " ".join(expected.split()).casefold()
    return given == expected


FIXED_CHANGED = (
    "Thông tin này lấy từ tài khoản VNeID của bạn nên không sửa được. "
    "Hãy để đúng như VNeID, hoặc sửa thông tin tại công an xã."
)


def compare(answers: dict, vouched: Vouched) -> tuple[dict[str, str], list[str], dict[str, str]]:
    """(errors by field, keys kept as vouched, {changed key: the vouched value}).

    A "fixed" field that differs is refused; a "reason" field that differs
    needs the reason field filled; a typed ID number of another person that
    is the citizen's own must come with their vouched name and birth date.
    """
    errors: dict[str, str] = {}
    kept: list[str] = []
    changed: dict[str, str] = {}
    fields = fields_for(answers)
    for field in fields:
        expected = _value(vouched, field.attribute)
        if expected is None or field.key not in answers:
            continue
        if _same(field.key, answers[field.key], expected):
            kept.append(field.key)
        elif field.change == "fixed":
            errors[field.key] = FIXED_CHANGED
        else:
            changed[field.key] = expected
    why = reason_key()
    if changed and not " ".join(str(answers.get(why) or "").split()):
        from domain.catalog import get_field

        names = ", ".join(get_field(k)["name"] for k in changed)
        errors[why] = (
            f"Bạn đã sửa thông tin lấy từ VNeID ({names}). Hãy ghi lý do sửa, "
            "hoặc để lại như VNeID."
        )
    keys = {f.key for f in fields}
    for key, value in answers.items():
        if not key.endswith(".so_dinh_danh") or key in keys or value != vouched.personal_id:
            continue
        section = key.rsplit(".", 1)[0]
        name, birth = answers.get(f"{section}.ho_ten"), answers.get(f"{section}.ngay_sinh")
        if (name is not None and not _same("ho_ten", name, vouched.full_name)) or (
            birth is not None
            and vouched.birth_date is not None
            and birth != vouched.birth_date.isoformat()
        ):
            errors[key] = (
                "Đây là số định danh của bạn (đã xác thực qua VNeID): họ tên và ngày sinh "
                "ở mục này phải đúng như trong VNeID."
            )
    return errors, kept, changed


def check_answers(answers: dict, vouched: Vouched) -> tuple[dict[str, str], list[str]]:
    """(errors by field, keys vouched for) of a dossier filed by this identity."""
    errors, kept, _changed = compare(answers, vouched)
    return errors, kept


def dossier_record(answers: dict, vouched: Vouched, vouched_at: str) -> dict | None:
    """What the office sees: {key: when vouched} for a value kept as the
    identity gave it, {key: {"at", "vouched", "reason"}} for one changed."""
    _errors, kept, changed = compare(answers, vouched)
    reason = " ".join(str(answers.get(reason_key()) or "").split())
    record: dict = {key: vouched_at for key in kept}
    for key, original in changed.items():
        record[key] = {"at": vouched_at, "vouched": original, "reason": reason}
    return record or None
