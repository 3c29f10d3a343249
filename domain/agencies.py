"""Agency and role names as data (``data/agencies.toml``), so a province can
rename them without touching code: set AGENCIES_FILE to its own copy. The
keys are fixed ids kept in dossiers and officer accounts; only words change."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "agencies.toml"
KEYS = ("tu-phap", "cong-an", "bhxh", "ldtbxh")


def load(path: str | Path | None = None) -> dict:
    path = Path(path or os.environ.get("AGENCIES_FILE") or DEFAULT_FILE)
    with open(path, "rb") as f:
        data = tomllib.load(f)
    agencies = data.get("agencies", {})
    missing = [k for k in KEYS if k not in agencies]
    if missing:
        raise RuntimeError(f"{path}: thiếu cơ quan {', '.join(missing)} (agencies.<key>)")
    for key in KEYS:
        for word in ("name", "short", "role"):
            if not str(agencies[key].get(word, "")).strip():
                raise RuntimeError(f"{path}: agencies.{key}.{word} trống")
    return data


DATA = load()
AGENCIES = {k: {"name": DATA["agencies"][k]["name"], "short": DATA["agencies"][k]["short"]}
            for k in KEYS}  # fmt: skip
ROLE_NAMES = {
    **{k: DATA["agencies"][k]["role"] for k in KEYS},
    "quan-tri": DATA.get("roles", {}).get("quan-tri", "Quản trị của UBND xã"),
}
