"""What an agency records when its procedure is done, per procedure.

Fields use the catalog's field format, so ``domain.validation.validate_field``
checks them with the same messages as the citizen's form. The child's personal
ID number is also checked against the child's date of birth and sex.
"""

from __future__ import annotations

from datetime import date

from domain import validation
from domain.errors import RuleError
from domain.personal_id import check_personal_id


def _field(fid: str, label: str, kind: str = "text", **extra) -> dict:
    base = {
        "id": fid,
        "key": f"ket-qua.{fid}",
        "label": label,
        "name": label[:1].lower() + label[1:],
        "type": kind,
        "required": True,
    }
    if kind == "text":
        base["max_length"] = 40
    if kind == "date":
        base.update(not_future=True, not_before="2000-01-01")
    return {**base, **extra}


_REGISTRATION = [
    _field("so_dang_ky", "Số đăng ký"),
    _field("quyen_so", "Quyển số", required=False),
    _field("ngay_dang_ky", "Ngày đăng ký", "date"),
]
_DECISION = [
    _field("so_quyet_dinh", "Số quyết định"),
    _field("so_tien", "Số tiền được hưởng (đồng)", "integer", min=0, max=999_999_999),
]

RESULT_FIELDS: dict[str, list[dict]] = {
    "dang-ky-khai-sinh": [
        *_REGISTRATION,
        _field("so_dinh_danh_tre", "Số định danh cá nhân của trẻ", "personal_id"),
    ],
    "dang-ky-thuong-tru": [
        _field("so_thong_bao", "Số thông báo kết quả đăng ký thường trú"),
    ],
    "cap-the-bhyt": [
        _field("ma_so_bhxh", "Mã số BHXH (số thẻ BHYT) của trẻ", digits=[10, 10]),
        _field(
            "han_the", "Thẻ có giá trị đến ngày", "date", not_future=False, not_before="2020-01-01"
        ),
    ],
    "dang-ky-khai-tu": list(_REGISTRATION),
    "xoa-thuong-tru": [_field("so_thong_bao", "Số thông báo xóa đăng ký thường trú")],
    "tro-cap-mai-tang": list(_DECISION),
    "ho-tro-mai-tang": list(_DECISION),
}


def result_fields(procedure_id: str) -> list[dict]:
    return RESULT_FIELDS.get(procedure_id, [])


def check_result(
    procedure_id: str, values: dict[str, str], answers: dict, *, today: date
) -> tuple[dict[str, str], dict[str, str]]:
    """(cleaned values, errors by field id). The child's ID number must agree
    with the child's date of birth and sex given in the dossier."""
    cleaned, errors = {}, {}
    for f in result_fields(procedure_id):
        raw = values.get(f["id"], "")
        message = validation.validate_field(f, raw if isinstance(raw, str) else "", today=today)
        if message:
            errors[f["id"]] = message
        elif raw.strip():
            cleaned[f["id"]] = validation.normalize_text(raw)
    number = cleaned.get("so_dinh_danh_tre")
    if number and "so_dinh_danh_tre" not in errors:
        try:
            born = answers.get("tre.ngay_sinh")
            check_personal_id(
                number,
                birth_date=date.fromisoformat(born) if born else None,
                sex=answers.get("tre.gioi_tinh") or None,
            )
        except RuleError as error:
            errors["so_dinh_danh_tre"] = error.message
    return cleaned, errors


def describe(procedure_id: str, values: dict) -> str:
    """ "Số đăng ký: 12; Ngày đăng ký: 26/11/2026" – for the citizen and the email."""
    parts = []
    for f in result_fields(procedure_id):
        value = values.get(f["id"])
        if value:
            parts.append(f"{f['label']}: {_shown(f, value)}")
    return "; ".join(parts)


def _shown(f: dict, value: str) -> str:
    if f["type"] == "date":
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}"
    if f["type"] == "integer":
        return f"{int(value):,}".replace(",", ".")
    return value


def describe_correction(procedure_id: str, correction: dict) -> list[str]:
    """Each corrected field of a result, "label: old → new" (history, control sheet)."""
    fields = {f["id"]: f for f in result_fields(procedure_id)}
    lines = []
    for key, (old, new) in correction.items():
        f = fields.get(key, {"label": key, "type": "text"})
        was = _shown(f, old) if old else "(trống)"
        now = _shown(f, new) if new else "(trống)"
        lines.append(f"{f['label']}: {was} → {now}")
    return lines


def searchable(procedure_id: str, values: dict) -> list[str]:
    """The recorded numbers an officer may search by: registration, notice and
    decision numbers, ID and insurance numbers; not dates or amounts."""
    return [
        values[f["id"]]
        for f in result_fields(procedure_id)
        if f["type"] in ("text", "personal_id") and values.get(f["id"])
    ]
