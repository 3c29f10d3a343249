"""What a national e-ID (VNeID) sign-in vouches for, and how the forms use it.

Plain rules, no request: the claims of a checked ID token turned into the
few values kept; the answers they fill; and the answers a dossier may not
change once they came from the identity.
"""

from __future__ import annotations

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


# The catalog of vouched fields: which answer comes from which value, and
# whether the citizen may change it. "fixed": refused if changed (the identity
# is the authority: name, ID number, date of birth). "free": filled, and
# marked as vouched only while it still says what the identity said.
REQUESTER = {
    "nguoi-yeu-cau.ho_ten": ("full_name", "fixed"),
    "nguoi-yeu-cau.so_dinh_danh": ("personal_id", "fixed"),
    "nguoi-yeu-cau.dien_thoai": ("phone", "free"),
}
# Where the requester is the child's mother or father, that parent's section too.
PARENT_OF_CHILD = {"me": "me", "cha": "cha"}
RELATIONSHIP_KEY = "tre.quan_he_nguoi_yeu_cau"


def _parent(section: str) -> dict:
    return {
        f"{section}.ho_ten": ("full_name", "fixed"),
        f"{section}.ngay_sinh": ("birth_date", "fixed"),
        f"{section}.so_dinh_danh": ("personal_id", "fixed"),
    }


def _form_value(vouched: Vouched, attribute: str) -> str | None:
    value = getattr(vouched, attribute)
    if value is None:
        return None
    if attribute == "phone":
        return national_format(value).replace(" ", "")
    if attribute == "birth_date":
        return value.isoformat()
    return value


def fields_for(answers: dict) -> dict[str, tuple[str, str]]:
    """The vouched fields for these answers (the parent's once the relationship says so)."""
    fields = dict(REQUESTER)
    parent = PARENT_OF_CHILD.get(str(answers.get(RELATIONSHIP_KEY) or ""))
    if parent:
        fields.update(_parent(parent))
    return fields


def form_values(vouched: Vouched) -> dict[str, dict]:
    """Every answer the identity can fill, for the wizard: {key: {value, change}},
    the parents' sections included (the wizard uses them once the relationship
    is chosen)."""
    every = {**REQUESTER, **_parent("me"), **_parent("cha")}
    out = {}
    for key, (attribute, change) in every.items():
        value = _form_value(vouched, attribute)
        if value is not None:
            out[key] = {"value": value, "change": change, "parent": key.split(".")[0]}
    return out


def _same(key: str, given, expected: str) -> bool:
    given = " ".join(str(given or "").split())
    if key.endswith("dien_thoai"):
        try:
            return normalize_vn_mobile(given) == normalize_vn_mobile(expected)
        except RuleError:
            return False
    if key.endswith("ho_ten"):
        return given.casefold() == expected.casefold()
    return given == expected


def check_answers(answers: dict, vouched: Vouched) -> tuple[dict[str, str], list[str]]:
    """(errors by field, keys vouched for) of a dossier filed by this identity.

    A fixed field that differs is refused; a typed ID number of another person
    that is the citizen's own must come with their vouched name and birth date.
    """
    errors: dict[str, str] = {}
    kept: list[str] = []
    fields = fields_for(answers)
    for key, (attribute, change) in fields.items():
        expected = _form_value(vouched, attribute)
        if expected is None or key not in answers:
            continue
        if _same(key, answers[key], expected):
            kept.append(key)
        elif change == "fixed":
            errors[key] = (
                "Thông tin này lấy từ tài khoản VNeID của bạn nên không sửa được. "
                "Hãy để đúng như VNeID, hoặc sửa thông tin tại công an xã."
            )
    for key, value in answers.items():
        if not key.endswith(".so_dinh_danh") or key in fields or value != vouched.personal_id:
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
    return errors, kept
