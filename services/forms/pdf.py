"""One renderer for every declaration: laid-out items (domain.forms.layout)
to an A4 PDF with fpdf2 and the DejaVu fonts (every Vietnamese letter, text
extractable), a QR code in each page's footer.

The blanks the citizen writes by hand (date, signature, anything unanswered)
are dotted lines drawn as graphics, so that the text of the PDF is only what
the form says.
"""

from __future__ import annotations

from pathlib import Path

from services.desk.posters import PosterError, close_fonts, draw_qr, make_qr, wrap_words

A4 = (210.0, 297.0)
LEFT, RIGHT, TOP = 20.0, 15.0, 14.0
WIDTH = A4[0] - LEFT - RIGHT
FOOTER = 30.0  # the QR strip at the bottom of each page
BODY = 11.0  # points
LINE = 5.9  # millimetres between lines of the body
FONT_FILES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
}
FAMILY = "DejaVu"
DATE_BLANK = "……………, ngày …… tháng …… năm ……"


def _new_pdf(font_dir: str, title: str):
    from fpdf import FPDF

    paths = {style: Path(font_dir) / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        raise PosterError(
            "Thiếu phông chữ để in tờ khai: " + ", ".join(missing) + ". "
            "Hãy cài gói fonts-dejavu-core (make run cài sẵn) hoặc đặt POSTER_FONT_DIR."
        )
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(title)
    pdf.set_creator("Dịch vụ công liên thông")
    for style, path in paths.items():
        pdf.add_font(FAMILY, style, str(path))
    return pdf


class _Writer:
    def __init__(self, pdf, footer):
        self.pdf = pdf
        self.footer = footer
        self.y = 0.0
        self.page()

    def page(self):
        self.pdf.add_page()
        self.footer(self.pdf)
        self.y = TOP

    def room(self, height: float):
        if self.y + height > A4[1] - FOOTER:
            self.page()

    def font(self, style: str = "", size: float = BODY):
        self.pdf.set_font(FAMILY, style, size)

    def width(self, text: str, style: str = "", size: float = BODY) -> float:
        self.font(style, size)
        return self.pdf.get_string_width(text)

    def wrap(self, text: str, width: float, style: str = "", size: float = BODY) -> list[str]:
        return wrap_words(text, width, lambda line: self.width(line, style, size)) or [""]

    def text(self, x: float, text: str, style: str = "", size: float = BODY):
        self.font(style, size)
        self.pdf.text(x, self.y, text)

    def centered(self, cx: float, text: str, style: str = "", size: float = BODY):
        self.text(cx - self.width(text, style, size) / 2, text, style, size)

    def dots(self, x0: float, x1: float):
        if x1 - x0 < 3:
            return
        self.pdf.set_draw_color(90, 90, 90)
        self.pdf.set_line_width(0.2)
        self.pdf.set_dash_pattern(dash=0.4, gap=0.9)
        self.pdf.line(x0, self.y + 0.6, x1, self.y + 0.6)
        self.pdf.set_dash_pattern()


def _header(w: _Writer, item: dict):
    left_cx, right_cx = LEFT + 30, LEFT + WIDTH - 55
    w.y += 5
    top = w.y
    for i, line in enumerate(item["left"]):
        w.y = top + i * 5
        w.centered(left_cx, line, "B" if i == 0 else "", 10)
    for i, line in enumerate(item["right"]):
        w.y = top + i * 5.5
        w.centered(right_cx, line, "B", 11 if i == 0 else 11.5)
    if item["right"]:
        half = w.width(item["right"][-1], "B", 11.5) / 2
        w.pdf.set_line_width(0.3)
        w.pdf.line(right_cx - half, w.y + 1.5, right_cx + half, w.y + 1.5)
    w.y = top + max(len(item["left"]) * 5, len(item["right"]) * 5.5) + 6


def _heading(w: _Writer, item: dict):
    size = item.get("size", 14)
    lines = w.wrap(item["text"], WIDTH, "B", size)
    w.room(len(lines) * 7 + 3)
    w.y += 3
    for line in lines:
        w.centered(LEFT + WIDTH / 2, line, "B", size)
        w.y += 7


def _paragraph(w: _Writer, item: dict, size: float = BODY, style: str | None = None):
    if style is None:
        style = ("B" if item.get("bold") else "") + ("I" if item.get("italic") else "")
        style = style if style in FONT_FILES else "B"
    lines = w.wrap(item["text"], WIDTH, style, size)
    step = size * 0.55
    w.room(len(lines) * step + 2)
    w.y += 1
    for line in lines:
        if item.get("center"):
            w.centered(LEFT + WIDTH / 2, line, style, size)
        else:
            w.text(LEFT, line, style, size)
        w.y += step
    w.y += 1


def _cell(w: _Writer, x: float, width: float, label: str, value: str):
    """ "Label: value……" on one line when it fits; else the value wraps under it."""
    head = f"{label}: "
    head_width = w.width(head)
    w.text(x, head)
    if not value:
        w.dots(x + head_width, x + width - 2)
        return
    first_room = width - head_width - 2
    words = value.split()
    line = ""
    rest = list(words)
    while rest and w.width(f"{line} {rest[0]}".strip(), "B") <= first_room:
        line = f"{line} {rest.pop(0)}".strip()
    if line:
        w.text(x + head_width, line, "B")
        end = x + head_width + w.width(line, "B") + 1.5
    else:
        end = x + head_width
    if not rest:
        w.dots(end, x + width - 2)
        return
    for more in w.wrap(" ".join(rest), width - 2, "B"):
        w.y += LINE
        w.room(LINE)
        w.text(x, more, "B")


def _line(w: _Writer, item: dict):
    cells = item["cells"]
    if len(cells) > 1:
        share = WIDTH / len(cells)
        fits = all(
            w.width(f"{c['label']}: ") + w.width(c["value"], "B") + 4 <= share for c in cells
        )
        if fits:
            w.room(LINE)
            for i, cell in enumerate(cells):
                _cell(w, LEFT + i * share, share, cell["label"], cell["value"])
            w.y += LINE
            return
    for cell in cells:
        w.room(LINE)
        _cell(w, LEFT, WIDTH, cell["label"], cell["value"])
        w.y += LINE


def _signature(w: _Writer, item: dict):
    columns = item["columns"]
    w.room(46)
    w.y += 3
    share = WIDTH / len(columns)
    top = w.y
    for i, column in enumerate(columns):
        cx = LEFT + share * i + share / 2
        size = 10 if len(columns) > 1 else BODY
        w.y = top
        if column["date"]:
            w.centered(cx, DATE_BLANK if len(columns) == 1 else "Ngày …… /…… /………", "I", size)
        w.y += 6
        for line in w.wrap(column["role"], share - 4, "B", size):
            w.centered(cx, line, "B", size)
            w.y += 5
        for line in w.wrap(column["hint"], share - 4, "I", size - 1):
            w.centered(cx, line, "I", size - 1)
            w.y += 4.5
        w.y = top + 38  # room for the signature, names level across columns
        if column["name"]:
            w.centered(cx, column["name"], "B", size)
    w.y = top + 44


def render(
    items: list[dict], *, title: str, font_dir: str, qr_url: str, token: str, print_id: str
) -> bytes:
    pdf = _new_pdf(font_dir, title)
    qr = make_qr(qr_url)
    matrix = tuple(qr.matrix)

    def footer(pdf):
        size = 24.0
        x, y = LEFT - 2, A4[1] - size - 4
        draw_qr(pdf, matrix, x, y, size)
        pdf.set_text_color(60, 60, 60)
        pdf.set_font(FAMILY, "", 8.5)
        pdf.text(x + size + 2, y + 9, f"Mã tờ khai: {token}   ·   Bản in: {print_id}")
        pdf.text(
            x + size + 2,
            y + 13.5,
            "Cán bộ quét mã để mở hồ sơ trực tuyến và kiểm tra bản in còn đúng với thông tin "
            "đã khai.",
        )
        pdf.text(x + size + 2, y + 18, "Mã không chứa thông tin cá nhân.")
        pdf.text(A4[0] - RIGHT - 14, y + 18, f"Trang {pdf.page_no()}")
        pdf.set_text_color(0, 0, 0)

    w = _Writer(pdf, footer)
    for item in items:
        kind = item["kind"]
        if kind == "header":
            _header(w, item)
        elif kind == "heading":
            _heading(w, item)
        elif kind == "text":
            _paragraph(w, item)
        elif kind == "note":
            w.y += 2
            _paragraph(w, item, size=8.5, style="I")
        elif kind == "space":
            w.y += float(item["text"])
        elif kind == "line":
            _line(w, item)
        elif kind == "signature":
            _signature(w, item)
    try:
        return bytes(pdf.output())
    finally:
        close_fonts(pdf)
