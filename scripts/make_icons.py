"""Draws the app icons (committed; run again only to change them).

A white document with a red seal-like circle on the national red: simple
shapes that stay legible at 48 px. The maskable icon keeps its drawing in the
inner 80% safe zone.
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
RED = (165, 14, 14)


def draw(size: int, safe: float) -> Image.Image:
    image = Image.new("RGB", (size, size), RED)
    d = ImageDraw.Draw(image)
    inset = size * (1 - safe) / 2
    s = size * safe
    left, top = inset + s * 0.22, inset + s * 0.12
    right, bottom = inset + s * 0.78, inset + s * 0.88
    d.rounded_rectangle((left, top, right, bottom), radius=s * 0.04, fill="white")
    for i in range(4):
        y = top + s * (0.16 + i * 0.1)
        d.rectangle((left + s * 0.08, y, right - s * 0.08, y + s * 0.035), fill=(190, 190, 190))
    cx, cy, r = right - s * 0.14, bottom - s * 0.16, s * 0.11
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=RED)
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, 0.9).save(OUT / "icon-192.png", optimize=True)
    draw(512, 0.9).save(OUT / "icon-512.png", optimize=True)
    draw(512, 0.7).save(OUT / "maskable-512.png", optimize=True)
    draw(180, 0.9).save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
