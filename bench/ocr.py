"""How legible a photo of a form is: Tesseract's Vietnamese model reads it, and
its text is compared with the form's own text (character accuracy).

Tesseract is Debian's ``tesseract-ocr`` with ``tesseract-ocr-vie`` (make
tesseract), called as a program: no Python binding to install.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path


def tesseract() -> str:
    found = shutil.which("tesseract")
    if not found:
        raise SystemExit("tesseract missing: run make tesseract")
    return found


def read(jpeg: bytes) -> str:
    """The text Tesseract (Vietnamese, one column of lines) reads in a JPEG."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.jpg"
        path.write_bytes(jpeg)
        out = subprocess.run(  # noqa: S603 - fixed arguments, our own temporary file
            [tesseract(), str(path), "-", "-l", "vie", "--psm", "4"],
            check=True,
            capture_output=True,
        )
    return out.stdout.decode("utf-8", errors="replace")


def normalise(text: str) -> str:
    """NFC, one space between words, no empty lines: layout is not legibility."""
    lines = (" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines())
    return "\n".join(line for line in lines if line)


def distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def accuracy(reference: str, read_text: str) -> float:
    """Character accuracy in percent: 100 x (1 - edits / reference length), at least 0."""
    ref, got = normalise(reference), normalise(read_text)
    return max(0.0, 100.0 * (1 - distance(ref, got) / max(1, len(ref))))
