"""The 12-digit personal ID number (số định danh cá nhân, also on the chip ID card).

Structure (Decree 137/2015/NĐ-CP, Circular 59/2021/TT-BCA):
``PPP`` province code where the birth was registered, ``C`` century and sex,
``YY`` last two digits of the year of birth, then 6 random digits. Only the
first six digits carry meaning, so this module can catch typos that break the
structure or contradict the stated date of birth and sex; it cannot tell a
real number from a made-up one.
"""

from __future__ import annotations

from datetime import date

from domain.errors import RuleError

# Province codes of the 63 provinces before the 2025 merger. They stay valid:
# the code records where the birth was registered, and people keep their number.
PROVINCE_BIRTH_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

SEXES = ("nam", "nu")

# 4th digit -> (first year of the century, sex). Even digits are male, odd female.
_CENTURY_SEX: dict[str, tuple[int, str]] = {
    "0": (1900, "nam"),
    "1": (1900, "nu"),
    "2": (2000, "nam"),
    "3": (2000, "nu"),
    "4": (2100, "nam"),
    "5": (2100, "nu"),
    "6": (2200, "nam"),
    "7": (2200, "nu"),
    "8": (1800, "nam"),
    "9": (1800, "nu"),
}

_WHERE_TO_LOOK = "Hãy kiểm tra lại số in trên thẻ căn cước hoặc trong ứng dụng VNeID"
MSG_EMPTY = f"Hãy nhập số định danh cá nhân (12 chữ số). {_WHERE_TO_LOOK}"
MSG_FORMAT = f"Số định danh cá nhân phải gồm đúng 12 chữ số. {_WHERE_TO_LOOK}"
MSG_PROVINCE = (
    "Số định danh cá nhân không đúng: 3 chữ số đầu không phải là mã tỉnh, thành phố. "
    f"{_WHERE_TO_LOOK}"
)
MSG_YEAR = (
    "Số định danh cá nhân không khớp với năm sinh. Hãy kiểm tra lại số định danh hoặc ngày sinh"
)
MSG_SEX = (
    "Số định danh cá nhân không khớp với giới tính. Hãy kiểm tra lại số định danh hoặc giới tính"
)


def _clean(number: str) -> str:
    # Only surrounding whitespace is forgiven: inner spaces or dots usually mean
    # the person typed something else (an old 9-digit ID plus extra digits, ...).
    text = (number or "").strip()
    if not text:
        raise RuleError(MSG_EMPTY, code="empty")
    # isascii(): str.isdigit() alone also accepts e.g. Arabic-Indic or superscript digits.
    if len(text) != 12 or not (text.isascii() and text.isdigit()):
        raise RuleError(MSG_FORMAT, code="format")
    if text[:3] not in PROVINCE_BIRTH_CODES:
        raise RuleError(MSG_PROVINCE, code="province")
    return text


def decode_personal_id(number: str) -> dict:
    """Decode the meaningful part of a personal ID number.

    Returns ``{"province_code": "019", "province_name": "Thái Nguyên",
    "year": 1990, "sex": "nam"}``; ``sex`` is "nam" or "nu". Raises
    :class:`RuleError` if the number is not 12 digits with a known province code.
    """
    text = _clean(number)
    century, sex = _CENTURY_SEX[text[3]]
    return {
        "province_code": text[:3],
        "province_name": PROVINCE_BIRTH_CODES[text[:3]],
        "year": century + int(text[4:6]),
        "sex": sex,
    }


def check_personal_id(
    number: str,
    *,
    birth_date: date | None = None,
    birth_year: int | None = None,
    sex: str | None = None,
) -> None:
    """Raise :class:`RuleError` if ``number`` is malformed or contradicts the person.

    ``birth_date`` or ``birth_year`` (forms often only know the year of a
    parent) and ``sex`` ("nam", "nu", or None when unknown) are checked only
    when given. The year is checked before the sex, so the person sees one
    problem at a time. ``code`` on the error is "empty", "format",
    "province", "year" or "sex".
    """
    if sex is not None and sex not in SEXES:
        raise ValueError(f"sex must be 'nam', 'nu' or None, not {sex!r}")
    if birth_date is not None:
        if birth_year is not None and birth_year != birth_date.year:
            raise ValueError("birth_date and birth_year disagree")
        birth_year = birth_date.year

    decoded = decode_personal_id(number)
    if birth_year is not None and decoded["year"] != birth_year:
        raise RuleError(MSG_YEAR, code="year")
    if sex is not None and decoded["sex"] != sex:
        raise RuleError(MSG_SEX, code="sex")
