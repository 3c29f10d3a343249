"""Sanitizing uploaded photos of paper documents (birth certificates, ID cards...).

:func:`sanitize_image` takes the uploaded bytes and either returns a clean re-encoded
JPEG (:class:`SanitizedImage`) or raises :class:`ImageRejected` whose ``.message`` is a
Vietnamese sentence to show the citizen and whose ``.code`` is a short English slug for
logs and API clients: ``empty``, ``too_large``, ``not_image``, ``unsupported_type``,
``truncated`` (also used for otherwise corrupt files) or ``too_many_pixels``.

Rules:

* Only JPEG and PNG are accepted, judged by the bytes alone (magic number, our own
  header parse and Pillow's detected format), never by a file name or declared type.
* Size is checked before anything is decoded; the declared width x height is read from
  the JPEG/PNG header by this module and checked against ``max_pixels`` before Pillow
  decodes any pixel data. Pillow's own decompression-bomb checks are turned into
  rejections too (``DecompressionBombWarning`` is raised as an error inside this module,
  regardless of the global warning filters), so the stricter of ``max_pixels`` and
  ``PIL.Image.MAX_IMAGE_PIXELS`` applies. (``warnings.catch_warnings`` is process-wide
  before Python 3.14; the only filter it adds is for that one Pillow warning, and with the
  default limits our own header check rejects such images before Pillow sees them.)
* Truncated files are rejected: the image is fully decoded (``.load()``) with
  ``ImageFile.LOAD_TRUNCATED_IMAGES`` False. If some other code has set that global to
  True, :func:`sanitize_image` refuses to run (RuntimeError) instead of silently
  accepting half-uploaded photos.
* Every accepted image is re-encoded: EXIF orientation applied, converted to RGB,
  transparency flattened onto white, long side limited to :data:`MAX_SIDE` px, saved as
  progressive, optimized JPEG at quality 85 with no metadata at all (no EXIF/GPS, XMP,
  ICC profile, comments or PNG text chunks).
* PNG input is also re-encoded as JPEG (design choice): uploads are photos or
  screenshots of documents, one output type keeps storage and display simple, and
  JPEG at quality 85 keeps text readable.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import io
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

__all__ = [
    "JPEG_QUALITY",
    "MAX_SIDE",
    "ImageRejected",
    "SanitizedImage",
    "release_memory",
    "sanitize_image",
]

MAX_SIDE = 3000
JPEG_QUALITY = 85
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000

_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

_RETAKE = "Hãy chụp lại ảnh giấy tờ bằng máy ảnh của điện thoại, hoặc chọn ảnh JPEG hoặc PNG."

MESSAGES = {
    "empty": "Ảnh trống. Hãy chụp lại trang giấy tờ.",
    "not_image": (
        "Tệp này không phải ảnh JPEG hoặc PNG. Hãy chụp ảnh giấy tờ bằng máy ảnh của điện thoại."
    ),
    "unsupported_type": f"Ảnh này có định dạng chưa được hỗ trợ. {_RETAKE}",
    "truncated": "Ảnh bị lỗi hoặc tải lên chưa hết. Hãy thử tải lên lại.",
    "too_many_pixels": (
        "Ảnh có kích thước quá lớn. Hãy chụp lại bằng máy ảnh của điện thoại hoặc chọn ảnh nhỏ hơn."
    ),
}


class ImageRejected(ValueError):
    """The upload is not an acceptable photo.

    ``message``: Vietnamese, tells the citizen what to do. ``code``: English slug.
    """

    def __init__(self, code: str, message: str | None = None):
        self.code = code
        self.message = message or MESSAGES[code]
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"ImageRejected(code={self.code!r})"

    def __reduce__(self):
        # Raised in the decoding child (services/photos/decode_pool.py) and
        # raised again in the worker: rebuilt from both fields, not from args.
        return (ImageRejected, (self.code, self.message))


@dataclass(frozen=True)
class SanitizedImage:
    data: bytes
    mime: str
    width: int
    height: int
    sha256: str


def _human_size(n: int) -> str:
    """Size for a Vietnamese sentence: 10485760 -> "10 MB", 1536 -> "1,5 KB"."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= factor:
            value = f"{n / factor:.1f}".rstrip("0").rstrip(".")
            return f"{value.replace('.', ',')} {unit}"
    return f"{n} byte"


# --- recognising the bytes -------------------------------------------------------------


def _other_format(data: bytes) -> str | None:
    """Name of a known non-JPEG/PNG image format, or None."""
    head = data[:64]
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "AVIF"
        if brand in (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"):
            return "HEIC"
        return None  # MP4/MOV video and friends: not an image
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if head.startswith(b"BM"):
        return "BMP"
    if head.startswith(b"\x00\x00\x01\x00"):
        return "ICO"
    if head.startswith(b"\xff\x0a") or head[4:12] == b"jP  \r\n\x87\n":
        return "JPEG XL" if head.startswith(b"\xff\x0a") or b"JXL " in head else "JPEG 2000"
    text = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return "SVG"
    return None


def _jpeg_declared_size(data: bytes) -> tuple[int, int]:
    """Width and height from the JPEG frame header(s), read before decoding.

    Walks the marker segments up to the first SOS. Raises ImageRejected("truncated") when
    the header is cut short or malformed. With several SOF markers the largest is used.
    """
    sof = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
    n = len(data)
    i = 2
    best: tuple[int, int] | None = None
    while True:
        if i >= n:
            break
        if data[i] != 0xFF:
            raise ImageRejected("truncated")
        while i < n and data[i] == 0xFF:  # fill bytes
            i += 1
        if i >= n:
            break
        marker = data[i]
        i += 1
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # stand-alone markers
            continue
        if marker == 0xD9:  # EOI before any scan
            break
        if i + 2 > n:
            break
        (length,) = struct.unpack(">H", data[i : i + 2])
        if length < 2:
            raise ImageRejected("truncated")
        if marker in sof:
            if i + 7 > n:
                break
            height, width = struct.unpack(">HH", data[i + 3 : i + 7])
            if best is None or width * height > best[0] * best[1]:
                best = (width, height)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            if best is None:
                raise ImageRejected("truncated")
            return best
        i += length
    # Ran out of data (or hit EOI) before the first scan: nothing to decode.
    raise ImageRejected("truncated")


def _png_declared_size(data: bytes) -> tuple[int, int]:
    if len(data) < 33:
        raise ImageRejected("truncated")
    length, ctype = struct.unpack(">I4s", data[8:16])
    if ctype != b"IHDR" or length != 13:
        raise ImageRejected("truncated")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# --- re-encoding -----------------------------------------------------------------------


def _to_rgb(im: Image.Image) -> Image.Image:
    """RGB copy of ``im`` with transparency flattened onto white."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale PNG: scale to 8 bits instead of clipping everything to white.
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    has_alpha = im.mode in ("RGBA", "LA", "La", "RGBa", "PA") or (
        "transparency" in im.info and im.mode in ("P", "L", "RGB", "1")
    )
    if has_alpha:
        with im.convert("RGBA") as rgba, Image.new("RGBA", rgba.size, "white") as background:
            background.alpha_composite(rgba)
            return background.convert("RGB")
    return im.convert("RGB")


def _find_malloc_trim():
    """glibc's malloc_trim, or None (musl, macOS)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _find_malloc_trim()


def release_memory() -> None:
    """Hand the freed pixel buffers back to the system.

    glibc keeps freed memory in its arenas (one per thread) for reuse, so a worker
    that decoded four 40 MP pages at once stayed at their peak for good: 233 MB
    after four 6300 x 6300 PNGs, 22 MB after malloc_trim(0) (measured on this
    Debian machine). It costs a few milliseconds, once per photo.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _check_pixels(width: int, height: int, max_pixels: int) -> None:
    if width <= 0 or height <= 0:
        raise ImageRejected("truncated")
    if width * height > max_pixels:
        raise ImageRejected("too_many_pixels")


def sanitize_image(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> SanitizedImage:
    """Validate an uploaded photo and return it re-encoded as a metadata-free JPEG.

    Raises :class:`ImageRejected` (with a Vietnamese ``.message``) for anything that is
    not a complete JPEG/PNG within ``max_bytes`` bytes and ``max_pixels`` pixels.
    """
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError(
            "PIL.ImageFile.LOAD_TRUNCATED_IMAGES is True; sanitize_image needs it False "
            "to reject half-uploaded photos"
        )
    data = bytes(data or b"")
    if not data:
        raise ImageRejected("empty")
    if len(data) > max_bytes:
        raise ImageRejected(
            "too_large",
            f"Ảnh quá lớn (hơn {_human_size(max_bytes)}). Hãy chụp lại hoặc chọn ảnh nhỏ hơn.",
        )

    if data.startswith(_JPEG_MAGIC):
        expected = "JPEG"
        width, height = _jpeg_declared_size(data)
    elif data.startswith(_PNG_MAGIC):
        expected = "PNG"
        width, height = _png_declared_size(data)
    elif len(data) < len(_PNG_MAGIC) and (
        _PNG_MAGIC.startswith(data) or _JPEG_MAGIC.startswith(data)
    ):
        raise ImageRejected("truncated")  # only the first bytes of a photo arrived
    elif _other_format(data):
        raise ImageRejected("unsupported_type")
    else:
        raise ImageRejected("not_image")
    _check_pixels(width, height, max_pixels)

    opened: list[Image.Image] = []  # closed below: a 40 MP page is 120 MB of pixels
    try:
        with warnings.catch_warnings():
            # Make Pillow's bomb warning an exception here, whatever the global filters say.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                im = _decode(data, expected, max_pixels, opened)
                im = _upright(im)
                opened.append(im)
                if max(im.size) > MAX_SIDE:
                    im.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                rgb = _to_rgb(im)
                opened.append(rgb)
            except ImageRejected:
                raise
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise ImageRejected("too_many_pixels") from None
            except MemoryError:
                raise ImageRejected("too_many_pixels") from None
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
                raise ImageRejected("truncated") from exc
            except (struct.error, IndexError) as exc:
                raise ImageRejected("truncated") from exc

        # A fresh image carries no info dict, EXIF, XMP, comment, ICC or text chunks.
        clean = Image.new("RGB", rgb.size)
        opened.append(clean)
        clean.paste(rgb)
        out = io.BytesIO()
        clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        encoded = out.getvalue()
        width, height = clean.size
    finally:
        for image in opened:
            image.close()
        del opened
        release_memory()
    return SanitizedImage(
        data=encoded,
        mime="image/jpeg",
        width=width,
        height=height,
        sha256=hashlib.sha256(encoded).hexdigest(),
    )


def _decode(data: bytes, expected: str, max_pixels: int, opened: list) -> Image.Image:
    """Open with Pillow restricted to the expected format and decode every pixel."""
    formats = ["JPEG"] if expected == "JPEG" else ["PNG"]
    im = Image.open(io.BytesIO(data), formats=formats)
    opened.append(im)
    if im.format not in (("JPEG", "MPO") if expected == "JPEG" else ("PNG",)):
        raise ImageRejected("not_image")
    _check_pixels(*im.size, max_pixels)  # Pillow's reading of the header, too
    if expected == "JPEG" and max(im.size) > MAX_SIDE:
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale (never below MAX_SIDE on either
        # side): far less memory on big camera files. Every byte is still decoded.
        im.draft(None, (MAX_SIDE, MAX_SIDE))
    im.load()  # full decode: raises on truncated data (LOAD_TRUNCATED_IMAGES is False)
    return im


def _upright(im: Image.Image) -> Image.Image:
    """Apply the EXIF orientation. A photo whose EXIF block is damaged is kept as shot:
    rejecting it would only make the citizen retake a perfectly readable picture."""
    try:
        return ImageOps.exif_transpose(im)
    except (SyntaxError, ValueError, TypeError, KeyError, struct.error, OSError):
        return im
