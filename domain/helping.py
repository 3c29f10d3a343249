"""Helping a citizen on the citizen's own phone ("giúp người dân").

A village official (or another helper) guides the citizen through the wizard
on the citizen's phone. The helper never signs in there: the citizen signs in
with their own number and confirms with the code sent to it. Only the
helper's role is recorded, in the dossier's history; nothing of the helper's
account, name or phone is asked for or kept on the phone.
"""

from __future__ import annotations

COOKIE = "giup"  # holds only a role key below, and goes with the next submit
ROLES = {
    "truong-thon": "Trưởng thôn, tổ trưởng tổ dân phố",
    "doan-the": "Cán bộ hội, đoàn thể ở thôn",
    "y-te-thon": "Nhân viên y tế thôn, bản",
    "cong-an-vien": "Công an viên, bảo vệ dân phố",
    "nguoi-than": "Người thân, hàng xóm",
}


def role_of(value: str | None) -> str | None:
    return value if value in ROLES else None


def label(role: str | None) -> str:
    return ROLES.get(role or "", "")
