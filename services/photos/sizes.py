"""Pages served at the size the screen needs: a thumbnail, a screen-size page,
or the original on demand. Stored photos are at most a few megapixels (the
phone shrinks them), so a resize takes milliseconds and is not kept."""

from __future__ import annotations

import io

from PIL import Image

# Widths an officer's page asks for: legible thumbnails (shown ~240 px wide,
# sharp on a 2x screen) and a page that fills a commune PC's screen.
WIDTHS = (480, 1600)


def resized(data: bytes, width: int) -> tuple[bytes, str] | None:
    """(JPEG bytes, mime) at most ``width`` wide, or None when the original is
    no wider (serve it as it is)."""
    with Image.open(io.BytesIO(data)) as im:
        if im.width <= width:
            return None
        im.draft("RGB", (width, width * im.height // im.width))  # JPEG: decode smaller
        im = im.convert("RGB")
        im.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        im.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue(), "image/jpeg"
