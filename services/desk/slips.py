"""The one-stop slips as A4 PDFs (Circular 03/2025/TT-VPCP, Appendix I, forms 01–07;
it replaced Circular 01/2018/TT-VPCP).

The words of each slip are data (``data/slips/<kind>.toml``: title, form,
intro, labelled fields, closing, signatures, with {placeholders}); this module
fills them from the dossier and its history and typesets them with fpdf2 and
the DejaVu fonts (every Vietnamese letter). Each dossier slip carries the
dossier code as a QR code of the public tracking link and as a Code 39
barcode, so a counter's scanner or a phone finds the dossier again.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from functools import cache
from pathlib import Path

from flask import current_app

from domain import declarations, legal_clock, results, statuses
from domain.catalog import CATALOG
from domain.communes import get_commune
from domain.working_days import VN_TZ, format_vn_date
from extensions import db
from models import Citizen, Commune, Dossier, Upload
from models.base import as_utc
from services.desk import deadlines
from services.desk.posters import FONT_FILES, PosterError, close_fonts, draw_qr, make_qr
from services.messages.notify import public_url

TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "slips"
DOSSIER_SLIPS = {
    "tiep-nhan": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "bo-sung": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "tu-choi": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "xin-loi": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "kiem-soat": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
}
LOGBOOK = "so-theo-doi"


@cache
def template(kind: str) -> dict:
    with open(TEMPLATES / f"{kind}.toml", "rb") as f:
        return tomllib.load(f)


def tracking_link(dossier: Dossier) -> str:
    """What the slip's QR opens: the public lookup with the code filled in
    (the code alone shows nothing: the lookup still asks for the phone)."""
    return public_url(f"/theo-doi?ma={dossier.code}")


def _events(dossier: Dossier, action: str):
    return [e for e in dossier.events if e.action == action]


def available(dossier: Dossier) -> list[tuple[str, str]]:
    """(kind, title) of the slips this dossier has: each once its event happened."""
    found = []
    if dossier.accepted_at:
        found.append("tiep-nhan")
    if dossier.supplement or _events(dossier, "request_supplement"):
        found.append("bo-sung")
    if _events(dossier, "refuse"):
        found.append("tu-choi")
    if _events(dossier, "apologize"):
        found.append("xin-loi")
    found.append("kiem-soat")
    return [(k, DOSSIER_SLIPS[k]) for k in found]


# --- the values ----------------------------------------------------------------


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return as_utc(moment).astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y")


def _desk(dossier: Dossier) -> tuple[str, str]:
    commune = get_commune(dossier.commune_code)
    name = commune.name if commune else dossier.commune_code
    return f"UBND {name}".upper(), f"Bộ phận Một cửa UBND {name}"


def _header(dossier: Dossier) -> tuple[str, str]:
    return _desk(dossier)[0], "Bộ phận Một cửa"


def values(dossier: Dossier) -> dict:
    answers = dossier.answers or {}
    settings = db.session.get(Commune, dossier.commune_code)
    citizen = db.session.get(Citizen, dossier.citizen_id)
    address_commune = get_commune(answers.get("nguoi-yeu-cau.noi_cu_tru_xa", ""))
    address = ", ".join(
        x
        for x in (
            answers.get("nguoi-yeu-cau.noi_cu_tru_dia_chi", ""),
            address_commune.label if address_commune else "",
        )
        if x
    )
    phone = citizen.phone if citizen else ""
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    titles = [CATALOG["procedures"][p]["title"] for p in dossier.procedure_ids]
    promised = dossier.promised_date or dossier.due_date
    v = {
        "code": dossier.code,
        "desk": _desk(dossier)[1],
        "requester": answers.get("nguoi-yeu-cau.ho_ten", ""),
        "address": address,
        "phone": phone,
        "email": answers.get("nguoi-yeu-cau.email", "") or "(không có)",
        "procedures": "; ".join(titles),
        "received_at": _local(dossier.received_at),
        "accepted_at": _local(dossier.accepted_at) or "(chưa tiếp nhận)",
        "accepted_day": (
            as_utc(dossier.accepted_at).astimezone(VN_TZ).strftime("%d/%m/%Y")
            if dossier.accepted_at
            else ""
        ),
        "promised": format_vn_date(promised),
        "due": format_vn_date(dossier.due_date),
        "status": statuses.label(dossier.status),
        "delivery": (
            "Qua bưu chính công ích (công dân trả cước)"
            if answers.get("nhan-ket-qua.hinh_thuc") == "buu-chinh"
            else "Bộ phận Một cửa UBND xã"
        ),
        "channel": (
            "Trực tiếp, tại Bộ phận Một cửa UBND xã"
            if dossier.channel == "counter"
            else "Trực tuyến, qua Cổng dịch vụ công liên thông"
        ),
        "papers_source": (
            "bản chụp tại Bộ phận Một cửa"
            if dossier.channel == "counter"
            else "bản chụp qua Cổng dịch vụ công"
        ),
        "track_url": public_url("/theo-doi"),
        "contact": (
            f"{settings.officer_name}, điện thoại {settings.officer_phone} "
            f"({settings.office_hours})"
            if settings
            else "Bộ phận Một cửa UBND xã"
        ),
    }
    v.update(_supplement_values(dossier))
    v.update(_refusal_values(dossier))
    v.update(_apology_values(dossier))
    return v


def _supplement_values(dossier: Dossier) -> dict:
    asked = _events(dossier, "request_supplement")
    if not asked:
        return {}
    changes = asked[-1].changes or {}
    titles = {a["id"]: a["title"] for p in dossier.procedure_ids
              for a in CATALOG["procedures"][p]["attachments"]}  # fmt: skip
    day = as_utc(asked[-1].at).astimezone(VN_TZ).date()
    by = legal_clock.supplement_due(as_utc(asked[-1].at), deadlines.supplement_days())
    return {
        "supplement": changes.get("reason", ""),
        "supplement_papers": "; ".join(titles.get(a, a) for a in changes.get("attachments", []))
        or "(không)",
        "supplement_sections": "; ".join(
            CATALOG["sections"][s]["title"] for s in changes.get("sections", [])
        )
        or "(không)",
        "supplement_asked": format_vn_date(day),
        "supplement_by": f"{format_vn_date(by)} ({deadlines.supplement_days()} ngày làm việc)",
    }


def _refusal_values(dossier: Dossier) -> dict:
    refused = _events(dossier, "refuse")
    if not refused:
        return {}
    return {
        "refusal": (refused[-1].changes or {}).get("reason", ""),
        "refused_at": _local(refused[-1].at),
    }


def _apology_values(dossier: Dossier) -> dict:
    apologies = _events(dossier, "apologize")
    if not apologies:
        return {}
    last = apologies[-1]
    apology = (last.changes or {}).get("apology", {})
    agency = CATALOG["agencies"].get(last.actor, {}).get("name", "UBND xã")
    return {
        "apology_reason": apology.get("reason", ""),
        "apology_new": format_vn_date(date.fromisoformat(apology["new_date"]))
        if apology.get("new_date")
        else "",
        "apology_agency": agency,
        "apology_at": _local(last.at),
    }


def _papers(dossier: Dossier) -> list[str]:
    titles = {a["id"]: a["title"] for p in dossier.procedure_ids
              for a in CATALOG["procedures"][p]["attachments"]}  # fmt: skip
    counts: dict[str, int] = {}
    for upload in db.session.scalars(db.select(Upload).where(Upload.dossier_id == dossier.id)):
        counts[upload.attachment_id] = counts.get(upload.attachment_id, 0) + 1
    return [f"{titles.get(a, a)}: {n} ảnh" for a, n in counts.items()]


def _history_rows(dossier: Dossier) -> list[list[str]]:
    from domain.workflow import ACTIONS

    rows = []
    for e in dossier.events:
        agency = CATALOG["agencies"].get(e.actor, {}).get("short") or (
            "Công dân" if e.actor == "citizen" else "UBND xã"
        )
        what = ACTIONS.get(e.action or "", "Nộp hồ sơ trực tuyến")
        if e.procedure_id:
            what += f" – {CATALOG['procedures'][e.procedure_id]['title']}"
        declaration = (e.changes or {}).get("declaration") or {}
        if declaration.get("electronic"):
            # How the declaration was signed, where no signed paper is in the file.
            what += f". {declarations.line(declaration)}"
        if e.action == "correct_result" and e.procedure_id:
            # The control sheet shows what was corrected: old and new value, and why.
            changes = e.changes or {}
            fixed = "; ".join(
                results.describe_correction(e.procedure_id, changes.get("correction", {}))
            )
            what += f". {fixed}. Lý do: {changes.get('reason', '')}"
        on_time = ""
        if e.action == "record_result" and e.procedure_id:
            step = next(p for p in dossier.progress if p.procedure_id == e.procedure_id)
            late = as_utc(e.at).astimezone(VN_TZ).date() > step.due_date
            on_time = "Trễ hạn" if late else "Đúng hạn"
        rows.append([_local(e.at), agency, what, on_time])
    return rows


# --- typesetting ---------------------------------------------------------------


def _fill(text: str, v: dict) -> str:
    return text.format_map(_Blank(v))


class _Blank(dict):
    def __missing__(self, key):  # a slip whose event has not happened shows a blank line
        return "………………"


class _Slip:
    def __init__(self, landscape: bool = False):
        from fpdf import FPDF

        font_dir = Path(current_app.config["POSTER_FONT_DIR"])
        paths = {style: font_dir / name for style, name in FONT_FILES.items()}
        missing = [str(p) for p in paths.values() if not p.exists()]
        if missing:
            raise PosterError(
                "Thiếu phông chữ để in phiếu: " + ", ".join(missing) + ". "
                "Hãy cài gói fonts-dejavu-core (make run cài sẵn) hoặc đặt POSTER_FONT_DIR."
            )
        self.pdf = FPDF(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.pdf.set_margins(18, 15, 15)
        self.pdf.set_auto_page_break(True, 15)
        self.pdf.set_creator("Dịch vụ công liên thông")
        for style, path in paths.items():
            self.pdf.add_font("DejaVu", style, str(path))
        self.pdf.add_page()

    def font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font("DejaVu", "B" if bold else "", size)

    def header(self, left: tuple[str, str], form: str) -> None:
        pdf = self.pdf
        w = pdf.epw
        top = pdf.get_y()
        self.font(10, True)
        pdf.set_xy(pdf.l_margin, top)
        pdf.multi_cell(w * 0.42, 5, f"{left[0]}\n{left[1].upper()}", align="C")
        pdf.set_xy(pdf.l_margin + w * 0.42, top)
        nation = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
        pdf.multi_cell(w * 0.58, 5, nation, align="C")
        self.font(8)
        pdf.set_xy(pdf.l_margin, top + 13)
        pdf.cell(w, 4, form, align="R")
        pdf.set_y(top + 20)

    def codes(self, link: str, code: str) -> None:
        """QR of the tracking link at the right, the code's barcode at the left."""
        pdf = self.pdf
        y = pdf.get_y()
        qr = make_qr(link)
        size = 30.0
        x = pdf.l_margin + pdf.epw - size
        draw_qr(pdf, qr.matrix, x, y, size)
        pdf.code39(f"*{code}*", pdf.l_margin + 2, y + 4, w=0.9, h=13)
        self.font(9)
        pdf.set_xy(pdf.l_margin, y + 20)
        pdf.cell(100, 4, f"Mã hồ sơ: {code}")
        pdf.set_y(y + size + 2)

    def title(self, text: str) -> None:
        self.font(14, True)
        self.pdf.multi_cell(self.pdf.epw, 7, text, align="C")
        self.pdf.ln(3)

    def paragraph(self, text: str, size: float = 11) -> None:
        self.font(size)
        self.pdf.multi_cell(self.pdf.epw, 5.8, text, align="L")
        self.pdf.ln(1.5)

    def field(self, label: str, value: str) -> None:
        pdf = self.pdf
        self.font(11, True)
        pdf.multi_cell(pdf.epw, 5.8, f"{label}: ", new_x="END", new_y="TOP")
        self.font(11)
        pdf.multi_cell(0, 5.8, value)
        pdf.set_x(pdf.l_margin)

    def table(self, columns: list[str], widths: list[float], rows: list[list[str]]) -> None:
        pdf = self.pdf
        scale = pdf.epw / sum(widths)
        self.font(9)
        with pdf.table(
            col_widths=tuple(w * scale for w in widths), line_height=5, text_align="LEFT"
        ) as table:
            head = table.row()
            for c in columns:
                head.cell(c)
            for r in rows:
                row = table.row()
                for cell in r:
                    row.cell(cell)
        pdf.ln(3)

    def signatures(self, names: list[str]) -> None:
        if not names:
            return
        pdf = self.pdf
        pdf.ln(4)
        y = pdf.get_y()
        half = pdf.epw / 2
        for i, name in enumerate(names):
            pdf.set_xy(pdf.l_margin + i * half, y)
            self.font(11, True)
            pdf.cell(half, 6, name, align="C")
            if name:
                self.font(9)
                pdf.set_xy(pdf.l_margin + i * half, y + 6)
                pdf.cell(half, 5, "(Ký và ghi rõ họ tên)", align="C")

    def output(self, title: str) -> bytes:
        self.pdf.set_title(title)
        try:
            return bytes(self.pdf.output())
        finally:
            close_fonts(self.pdf)


def render(kind: str, dossier: Dossier) -> bytes:
    """The slip ``kind`` of DOSSIER_SLIPS for this dossier, as PDF bytes."""
    t = template(kind)
    v = values(dossier)
    slip = _Slip()
    slip.header(_header(dossier), t["form"])
    slip.codes(tracking_link(dossier), dossier.code)
    slip.title(t["title"])
    slip.paragraph(_fill(t["intro"], v))
    for label, value in t.get("fields", []):
        slip.field(label, _fill(value, v))
    if t.get("list") == "papers":
        slip.paragraph(_fill(t["list_title"], v))
        for line in _papers(dossier) or ["(chưa có ảnh giấy tờ)"]:
            slip.paragraph(f"– {line}")
    if t.get("table") == "history":
        slip.table(t["columns"], t["widths"], _history_rows(dossier))
    if t.get("closing"):
        slip.paragraph(_fill(t["closing"], v))
    slip.signatures(t.get("signatures", []))
    return slip.output(f"{DOSSIER_SLIPS[kind]} – {dossier.code}")


def render_logbook(
    commune_code: str, first: date, last: date, dossiers: list[Dossier], today: date
) -> bytes:
    """The dossier logbook (sổ theo dõi hồ sơ) of the dossiers received from
    ``first`` to ``last``, landscape; "late" is judged on ``today`` (Vietnam's day)."""
    t = template(LOGBOOK)
    commune = get_commune(commune_code)
    name = commune.name if commune else commune_code
    slip = _Slip(landscape=True)
    slip.header((f"UBND {name}".upper(), "Bộ phận Một cửa"), t["form"])
    slip.title(t["title"])
    slip.paragraph(
        _fill(
            t["intro"],
            {
                "desk": f"Bộ phận Một cửa UBND {name}",
                "period_from": first.strftime("%d/%m/%Y"),
                "period_to": last.strftime("%d/%m/%Y"),
            },
        )
    )
    rows = []
    for n, d in enumerate(dossiers, start=1):
        done = d.done_at
        late = legal_clock.dossier_late(deadlines.clock(d), today)
        rows.append(
            [
                str(n),
                d.code,
                (d.answers or {}).get("nguoi-yeu-cau.ho_ten", ""),
                "; ".join(CATALOG["procedures"][p]["short"] if "short" in
                          CATALOG["procedures"][p] else CATALOG["procedures"][p]["title"]
                          for p in d.procedure_ids),
                as_utc(d.received_at).astimezone(VN_TZ).strftime("%d/%m/%Y"),
                (d.promised_date or d.due_date).strftime("%d/%m/%Y"),
                as_utc(done).astimezone(VN_TZ).strftime("%d/%m/%Y") if done else "",
                statuses.label(d.status) + (" (trễ hạn)" if late else ""),
            ]
        )  # fmt: skip
    slip.table(t["columns"], t["widths"], rows or [["", "", "Không có hồ sơ", "", "", "", "", ""]])
    return slip.output(f"Sổ theo dõi hồ sơ {first:%d/%m/%Y}–{last:%d/%m/%Y}")
