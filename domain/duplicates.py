"""The same event filed twice: one key per birth or death, from the answers.

A birth is the same child: the mother's personal ID number, the child's date
of birth and full name. A death is the same deceased: their personal ID number.
Names are compared folded (``domain.communes.fold``: no diacritics, lowercase)
and without any spacing, so "Trần Minh An", "TRAN MINH AN" and "Trần  MinhAn"
are one child. A dossier without those answers has no key and matches nothing.
"""

from __future__ import annotations

from domain.communes import fold
from domain.numbers import ascii_digits

MESSAGE = (
    "Có thể đã có hồ sơ cho trường hợp này: một hồ sơ khác khai cùng {what}. Nếu bạn "
    "hoặc người thân đã nộp, không cần nộp lại; hãy theo dõi hồ sơ đã nộp, hoặc hỏi UBND xã."
)
WHAT = {"khai-sinh": "trẻ (mẹ, ngày sinh, họ tên)", "khai-tu": "người đã mất (số định danh)"}


def _name(*parts: str) -> str:
    return "".join(fold(" ".join(p for p in parts if p)).split())


def event_key(group_id: str | None, answers: dict | None) -> str | None:
    answers = answers or {}
    if group_id == "khai-sinh":
        mother = ascii_digits(answers.get("me.so_dinh_danh", "") or "")
        born = (answers.get("tre.ngay_sinh") or "").strip()
        name = _name(answers.get("tre.ho", ""), answers.get("tre.chu_dem", ""),
                     answers.get("tre.ten", ""))  # fmt: skip
        return f"ks:{mother}:{born}:{name}" if mother and born and name else None
    if group_id == "khai-tu":
        deceased = ascii_digits(answers.get("nguoi-mat.so_dinh_danh", "") or "")
        return f"kt:{deceased}" if deceased else None
    return None


def message(group_id: str) -> str:
    return MESSAGE.format(what=WHAT.get(group_id, "thông tin"))
