"""Provinces and communes after the 1 July 2025 reorganisation (34 + 3,321).

Data comes from the ``vietnam_provinces`` package (GPL-3.0-or-later). Always
key on the numeric code: names repeat across provinces and are spelled with
different tone marks in local documents (Thái Nguyên's "Xã Văn Lăng" is
"Văn Lãng" in the commune's own guide), so search ignores diacritics and
every result shows its province.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import vietnam_provinces

# Prefixes of commune names in the data ("Xã", "Phường", "Đặc khu"), folded.
_COMMUNE_PREFIXES = ("xa ", "phuong ", "dac khu ")
# Ways people write the province type before its name in a query.
_PROVINCE_PREFIXES = ("thanh pho ", "tinh ", "tp ")
_CITY_PREFIX = "Thành phố "


@dataclass(frozen=True)
class Commune:
    code: int
    name: str  # as in the data, with its type: "Xã Văn Lăng", "Phường Hoàn Kiếm"
    province_code: int
    province_name: str  # as in the data: "Thái Nguyên", "Thành phố Hà Nội"

    @property
    def code_str(self) -> str:
        """The 5-digit code used in official lists, e.g. "05665"."""
        return f"{self.code:05d}"

    @property
    def province_label(self) -> str:
        """ "tỉnh Thái Nguyên" or "thành phố Hà Nội", as written after a commune."""
        return _province_label(self.province_name)

    @property
    def label(self) -> str:
        """ "Xã Văn Lăng, tỉnh Thái Nguyên": unambiguous for people."""
        return f"{self.name}, {self.province_label}"


def _province_label(province_name: str) -> str:
    # In the data the six centrally-run cities carry "Thành phố" in their name
    # and the 28 provinces carry no prefix (checked by a test over all 34).
    if province_name.startswith(_CITY_PREFIX):
        return "thành phố " + province_name[len(_CITY_PREFIX) :]
    return "tỉnh " + province_name


def unaccent(text: str) -> str:
    """Vietnamese without diacritics, case kept: "Xã Đông Hỷ" -> "Xa Dong Hy".

    SMS bodies use it: accents switch a message to UCS-2 and double its cost.
    """
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D")


def fold(text: str) -> str:
    """Lowercase, strip Vietnamese diacritics (đ -> d), collapse whitespace.

    "  Xã  Văn Lăng " -> "xa van lang".
    """
    return " ".join(unaccent(text).lower().split())


def _search_key(text: str) -> str:
    # fold() plus punctuation: apostrophes vanish ("Cư M’gar" ~ "cu mgar", so
    # "M'gar" typed with either quote matches) and dashes or commas become
    # spaces ("Chân Mây – Lăng Cô", "van lang, thai nguyen").
    folded = re.sub(r"['’‘`]", "", fold(text))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


def _strip_prefix(key: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


@dataclass(frozen=True)
class _Entry:
    commune: Commune
    full_key: str  # "xa van lang"
    short_key: str  # "van lang"
    province_key: str  # "thai nguyen", "ha noi"


@dataclass(frozen=True)
class _Data:
    provinces: dict[int, dict]  # without their wards
    communes: dict[int, Commune]
    entries: tuple[_Entry, ...]


@cache
def _data() -> _Data:
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as fh:
        raw = json.load(fh)
    provinces: dict[int, dict] = {}
    communes: dict[int, Commune] = {}
    entries: list[_Entry] = []
    for province in raw:
        info = {key: value for key, value in province.items() if key != "wards"}
        provinces[province["code"]] = info
        province_key = _strip_prefix(_search_key(province["name"]), _PROVINCE_PREFIXES)
        for ward in province["wards"]:
            commune = Commune(ward["code"], ward["name"], province["code"], province["name"])
            communes[commune.code] = commune
            full_key = _search_key(commune.name)
            short_key = _strip_prefix(full_key, _COMMUNE_PREFIXES)
            entries.append(_Entry(commune, full_key, short_key, province_key))
    return _Data(provinces, communes, tuple(entries))


def _to_code(code: int | str) -> int | None:
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        return code
    if isinstance(code, str):
        text = code.strip()
        if text.isascii() and text.isdigit():
            return int(text)
    return None


def get_commune(code: int | str) -> Commune | None:
    """The commune with this code (5665, "5665" or "05665"), or None."""
    number = _to_code(code)
    return None if number is None else _data().communes.get(number)


def get_province(code: int | str) -> dict | None:
    """The province's data (code, name, codename, division_type, phone_code),
    without its wards, as a fresh dict; None if unknown."""
    number = _to_code(code)
    info = None if number is None else _data().provinces.get(number)
    return None if info is None else dict(info)


def list_provinces() -> list[tuple[int, str]]:
    """All 34 provinces as (code, name), in code order (north to south)."""
    return [(code, info["name"]) for code, info in sorted(_data().provinces.items())]


def list_communes(province_code: int | str | None = None) -> list[Commune]:
    """All communes (3,321), or those of one province, in code order."""
    communes = sorted(_data().communes.values(), key=lambda c: c.code)
    if province_code is None:
        return communes
    number = _to_code(province_code)
    return [c for c in communes if c.province_code == number]


def _name_rank(query: str, entry: _Entry) -> int | None:
    """0 exact name, 1 name starts with query, 2 a word starts with it,
    3 anywhere inside; None if no match. With or without "Xã"/"Phường"."""
    if query in (entry.short_key, entry.full_key):
        return 0
    if entry.short_key.startswith(query) or entry.full_key.startswith(query):
        return 1
    if f" {query}" in f" {entry.short_key}":
        return 2
    if query in entry.full_key:
        return 3
    return None


def _province_matches(query: str, province_key: str) -> bool:
    query = _strip_prefix(query, _PROVINCE_PREFIXES)
    # Prefix, so that results narrow while the person is still typing.
    return province_key.startswith(query)


def search_communes(query: str, limit: int = 20) -> list[Commune]:
    """Find communes by name, ignoring diacritics, best matches first.

    - a 5-digit code ("05665") returns that commune;
    - "van lang" finds Văn Lăng, Văn Lãng and both Văn Lang; "xa van lang" too;
    - when the name alone matches nothing, the query may end with (part of) a
      province name: "van lang thai nguyen", "van lang, tỉnh Thái Nguyên".
      This is only a fallback so that "van lang" is never read as "van" in
      Lạng Sơn.
    Ranked exact name, then name prefix, then word prefix, then substring;
    ties: spelled exactly as typed (tone marks included) first, then by name
    and province. Queries under 2 characters return [].
    """
    key = _search_key(query)
    if len(key) < 2 or limit <= 0:
        return []
    if len(key) == 5 and key.isdigit():
        commune = get_commune(key)
        return [commune] if commune else []

    entries = _data().entries
    ranked: dict[int, tuple[int, _Entry]] = {}
    for entry in entries:
        rank = _name_rank(key, entry)
        if rank is not None:
            ranked[entry.commune.code] = (rank, entry)

    if not ranked:
        words = key.split()
        for split in range(1, len(words)):
            name_part, province_part = " ".join(words[:split]), " ".join(words[split:])
            for entry in entries:
                if not _province_matches(province_part, entry.province_key):
                    continue
                rank = _name_rank(name_part, entry)
                code = entry.commune.code
                if rank is not None and (code not in ranked or rank < ranked[code][0]):
                    ranked[code] = (rank, entry)

    # Among equally good matches, names spelled exactly as typed (tone marks
    # included) come first: someone who typed "Văn Lăng" most likely means it.
    typed = _lower_nfc(query)

    def sort_key(item: tuple[int, _Entry]) -> tuple:
        rank, entry = item
        name = _lower_nfc(entry.commune.name)
        spelled_as_typed = typed == name or name.endswith(f" {typed}")
        return (rank, not spelled_as_typed, entry.short_key, entry.province_key, entry.commune.code)

    ordered = sorted(ranked.values(), key=sort_key)
    return [entry.commune for _, entry in ordered[:limit]]


def _lower_nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").lower().split())
