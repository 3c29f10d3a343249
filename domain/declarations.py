"""How a declaration is signed: on paper (the photo of the signed form, the
default, as the commune guide says today), or by the citizen's electronic
confirmation at submit (SMS code or passkey), where the province allows it
for that procedure.

The setting is a list of ``<province code>:<procedure id>`` pairs, ``*`` for
every province or every procedure, e.g. ``"19:dang-ky-khai-sinh, *:cap-the-bhyt"``
(setting ``ELECTRONIC_DECLARATION``, empty by default).
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.catalog import CATALOG, lower_first

ANY = "*"
METHODS = {
    "paper": "Ký trên tờ khai giấy (ảnh tờ khai đã ký)",
    "sms": "Xác nhận điện tử khi nộp bằng mã SMS gửi đến số điện thoại của người yêu cầu",
    "passkey": "Xác nhận điện tử khi nộp bằng khóa đăng nhập (passkey) của người yêu cầu",
}


def signed_procedures() -> set[str]:
    """Procedures whose catalog asks for a signed form."""
    return {
        pid
        for pid, procedure in CATALOG["procedures"].items()
        if any(a.get("form") for a in procedure["attachments"])
    }


def parse(text: str) -> frozenset[tuple[str, str]]:
    """The setting as (province, procedure) pairs; ValueError names a bad entry,
    so a typo stops the start instead of silently asking for paper."""
    pairs = set()
    for entry in (text or "").replace(";", ",").split(","):
        entry = entry.strip()
        if not entry:
            continue
        province, sep, procedure = entry.partition(":")
        province, procedure = province.strip(), procedure.strip()
        if not sep or not (province == ANY or (province.isdigit() and len(province) <= 2)):
            raise ValueError(f"ELECTRONIC_DECLARATION: {entry!r} is not <province>:<procedure>")
        if procedure != ANY and procedure not in signed_procedures():
            raise ValueError(
                f"ELECTRONIC_DECLARATION: {procedure!r} is not a procedure with a signed form"
            )
        pairs.add((ANY if province == ANY else str(int(province)), procedure))
    return frozenset(pairs)


def electronic(
    pairs: frozenset[tuple[str, str]], province_code: int | str | None, procedure_ids: Iterable[str]
) -> list[str]:
    """Of these procedures, those whose declaration this province lets the
    citizen confirm electronically, in the order given."""
    if province_code is None:
        return []
    province = str(int(province_code))
    signed = signed_procedures()
    return [
        pid
        for pid in procedure_ids
        if pid in signed and any(p in (province, ANY) and q in (pid, ANY) for p, q in pairs)
    ]


def line(declaration: dict) -> str:
    """What an electronic declaration stood for, as the dossier page's history
    and the printed control sheet both say it."""
    titles = [CATALOG["procedures"][p]["title"] for p in declaration["electronic"]]
    return (
        f"Tờ khai {', '.join(titles)}: {lower_first(METHODS[declaration['method']])}, thay chữ ký"
    )
