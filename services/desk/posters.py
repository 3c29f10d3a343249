"""The commune's QR poster: A4, Vietnamese, as SVG and as PDF.

One layout (positions in millimetres, laid out with the real font's widths)
is drawn twice: as SVG, and as PDF with fpdf2 and the DejaVu fonts, which
carry every Vietnamese letter. The QR code is made by segno with error
correction Q (a quarter of it may be smudged or covered) and never as a Micro
QR, which phone cameras do not read; it always has its 4-module quiet zone.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import segno

A4 = (210.0, 297.0)
PT = 25.4 / 72  # one typographic point in millimetres
RED = (165, 14, 14)
INK = (20, 20, 20)
WHITE = (255, 255, 255)
PALE = (252, 240, 240)
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

STEPS = (
    "Mở camera điện thoại hoặc Zalo, quét mã QR này rồi bấm mở đường dẫn.",
    "Chọn “Liên thông khai sinh” hoặc “Liên thông khai tử”.",
    "Đăng nhập bằng số điện thoại di động và mã xác nhận gửi qua tin nhắn.",
    "Khai thông tin từng mục. Nơi sinh: ghi đủ tên và địa chỉ của bệnh viện, trạm y tế.",
    "Ký tờ khai, chụp ảnh tờ khai và giấy tờ (giấy chứng sinh, giấy báo tử...) rồi tải lên.",
    "Kiểm tra lại, nhập mã xác nhận để nộp. Ghi lại mã hồ sơ để theo dõi.",
    "Nhận kết quả tại UBND xã, hoặc qua bưu chính công ích (bạn trả cước bưu chính).",
)


class PosterError(Exception):
    """The poster cannot be made here (e.g. the fonts are missing)."""


@dataclass(frozen=True)
class PosterInfo:
    url: str  # what the QR opens: <public base>/x/<commune code>
    commune_name: str  # "Xã Văn Lăng"
    province_label: str  # "tỉnh Thái Nguyên"
    officer_name: str
    officer_phone: str
    office_hours: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    size: float  # points
    text: str
    bold: bool = False
    color: tuple = INK
    center: bool = False


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: tuple


@dataclass(frozen=True)
class Qr:
    x: float
    y: float
    size: float  # with the quiet zone
    matrix: tuple


def make_qr(url: str) -> segno.QRCode:
    return segno.make(url, error="q", micro=False)


def qr_png(url: str, scale: int = 10) -> bytes:
    out = io.BytesIO()
    make_qr(url).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def qr_svg(url: str) -> bytes:
    qr = make_qr(url)
    n = len(qr.matrix) + 8
    body = _qr_path(Qr(0, 0, n, tuple(qr.matrix)))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" '
        f'shape-rendering="crispEdges"><rect width="{n}" height="{n}" fill="#fff"/>{body}</svg>'
    ).encode()


def draw_qr(pdf, matrix, x: float, y: float, size: float) -> None:
    """A QR code's dark modules as black rectangles, in a square of ``size`` mm at
    (x, y) that includes the 4-module quiet zone (the poster, the slips, the forms)."""
    pdf.set_fill_color(0, 0, 0)
    m = size / (len(matrix) + 8)
    for r, c, length in _runs(matrix):
        pdf.rect(x + (c + 4) * m, y + (r + 4) * m, length * m, m, style="F")


def wrap_words(text: str, width: float, measure) -> list[str]:
    """Greedy line breaking of ``text`` at spaces: lines whose ``measure(line)`` (mm)
    stays within ``width``; a single word wider than that gets a line of its own."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and measure(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _runs(matrix) -> list[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules."""
    runs = []
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return runs


def close_fonts(pdf) -> None:
    # fontTools opens the TTF files lazily and keeps them open; close them
    # once the PDF is written instead of leaving it to the garbage collector.
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


class _Fonts:
    """Measures text with the same TTF files the PDF embeds."""

    def __init__(self, font_dir: str):
        from fpdf import FPDF

        self.paths = {style: Path(font_dir) / name for style, name in FONT_FILES.items()}
        missing = [str(p) for p in self.paths.values() if not p.exists()]
        if missing:
            raise PosterError(
                "Thiếu phông chữ để in áp phích: " + ", ".join(missing) + ". "
                "Hãy cài gói fonts-dejavu-core (make run cài sẵn) hoặc đặt POSTER_FONT_DIR."
            )
        self.pdf = FPDF(unit="mm", format="A4")
        for style, path in self.paths.items():
            self.pdf.add_font("DejaVu", style, str(path))

    def __enter__(self) -> _Fonts:
        return self

    def __exit__(self, *_exc) -> None:
        close_fonts(self.pdf)

    def width(self, text: str, size: float, bold: bool = False) -> float:
        self.pdf.set_font("DejaVu", "B" if bold else "", size)
        return self.pdf.get_string_width(text)

    def wrap(self, text: str, size: float, width: float, bold: bool = False) -> list[str]:
        return wrap_words(text, width, lambda line: self.width(line, size, bold))


def layout(info: PosterInfo, fonts: _Fonts) -> list:
    w, h = A4
    cx = w / 2
    items: list = [
        Rect(0, 0, w, 38, RED),
        Text(cx, 12, 12, "ỦY BAN NHÂN DÂN", True, WHITE, True),
        Text(cx, 23, 22, info.commune_name.upper(), True, WHITE, True),
        Text(cx, 32, 12, info.province_label.upper(), False, WHITE, True),
        Text(cx, 53, 24, "KHAI SINH, KHAI TỬ TRỰC TUYẾN", True, RED, True),
        Text(
            cx, 62, 13, "Nộp hồ sơ liên thông ngay trên điện thoại, không cần đến xã", center=True
        ),
    ]
    qr = make_qr(info.url)
    size = 86.0
    items.append(Qr(cx - size / 2, 67, size, tuple(qr.matrix)))
    display_url = info.url.split("://", 1)[-1]
    items.append(Text(cx, 160, 13, display_url, True, INK, True))
    items.append(Text(cx, 167, 11, "Quét mã bằng camera điện thoại hoặc Zalo", center=True))

    y = 180.0
    items.append(Text(20, y, 15, "Cách nộp hồ sơ", True, RED))
    y += 8
    for number, step in enumerate(STEPS, start=1):
        lines = fonts.wrap(step, 11.5, 160)
        items.append(Text(20, y, 11.5, f"{number}.", True))
        for line in lines:
            items.append(Text(28, y, 11.5, line))
            y += 5.6
        y += 1.2

    box_y = max(y + 2, 252.0)
    box_h = h - 10 - box_y
    items.append(Rect(14, box_y, w - 28, box_h, PALE))
    items.append(Text(20, box_y + 8, 13, "Cần hỗ trợ?", True, RED))
    contact = f"{info.officer_name}: {info.officer_phone}"
    for i, line in enumerate(fonts.wrap(contact, 12, w - 40, bold=True)[:2]):
        items.append(Text(20, box_y + 15 + i * 6, 12, line, True))
    hours_y = box_y + 15 + 6 * min(2, len(fonts.wrap(contact, 12, w - 40, bold=True)))
    for i, line in enumerate(fonts.wrap(f"Giờ làm việc: {info.office_hours}", 11, w - 40)[:2]):
        items.append(Text(20, hours_y + i * 5.5, 11, line))
    items.append(
        Text(cx, h - 4, 9, "Đăng ký khai sinh, khai tử đúng hạn được miễn lệ phí.", center=True)
    )
    return items


def _rgb(color: tuple) -> str:
    return "#{:02x}{:02x}{:02x}".format(*color)


def _qr_path(item: Qr) -> str:
    n = len(item.matrix) + 8
    m = item.size / n
    parts = [
        f"M{item.x + (c + 4) * m:.3f},{item.y + (r + 4) * m:.3f}h{length * m:.3f}v{m:.3f}"
        f"h{-length * m:.3f}z"
        for r, c, length in _runs(item.matrix)
    ]
    return f'<path fill="#000" d="{"".join(parts)}"/>'


def render_svg(items: list) -> bytes:
    w, h = A4
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" '
        f'viewBox="0 0 {w} {h}" font-family="DejaVu Sans, Verdana, sans-serif">',
        f'<rect width="{w}" height="{h}" fill="#fff"/>',
    ]
    for item in items:
        if isinstance(item, Rect):
            out.append(
                f'<rect x="{item.x}" y="{item.y}" width="{item.w}" height="{item.h}" '
                f'fill="{_rgb(item.fill)}"/>'
            )
        elif isinstance(item, Qr):
            out.append(
                f'<rect x="{item.x}" y="{item.y}" width="{item.size}" height="{item.size}" '
                'fill="#fff"/>'
            )
            out.append(f'<g shape-rendering="crispEdges">{_qr_path(item)}</g>')
        else:
            anchor = ' text-anchor="middle"' if item.center else ""
            weight = ' font-weight="bold"' if item.bold else ""
            out.append(
                f'<text x="{item.x:.2f}" y="{item.y:.2f}" font-size="{item.size * PT:.3f}"'
                f'{weight}{anchor} fill="{_rgb(item.color)}">{escape(item.text)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out).encode("utf-8")


def render_pdf(items: list, fonts: _Fonts, title: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(title)
    pdf.set_creator("Dịch vụ công liên thông")
    for style, path in fonts.paths.items():
        pdf.add_font("DejaVu", style, str(path))
    pdf.add_page()
    for item in items:
        if isinstance(item, Rect):
            pdf.set_fill_color(*item.fill)
            pdf.rect(item.x, item.y, item.w, item.h, style="F")
        elif isinstance(item, Qr):
            pdf.set_fill_color(*WHITE)
            pdf.rect(item.x, item.y, item.size, item.size, style="F")
            draw_qr(pdf, item.matrix, item.x, item.y, item.size)
        else:
            pdf.set_font("DejaVu", "B" if item.bold else "", item.size)
            pdf.set_text_color(*item.color)
            x = item.x - pdf.get_string_width(item.text) / 2 if item.center else item.x
            pdf.text(x, item.y, item.text)
    try:
        return bytes(pdf.output())
    finally:
        close_fonts(pdf)


def poster_svg(info: PosterInfo, font_dir: str) -> bytes:
    with _Fonts(font_dir) as fonts:
        return render_svg(layout(info, fonts))


def poster_pdf(info: PosterInfo, font_dir: str) -> bytes:
    with _Fonts(font_dir) as fonts:
        return render_pdf(layout(info, fonts), fonts, f"Áp phích mã QR – {info.commune_name}")
