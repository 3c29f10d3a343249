"""A generated test set of phone photos of a filled form, for the photo check
(bench/photo_check_bench.py) and document mode (bench/shrink_bench.py --document).

The form is the app's own birth declaration, filled from the sample answers and
rendered by pdftoppm; each photo lays it on a wooden table, slightly turned,
under uneven light, with sensor noise and the lens's softness, then spoils it
one way: blurred (hand shake), dark, burnt out, a glare patch, or a page too
small in the frame. Seeded: the same set on every run.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
PHOTO = (1500, 2000)  # portrait, as shrinkPhoto leaves a 12 MP phone photo
KINDS = ("good", "blurred", "dark", "burnt", "glare", "small")
# The warning each spoiled kind must raise (static/js/photo-check.js codes).
EXPECTED = {"blurred": "blurred", "dark": "dark", "burnt": "burnt", "glare": "glare",
            "small": "small"}  # fmt: skip


def _tool(name: str) -> str:
    """The full path of a poppler tool (make poppler installs them)."""
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} missing: run make poppler")
    return found


def form_pdf() -> bytes:
    from domain import forms
    from services.forms import pdf
    from tests.domain.sample_answers import valid_birth_answers

    template = forms.templates()["khai-sinh"]
    items = forms.layout(template, valid_birth_answers(), forms.context_for("05665"))
    return pdf.render(
        items,
        title=template["title"],
        font_dir=FONT_DIR,
        qr_url="https://dichvucong.example/can-bo/to-khai/ABCDEFGHJKMN?to=x&in=0",
        token="ABCD-EFGH-JKMN",  # noqa: S106 - a sample paper code, not a password
        print_id="0123456789ab",
    )


@cache
def form_page(dpi: int = 200) -> Image.Image:
    """The filled birth declaration as a grey image, as printed on A4."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "form.pdf"
        path.write_bytes(form_pdf())
        subprocess.run(  # noqa: S603 - fixed arguments, our own temporary file
            [_tool("pdftoppm"), "-r", str(dpi), "-png", "-f", "1", "-l", "1", str(path),
             str(Path(tmp) / "page")],
            check=True,
        )  # fmt: skip
        page = Image.open(Path(tmp) / "page-1.png").convert("RGB")
        page.load()
    return page


def form_text() -> str:
    """The text of the form, as the reference for OCR accuracy."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "form.pdf"
        path.write_bytes(form_pdf())
        out = subprocess.run(  # noqa: S603 - fixed arguments, our own temporary file
            [_tool("pdftotext"), "-layout", "-f", "1", "-l", "1", str(path), "-"],
            check=True,
            capture_output=True,
        )
    return out.stdout.decode("utf-8")


def _table(size, rnd) -> Image.Image:
    w, h = size
    dark = (rnd.randint(60, 90), rnd.randint(40, 60), rnd.randint(25, 40))
    light = (rnd.randint(130, 160), rnd.randint(95, 115), rnd.randint(60, 80))
    table = ImageOps.colorize(Image.radial_gradient("L").resize((w, h)), light, dark)
    draw = ImageDraw.Draw(table)
    for _ in range(40):  # wood grain
        y = rnd.randint(0, h)
        shade = rnd.randint(-12, 12)
        color = tuple(max(0, min(255, c + shade)) for c in dark)
        draw.line((0, y, w, y + rnd.randint(-40, 40)), fill=color, width=rnd.randint(2, 6))
    return table


def _noise(photo: Image.Image, sigma: float) -> Image.Image:
    w, h = photo.size
    grain = Image.merge("RGB", [Image.effect_noise((w, h), sigma) for _ in range(3)])
    mid = Image.new("RGB", (w, h), (128, 128, 128))
    return ImageChops.subtract(
        ImageChops.add(photo, ImageChops.subtract(grain, mid)), ImageChops.subtract(mid, grain)
    )


def make(kind: str, seed: int, size: tuple[int, int] = PHOTO) -> Image.Image:
    """One photo of the form, spoiled as ``kind`` says; ``size`` (3000, 4000) is a
    12 MP phone camera's, before the browser shrinks it."""
    rnd = random.Random(f"{kind}-{seed}")  # noqa: S311 - picture layout, not security
    w, h = size
    photo = _table(size, rnd)
    page = form_page(300 if h > PHOTO[1] else 200)
    cover = rnd.uniform(0.45, 0.58) if kind == "small" else rnd.uniform(0.84, 0.93)
    ph = int(h * cover)
    pw = int(ph * page.width / page.height)
    if pw > w * 0.95:
        pw = int(w * 0.95)
        ph = int(pw * page.height / page.width)
    # A camera's auto-exposure keeps white paper below clipping (about 210-230).
    exposure = rnd.uniform(0.82, 0.9)
    sheet = page.resize((pw, ph), Image.LANCZOS).point(lambda v: int(v * exposure))
    mask = Image.new("L", sheet.size, 255)
    angle = rnd.uniform(-3, 3)
    sheet = sheet.rotate(angle, expand=True, resample=Image.BICUBIC, fillcolor=(0, 0, 0))
    mask = mask.rotate(angle, expand=True, resample=Image.BICUBIC)
    x = (w - sheet.width) // 2 + rnd.randint(-20, 20)
    y = (h - sheet.height) // 2 + rnd.randint(-20, 20)
    photo.paste(sheet, (x, y), mask)
    # Uneven light across the page, then the lens's softness.
    light = Image.linear_gradient("L").rotate(rnd.choice((0, 90, 180, 270))).resize(size)
    photo = Image.blend(photo, ImageOps.colorize(light, "black", "white"), rnd.uniform(0.04, 0.1))
    photo = photo.filter(ImageFilter.GaussianBlur(rnd.uniform(0.5, 0.9)))
    if kind == "blurred":
        photo = photo.filter(ImageFilter.GaussianBlur(rnd.uniform(3.0, 6.0)))
    elif kind == "dark":
        factor = rnd.uniform(0.18, 0.3)
        photo = photo.point(lambda v: int(v * factor))
    elif kind == "burnt":
        factor = rnd.uniform(1.7, 2.2)
        photo = photo.point(lambda v: min(255, int(v * factor)))
    elif kind == "glare":
        r = int(pw * rnd.uniform(0.14, 0.22))
        gx = x + rnd.randint(r, max(r + 1, sheet.width - r))
        gy = y + rnd.randint(r, max(r + 1, sheet.height - r))
        spot = Image.radial_gradient("L").resize((2 * r, 2 * r))
        spot = ImageOps.invert(spot).point(lambda v: min(255, int(v * 1.8)))
        white = Image.new("RGB", (2 * r, 2 * r), (255, 255, 255))
        photo.paste(white, (gx - r, gy - r), spot)
    photo = _noise(photo, rnd.uniform(4, 9))
    return photo


def jpeg(photo: Image.Image, quality: int = 80, grey: bool = False) -> bytes:
    out = io.BytesIO()
    (photo.convert("L") if grey else photo).save(out, "JPEG", quality=quality)
    return out.getvalue()


def photo_set(per_kind: int) -> list[tuple[str, int, bytes]]:
    """(kind, seed, JPEG bytes at quality 0.8, as the phone uploads today)."""
    return [(kind, seed, jpeg(make(kind, seed))) for kind in KINDS for seed in range(per_kind)]
