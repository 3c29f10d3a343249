"""static/js/shrink.js in a real browser (Debian's Chromium driven by Playwright)."""

import importlib.util
import io
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageDraw

_BENCH = Path(__file__).resolve().parents[2] / "bench" / "shrink_bench.py"
_spec = importlib.util.spec_from_file_location("shrink_bench", _BENCH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def page(browser):
    with bench.serve_static() as url, bench.open_page(url, browser) as page:
        yield page


def marked_photo(path, size, *, orientation=1, fmt="JPEG", mode="RGB"):
    """Grey picture with a red block in the stored top-left corner."""
    im = Image.new(mode, size, (128, 128, 128) if mode == "RGB" else (0, 0, 0, 0))
    w, h = size
    ImageDraw.Draw(im).rectangle((0, 0, w // 5, h // 5), fill=(220, 20, 20, 255)[: len(mode)])
    if fmt == "JPEG":
        exif = Image.Exif()
        exif[ExifTags.Base.Orientation] = orientation
        exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N"}
        im.save(path, "JPEG", quality=90, exif=exif)
    else:
        im.save(path, fmt)
    return path


def is_red(rgb):
    r, g, b = rgb[:3]
    return r > 180 and g < 90 and b < 90


def check_jpeg(result, max_side=2000):
    assert "error" not in result, result
    assert result["type"] == "image/jpeg"
    assert result["data"].startswith(b"\xff\xd8\xff")
    assert result["format"] == "JPEG"
    assert max(result["width"], result["height"]) <= max_side
    with Image.open(io.BytesIO(result["data"])) as out:
        assert len(out.getexif()) == 0  # canvas re-encoding dropped EXIF (and GPS)
        return out.convert("RGB")


def test_12_megapixel_photo_is_shrunk_to_2000px_jpeg(page, tmp_path):
    path = tmp_path / "photo.jpg"
    data = bench.make_photo(4000, 3000)
    path.write_bytes(data)
    before = page.evaluate("() => ({...window.__counts})")
    result = bench.shrink_in_page(page, path)
    check_jpeg(result)
    assert (result["width"], result["height"]) == (2000, 1500)
    assert result["size"] < len(data) / 4
    counts = result["counts"]
    assert counts["bitmaps"] - before["bitmaps"] == 1  # decoded with createImageBitmap
    assert counts["closed"] - before["closed"] == 1  # ...and the bitmap was released


def test_portrait_exif_rotated_photo_comes_out_upright(page, tmp_path):
    # Stored landscape 3000x2000, EXIF orientation 6: shown as a 2000x3000 portrait,
    # rotated 90° clockwise, so the stored top-left red block appears top-right.
    path = marked_photo(tmp_path / "portrait.jpg", (3000, 2000), orientation=6)
    with Image.open(path) as src:
        assert src.size == (3000, 2000)
    out = check_jpeg(bench.shrink_in_page(page, path))
    assert out.height > out.width
    assert out.size == (1333, 2000)
    assert is_red(out.getpixel((out.width - 20, 20)))
    assert not is_red(out.getpixel((20, 20)))


def test_fallback_img_and_canvas_path_is_upright_and_releases_urls(page, tmp_path):
    path = marked_photo(tmp_path / "portrait.jpg", (2400, 1800), orientation=6)
    before = page.evaluate("() => ({...window.__counts})")
    result = bench.shrink_in_page(page, path, fallback=True)
    out = check_jpeg(result)
    assert out.size == (1500, 2000)
    assert is_red(out.getpixel((out.width - 20, 20)))
    urls = result["counts"]["urls"] - before["urls"]
    assert urls == 1
    assert result["counts"]["revoked"] - before["revoked"] == urls


def test_small_photo_is_not_enlarged(page, tmp_path):
    path = marked_photo(tmp_path / "small.jpg", (800, 600))
    result = bench.shrink_in_page(page, path)
    check_jpeg(result)
    assert (result["width"], result["height"]) == (800, 600)


def test_options_max_side_and_quality(page, tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(bench.make_photo(1600, 1200))
    low = bench.shrink_in_page(page, path, {"maxSide": 1000, "quality": 0.5})
    high = bench.shrink_in_page(page, path, {"maxSide": 1000, "quality": 0.95})
    check_jpeg(low, 1000)
    assert (low["width"], low["height"]) == (1000, 750)
    assert low["size"] < high["size"]


def test_transparent_png_becomes_white_jpeg(page, tmp_path):
    path = marked_photo(tmp_path / "t.png", (400, 300), fmt="PNG", mode="RGBA")
    out = check_jpeg(bench.shrink_in_page(page, path))
    assert min(out.getpixel((300, 200))) > 240
    assert is_red(out.getpixel((10, 10)))


@pytest.mark.parametrize("fallback", [False, True])
def test_not_an_image_gives_vietnamese_error_and_releases(page, tmp_path, fallback):
    path = tmp_path / "giay-to.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")
    before = page.evaluate("() => ({...window.__counts})")
    result = bench.shrink_in_page(page, path, fallback=fallback)
    assert result["code"] == "not_image"
    assert "Hãy chụp lại" in result["error"]
    counts = result["counts"]
    assert counts["revoked"] - before["revoked"] == counts["urls"] - before["urls"]
    assert counts["closed"] - before["closed"] == counts["bitmaps"] - before["bitmaps"]


def document_mode(page, name: str) -> dict:
    return page.evaluate(f"async () => (await import('/static/js/shrink.js')).{name}")


def test_document_mode_stretches_a_grey_paper_to_white_at_1600px(page, tmp_path):
    path = tmp_path / "page.jpg"
    path.write_bytes(bench.make_photo(4000, 3000))
    today = bench.shrink_in_page(page, path)
    result = bench.shrink_in_page(page, path, document_mode(page, "DOCUMENT_GREY"))
    out = check_jpeg(result, max_side=1600)
    assert max(out.size) == 1600
    # The paper (236 in the generated photo, greyed by the light) comes out white.
    paper = out.getpixel((out.width // 2, int(out.height * 0.07 + out.height * 0.04)))
    assert min(paper) >= 240, paper
    assert max(paper) - min(paper) <= 6  # grey: no colour left
    assert result["size"] < 0.6 * today["size"]  # fewer bytes on 3G


def test_document_mode_in_colour_keeps_a_red_seal_red(page, tmp_path):
    path = marked_photo(tmp_path / "seal.jpg", (3000, 2000))
    out = check_jpeg(bench.shrink_in_page(page, path, document_mode(page, "DOCUMENT")), 1600)
    assert is_red(out.getpixel((20, 20)))
