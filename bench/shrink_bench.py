"""Benchmark static/js/shrink.js in a real browser on a 12-megapixel phone-like photo.

    .venv/bin/python bench/shrink_bench.py [--runs 5] [--max-side 2000] [--quality 0.8]
                                           [--forms 2]

Then document mode: 12 MP photos of the filled birth declaration (bench/photo_set.py)
shrunk as today (2000 px, quality 0.8, colour) and in document mode (DOCUMENT_GREY for
the forms the app prints, DOCUMENT for other papers), each read back by Tesseract's
Vietnamese model (bench/ocr.py): bytes per page and character accuracy, medians.

Generates a 4000x3000 photo-like JPEG (a document on a table: gradients, text, a stamp,
sensor noise; 3-6 MB like a real camera file), serves static/ and a small test page from
a local http.server on 127.0.0.1, drives Debian's Chromium with Playwright to put the
photo in an <input type=file> and call shrinkPhoto(), and prints the original size, the
shrunk size, the output dimensions and the ratio (median of the runs).

The helpers (photo generation, server, browser, page) are reused by
tests/services/test_shrink_js.py.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import random
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import ExifTags, Image, ImageChops, ImageDraw, ImageFilter, ImageOps

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

STATIC_DIR = ROOT / "static"
PAGE_PATH = "/shrink-test.html"

# The page exposes window.runShrink(options, {fallback}) which shrinks the file chosen in
# #photo and returns the result as base64 plus timing and resource-release counters.
# fallback=true hides createImageBitmap and OffscreenCanvas to exercise the <img>/<canvas>
# path used by older phones.
TEST_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>shrinkPhoto</title></head>
<body>
<input type="file" id="photo" accept="image/*">
<script>
  window.__counts = {urls: 0, revoked: 0, bitmaps: 0, closed: 0};
  const createURL = URL.createObjectURL.bind(URL);
  const revokeURL = URL.revokeObjectURL.bind(URL);
  URL.createObjectURL = (o) => { window.__counts.urls++; return createURL(o); };
  URL.revokeObjectURL = (u) => { window.__counts.revoked++; return revokeURL(u); };
  const realCIB = window.createImageBitmap;
  window.createImageBitmap = (...args) => {
    return realCIB(...args).then((b) => { window.__counts.bitmaps++; return b; });
  };
  const realClose = ImageBitmap.prototype.close;
  ImageBitmap.prototype.close = function () {
    window.__counts.closed++;
    return realClose.call(this);
  };
</script>
<script type="module">
  import { shrinkPhoto } from '/static/js/shrink.js';
  window.runShrink = async (options = {}, { fallback = false } = {}) => {
    const saved = [window.createImageBitmap, window.OffscreenCanvas];
    if (fallback) { window.createImageBitmap = undefined; window.OffscreenCanvas = undefined; }
    try {
      const file = document.getElementById('photo').files[0];
      const t0 = performance.now();
      const blob = await shrinkPhoto(file, options);
      const ms = performance.now() - t0;
      const b64 = await new Promise((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result.split(',')[1]);
        reader.onerror = () => reject(reader.error);
        reader.readAsDataURL(blob);
      });
      return {type: blob.type, size: blob.size, ms, b64, counts: {...window.__counts}};
    } catch (err) {
      return {error: String(err), code: err.code || null, counts: {...window.__counts}};
    } finally {
      [window.createImageBitmap, window.OffscreenCanvas] = saved;
    }
  };
  window.shrinkReady = true;
</script>
</body></html>
"""


def make_photo(
    width: int = 4000,
    height: int = 3000,
    *,
    orientation: int = 1,
    noise: float = 10,
    quality: int = 92,
    seed: int = 7,
) -> bytes:
    """A camera-like JPEG of a paper document on a table (EXIF Make/Model/Orientation).

    ``width`` x ``height`` are the *stored* pixel dimensions; with ``orientation=6`` a
    viewer shows the picture rotated 90° clockwise (how phones store portrait shots).
    """
    rnd = random.Random(seed)  # noqa: S311 - picture layout, not security
    w, h = width, height
    table = ImageOps.colorize(
        Image.radial_gradient("L").resize((w, h)), (150, 105, 70), (70, 45, 30)
    )
    draw = ImageDraw.Draw(table)
    x0, y0, x1, y1 = int(w * 0.12), int(h * 0.08), int(w * 0.86), int(h * 0.93)
    draw.polygon(
        [(x0 + w // 100, y0), (x1, y0 + h // 100), (x1 - w // 130, y1), (x0, y1)],
        fill=(236, 232, 222),
    )
    line_h = max(6, h // 130)
    y = y0 + h // 15
    while y < y1 - h // 15:
        x = x0 + w // 20
        while x < x1 - w // 13:
            word = rnd.randint(w // 100, w // 18)
            shade = rnd.randint(20, 60)
            draw.rectangle((x, y, x + word, y + line_h), fill=(shade, shade, shade))
            x += word + rnd.randint(w // 200, w // 100)
        y += line_h * 2 + rnd.randint(line_h // 2, line_h)
    r = min(w, h) // 6
    draw.ellipse((x1 - 3 * r, y1 - 3 * r, x1 - r, y1 - r), outline=(200, 30, 40), width=r // 16)
    photo = table.filter(ImageFilter.GaussianBlur(1.2))  # lens softness
    light = ImageOps.colorize(
        Image.linear_gradient("L").rotate(90).resize((w, h)), "black", "white"
    )
    photo = Image.blend(photo, light, 0.10)  # uneven lighting
    if noise:
        grain = Image.merge("RGB", [Image.effect_noise((w, h), noise) for _ in range(3)])
        mid = Image.new("RGB", (w, h), (128, 128, 128))
        photo = ImageChops.subtract(
            ImageChops.add(photo, ImageChops.subtract(grain, mid)),
            ImageChops.subtract(mid, grain),
        )  # sensor noise, zero-mean
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "BenchPhone"
    exif[ExifTags.Base.Model] = "B1"
    exif[ExifTags.Base.Orientation] = orientation
    buf = io.BytesIO()
    photo.save(buf, "JPEG", quality=quality, exif=exif)
    return buf.getvalue()


def page_and_static(page_path: str, page_html: str) -> type[SimpleHTTPRequestHandler]:
    """A handler serving ``page_html`` at ``page_path`` and static/ under /static/
    (this benchmark's and bench/photo_check_bench.py's test pages)."""

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path == page_path:
                body = page_html.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif path.startswith("/static/"):
                self.path = self.path[len("/static") :]
                super().do_GET()
            else:
                self.send_error(404)

        def log_message(self, format, *args):
            pass

    Handler.extensions_map = {**Handler.extensions_map, ".js": "text/javascript"}
    return Handler


@contextlib.contextmanager
def serve_static() -> Iterator[str]:
    """Serve static/ under /static/ and the test page on 127.0.0.1; yield the page URL."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(page_and_static(PAGE_PATH, TEST_PAGE), directory=str(STATIC_DIR))
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PAGE_PATH}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def open_page(url: str, browser=None):
    """Open the test page in `browser`, or in a Chromium launched here; yield the page."""
    if browser is not None:
        page = browser.new_page()
        try:
            page.goto(url)
            page.wait_for_function("window.shrinkReady === true", timeout=15_000)
            yield page
        finally:
            page.close()
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        own = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with open_page(url, own) as page:
                yield page
        finally:
            own.close()


def shrink_in_page(page, photo_path, options=None, *, fallback=False) -> dict:
    """Choose ``photo_path`` in the page's file input, run shrinkPhoto, return the result
    with the output ``data`` (bytes) and its ``width``/``height`` as decoded by Pillow."""
    page.set_input_files("#photo", str(photo_path))
    result = page.evaluate(
        "([options, fallback]) => window.runShrink(options, {fallback})",
        [options or {}, fallback],
    )
    if "error" in result:
        return result
    result["data"] = base64.b64decode(result.pop("b64"))
    with Image.open(io.BytesIO(result["data"])) as out:
        result["format"] = out.format
        result["width"], result["height"] = out.size
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--max-side", type=int, default=2000)
    parser.add_argument("--quality", type=float, default=0.8)
    parser.add_argument("--forms", type=int, default=2, help="photos of a form for document mode")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        photo_path = Path(tmp) / "photo-12mp.jpg"
        data = make_photo()
        photo_path.write_bytes(data)
        with Image.open(photo_path) as im:
            size = im.size
        print(
            f"generated photo: {size[0]}x{size[1]}, {len(data):,} bytes ({len(data) / 1e6:.2f} MB)"
        )

        options = {"maxSide": args.max_side, "quality": args.quality}
        results = []
        with serve_static() as url, open_page(url) as page:
            for _ in range(args.runs):
                result = shrink_in_page(page, photo_path, options)
                if "error" in result:
                    print(f"shrinkPhoto failed: {result['error']}", file=sys.stderr)
                    return 1
                results.append(result)

    report(results, data, args)
    if args.forms:
        return document_mode(args.forms)
    return 0


def document_mode(count: int) -> int:
    """Bytes per page and OCR accuracy of photos of a form: today's shrink and document mode."""
    sys.path.insert(0, str(ROOT / "bench"))
    import ocr
    import photo_set

    reference = photo_set.form_text()
    modes = {"today (2000 px, q 0.8, colour)": None, "document, grey (forms)": "DOCUMENT_GREY",
             "document, colour (other papers)": "DOCUMENT"}  # fmt: skip
    found: dict[str, list[tuple[int, float]]] = {name: [] for name in modes}
    print(f"\ndocument mode: {count} photo(s) of the filled birth declaration, 3000x4000")
    with tempfile.TemporaryDirectory() as tmp, serve_static() as url, open_page(url) as page:
        for seed in range(count):
            path = Path(tmp) / f"form-{seed}.jpg"
            path.write_bytes(photo_set.jpeg(photo_set.make("good", seed, (3000, 4000)), 92))
            for name, constant in modes.items():
                options = (
                    page.evaluate(f"async () => (await import('/static/js/shrink.js')).{constant}")
                    if constant
                    else {"maxSide": 2000, "quality": 0.8}
                )
                result = shrink_in_page(page, path, options)
                if "error" in result:
                    print(f"shrinkPhoto failed: {result['error']}", file=sys.stderr)
                    return 1
                legible = ocr.accuracy(reference, ocr.read(result["data"]))
                found[name].append((result["size"], legible))
    base_bytes = statistics.median(b for b, _ in found[next(iter(modes))])
    base_accuracy = statistics.median(a for _, a in found[next(iter(modes))])
    print(f"{'mode':<34} {'bytes/page':>11} {'vs today':>9} {'OCR accuracy':>13} {'vs today':>9}")
    for name, rows in found.items():
        size = statistics.median(b for b, _ in rows)
        accuracy = statistics.median(a for _, a in rows)
        print(
            f"{name:<34} {int(size):>11,} {size / base_bytes:>8.0%} {accuracy:>12.1f}% "
            f"{accuracy - base_accuracy:>+8.1f}"
        )
    print("OCR: tesseract -l vie --psm 4; accuracy = 1 - edit distance / length of the form's text")
    return 0


def report(results, data, args) -> None:
    shrunk = statistics.median(r["size"] for r in results)
    ms = statistics.median(r["ms"] for r in results)
    dims = {(r["width"], r["height"]) for r in results}
    print(f"runs:           {len(results)} (median)")
    print(f"original bytes: {len(data):,}")
    print(f"shrunk bytes:   {int(shrunk):,}")
    print(
        f"output size:    {', '.join(f'{w}x{h}' for w, h in sorted(dims))} (JPEG, q={args.quality})"
    )
    print(f"ratio:          {shrunk / len(data):.3f} ({len(data) / shrunk:.1f}x smaller)")
    print(f"time in page:   {ms:.0f} ms (headless Chromium, --disable-gpu)")


if __name__ == "__main__":
    sys.exit(main())
