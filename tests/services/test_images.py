import io
import struct
import zlib

import pytest
from PIL import ExifTags, Image, ImageDraw, ImageFile, PngImagePlugin

from services.photos import images
from services.photos.images import ImageRejected, SanitizedImage, sanitize_image

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
VIETNAMESE_HINT = "Hãy"  # every message tells the citizen what to do


def photo(size=(640, 480), mode="RGB"):
    """A small photo-like picture: gradient, a 'paper' with text lines, a red mark."""
    w, h = size
    im = Image.linear_gradient("L").resize(size).convert(mode if mode != "RGBA" else "RGB")
    draw = ImageDraw.Draw(im)
    draw.rectangle((w // 8, h // 8, w * 7 // 8, h * 7 // 8), fill="white")
    for y in range(h // 4, h * 3 // 4, max(4, h // 20)):
        draw.line((w // 4, y, w * 3 // 4, y), fill="black", width=2)
    draw.rectangle((0, 0, w // 10, h // 10), fill="red")  # top-left marker
    if mode == "RGBA":
        im = im.convert("RGBA")
    return im


def jpeg_bytes(im, **kwargs):
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, **kwargs)
    return buf.getvalue()


def png_bytes(im, **kwargs):
    buf = io.BytesIO()
    im.save(buf, "PNG", **kwargs)
    return buf.getvalue()


def reject(data, code, **kwargs):
    with pytest.raises(ImageRejected) as info:
        sanitize_image(data, **kwargs)
    err = info.value
    assert err.code == code
    assert isinstance(err, ValueError)
    assert VIETNAMESE_HINT in err.message and str(err) == err.message
    return err


def assert_clean_jpeg(result):
    assert isinstance(result, SanitizedImage)
    assert result.mime == "image/jpeg"
    assert result.data.startswith(JPEG_MAGIC)
    out = Image.open(io.BytesIO(result.data))
    assert out.format == "JPEG" and out.mode == "RGB"
    assert out.size == (result.width, result.height)
    assert len(out.getexif()) == 0
    for key in ("exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"):
        assert key not in out.info
    assert b"Exif\x00\x00" not in result.data
    assert b"http://ns.adobe.com/xap/1.0/" not in result.data
    assert out.info.get("progressive") or out.info.get("progression")
    import hashlib

    assert result.sha256 == hashlib.sha256(result.data).hexdigest()
    return out


# --- accepted images -------------------------------------------------------------------


def test_jpeg_with_orientation_and_gps_is_rotated_and_stripped():
    im = photo((640, 480))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "CheapPhone"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (21.0, 1.0, 42.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (105.0, 51.0, 12.0),
    }
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret-place</x:xmpmeta>'
    data = jpeg_bytes(im, exif=exif, xmp=xmp, comment=b"Nguyen Van A, 0912345678")

    # sanity: the input really carries orientation, GPS, XMP and a comment
    src = Image.open(io.BytesIO(data))
    assert src.getexif()[ExifTags.Base.Orientation] == 6
    assert src.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"secret-place" in data and b"0912345678" in data

    result = sanitize_image(data)
    out = assert_clean_jpeg(result)
    assert (result.width, result.height) == (480, 640)  # rotated: width/height swapped
    for needle in (b"secret-place", b"0912345678", b"CheapPhone", b"GPS"):
        assert needle not in result.data
    # orientation 6 = rotate 90° clockwise: the red top-left mark ends up top-right
    r, g, b = out.convert("RGB").getpixel((result.width - 10, 10))
    assert r > 200 and g < 80 and b < 80


def test_png_with_text_chunks_comes_out_clean():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Nguyen Van A - CCCD 001234567890")
    info.add_text("Location", "21.0285,105.8542", zip=True)
    data = png_bytes(photo((300, 200)), pnginfo=info)
    assert b"tEXt" in data and b"001234567890" in data

    result = sanitize_image(data)
    out = assert_clean_jpeg(result)
    assert (result.width, result.height) == (300, 200)
    assert not getattr(out, "text", {})
    assert b"001234567890" not in result.data and b"tEXt" not in result.data


def test_png_transparency_is_flattened_on_white():
    im = Image.new("RGBA", (50, 40), (0, 0, 0, 0))
    ImageDraw.Draw(im).rectangle((0, 0, 9, 9), fill=(0, 0, 255, 255))
    result = sanitize_image(png_bytes(im))
    out = Image.open(io.BytesIO(result.data)).convert("RGB")
    assert min(out.getpixel((40, 30))) > 240  # transparent -> white, not black
    assert out.getpixel((3, 3))[2] > 200


@pytest.mark.parametrize("mode", ["L", "P", "1", "LA", "I;16", "CMYK"])
def test_other_modes_become_rgb_jpeg(mode):
    base = photo((120, 90))
    if mode == "I;16":
        im = Image.new("I;16", (120, 90))
        im.frombytes(bytes(range(256)) * (120 * 90 * 2 // 256) + b"\x00" * (120 * 90 * 2 % 256))
    else:
        im = base.convert(mode)
    data = jpeg_bytes(im) if mode == "CMYK" else png_bytes(im)
    result = sanitize_image(data)
    assert_clean_jpeg(result)
    assert (result.width, result.height) == (120, 90)


def test_16bit_greyscale_is_scaled_not_clipped():
    im = Image.new("I;16", (10, 10), 32768)  # mid grey in 16 bits
    result = sanitize_image(png_bytes(im))
    value = Image.open(io.BytesIO(result.data)).convert("L").getpixel((5, 5))
    assert 110 < value < 145


def test_long_side_is_limited_to_3000():
    result = sanitize_image(jpeg_bytes(photo((4000, 1000))))
    assert (result.width, result.height) == (3000, 750)
    result = sanitize_image(png_bytes(photo((1000, 3600), mode="L")))
    assert (result.width, result.height) == (833, 3000)


def test_big_jpeg_uses_reduced_decoding_and_limits_size():
    data = jpeg_bytes(Image.new("L", (6400, 6200), 200))
    result = sanitize_image(data)
    assert max(result.width, result.height) == 3000
    assert abs(result.width / result.height - 6400 / 6200) < 0.01


def test_jpeg_output_is_deterministic():
    data = jpeg_bytes(photo())
    assert sanitize_image(data).sha256 == sanitize_image(data).sha256


# --- rejected uploads ------------------------------------------------------------------


def test_empty():
    err = reject(b"", "empty")
    assert err.message == "Ảnh trống. Hãy chụp lại trang giấy tờ."


def test_too_large_is_checked_before_decoding(monkeypatch):
    data = jpeg_bytes(photo())
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("decoded"))
    err = reject(data, "too_large", max_bytes=1000)
    assert "Hãy chụp lại hoặc chọn ảnh nhỏ hơn" in err.message


def test_too_large_default_message():
    err = reject(b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024), "too_large")
    assert err.message == "Ảnh quá lớn (hơn 10 MB). Hãy chụp lại hoặc chọn ảnh nhỏ hơn."


def test_gif_rejected():
    buf = io.BytesIO()
    photo((50, 50)).save(buf, "GIF")
    err = reject(buf.getvalue(), "unsupported_type")
    assert "JPEG hoặc PNG" in err.message


@pytest.mark.parametrize(
    "data",
    [
        b"RIFF\x24\x00\x00\x00WEBPVP8 ",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
        b"BM" + b"\x00" * 60,
        b"II*\x00" + b"\x00" * 60,
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>',
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    ],
    ids=["webp", "heic", "bmp", "tiff", "svg-xml", "svg"],
)
def test_other_image_formats_rejected(data):
    reject(data, "unsupported_type")


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        b"Xin chao, day khong phai anh",
        b"PK\x03\x04" + b"\x00" * 40,
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42",
    ],
    ids=["pdf", "text", "zip", "mp4"],
)
def test_non_images_rejected(data):
    err = reject(data, "not_image")
    assert err.message == (
        "Tệp này không phải ảnh JPEG hoặc PNG. Hãy chụp ảnh giấy tờ bằng máy ảnh của điện thoại."
    )


def test_declared_type_is_irrelevant_png_named_like_jpeg_is_judged_by_bytes():
    # There is no filename/content-type parameter at all: a GIF cannot sneak in.
    gif = io.BytesIO()
    photo((20, 20)).save(gif, "GIF")
    reject(gif.getvalue(), "unsupported_type")
    assert sanitize_image(png_bytes(photo((20, 20)))).mime == "image/jpeg"


@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_truncated_jpeg_rejected(fraction):
    data = jpeg_bytes(photo((640, 480)))
    err = reject(data[: int(len(data) * fraction)], "truncated")
    assert err.message == "Ảnh bị lỗi hoặc tải lên chưa hết. Hãy thử tải lên lại."


def test_truncated_progressive_jpeg_rejected():
    data = jpeg_bytes(photo((640, 480)), progressive=True)
    reject(data[: len(data) * 2 // 3], "truncated")


def test_truncated_png_rejected():
    data = png_bytes(photo((640, 480)))
    reject(data[: len(data) // 2], "truncated")


@pytest.mark.parametrize("cut", [2, 3, 10, 20, 40])
def test_header_only_fragments_rejected(cut):
    reject(jpeg_bytes(photo())[:cut], "truncated")
    reject(png_bytes(photo())[:cut], "truncated")


def test_garbage_after_jpeg_magic_rejected():
    reject(JPEG_MAGIC + b"\xe0" + b"garbage" * 20, "truncated")


def test_truncated_images_refused_if_pillow_told_to_load_them(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError, match="LOAD_TRUNCATED_IMAGES"):
        sanitize_image(jpeg_bytes(photo()))


def _chunk(ctype, payload):
    return (
        struct.pack(">I", len(payload))
        + ctype
        + payload
        + struct.pack(">I", zlib.crc32(ctype + payload) & 0xFFFFFFFF)
    )


def png_bomb(width=30000, height=30000):
    """A ~100-byte 1-bit PNG declaring width x height (rows of zeros, deflated)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64, 9)  # first few rows only; never decoded anyway
    return PNG_MAGIC + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def test_png_decompression_bomb_rejected_without_decoding(monkeypatch):
    data = png_bomb()
    assert len(data) < 200
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("Pillow was called"))
    err = reject(data, "too_many_pixels")
    assert "Hãy chụp lại" in err.message


def test_jpeg_decompression_bomb_rejected_without_decoding(monkeypatch):
    data = bytearray(jpeg_bytes(Image.new("L", (16, 16))))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 30000, 30000)  # height, width
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("Pillow was called"))
    reject(bytes(data), "too_many_pixels")


def test_max_pixels_parameter():
    data = png_bytes(photo((200, 100)))
    reject(data, "too_many_pixels", max_pixels=19_999)
    assert sanitize_image(data, max_pixels=20_000).width == 200


@pytest.mark.parametrize("limit", [15_000, 5_000])  # Pillow warns above limit, errors above 2x
def test_pillow_bomb_checks_are_deterministic_rejections(monkeypatch, limit):
    # 20_000 pixels: under our max_pixels, over a (stricter) global Pillow limit. Whether
    # pytest turns warnings into errors or not, the outcome is the same rejection.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)
    reject(png_bytes(photo((200, 100))), "too_many_pixels")


def test_pillow_limit_disabled_does_not_disable_ours(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    reject(png_bomb(), "too_many_pixels")


def test_rejection_repr_and_codes():
    err = ImageRejected("truncated")
    assert repr(err) == "ImageRejected(code='truncated')"
    assert set(images.MESSAGES) | {"too_large"} == {
        "empty",
        "too_large",
        "not_image",
        "unsupported_type",
        "truncated",
        "too_many_pixels",
    }
