"""The 12-digit personal ID number: structure, and agreement with the person.

All numbers here are made up: a province code, a century/sex digit, two year
digits and "000" padding, never a real person's number.
"""

from datetime import date

import pytest

from domain.errors import RuleError
from domain.personal_id import (
    MSG_FORMAT,
    MSG_SEX,
    MSG_YEAR,
    PROVINCE_BIRTH_CODES,
    check_personal_id,
    decode_personal_id,
)


def made_up(province: str, century_sex: str, yy: str, tail: str = "000123") -> str:
    return f"{province}{century_sex}{yy}{tail}"


def test_the_province_table_has_the_63_pre_2025_provinces_with_3_digit_codes():
    assert len(PROVINCE_BIRTH_CODES) == 63
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCE_BIRTH_CODES)
    assert PROVINCE_BIRTH_CODES["001"] == "Hà Nội"
    assert PROVINCE_BIRTH_CODES["019"] == "Thái Nguyên"
    assert PROVINCE_BIRTH_CODES["079"] == "Hồ Chí Minh"
    assert PROVINCE_BIRTH_CODES["096"] == "Cà Mau"


@pytest.mark.parametrize(
    ("number", "province", "year", "sex"),
    [
        (made_up("019", "0", "90"), "019", 1990, "nam"),
        (made_up("001", "1", "85"), "001", 1985, "nu"),
        (made_up("079", "2", "24"), "079", 2024, "nam"),
        (made_up("020", "3", "05"), "020", 2005, "nu"),
        (made_up("025", "2", "00"), "025", 2000, "nam"),
        (made_up("096", "4", "01"), "096", 2101, "nam"),
        (made_up("048", "5", "10"), "048", 2110, "nu"),
        (made_up("038", "6", "00"), "038", 2200, "nam"),
        (made_up("040", "7", "00"), "040", 2200, "nu"),
        (made_up("031", "8", "99"), "031", 1899, "nam"),
        (made_up("092", "9", "98"), "092", 1898, "nu"),
        ("  " + made_up("019", "1", "99") + "\n", "019", 1999, "nu"),
    ],
)
def test_a_well_formed_number_decodes_to_province_year_and_sex(number, province, year, sex):
    decoded = decode_personal_id(number)
    assert decoded["province_code"] == province
    assert decoded["province_name"] == PROVINCE_BIRTH_CODES[province]
    assert decoded["year"] == year
    assert decoded["sex"] == sex


@pytest.mark.parametrize(
    ("number", "kwargs"),
    [
        (made_up("019", "0", "90"), {}),
        (made_up("019", "0", "90"), {"birth_date": date(1990, 5, 17), "sex": "nam"}),
        (made_up("019", "0", "90"), {"birth_year": 1990}),
        (made_up("019", "0", "90"), {"sex": "nam"}),
        (made_up("001", "1", "85"), {"birth_date": date(1985, 1, 1), "sex": "nu"}),
        (made_up("019", "2", "26"), {"birth_date": date(2026, 11, 20), "sex": "nam"}),
        (made_up("019", "3", "26"), {"birth_year": 2026, "sex": "nu"}),
        (made_up("066", "0", "45"), {"birth_year": 1945}),
        (made_up("031", "8", "99"), {"birth_date": date(1899, 12, 31), "sex": "nam"}),
        (made_up("019", "0", "90"), {"birth_date": date(1990, 1, 1), "birth_year": 1990}),
        (" " + made_up("019", "0", "90") + " ", {"birth_year": 1990, "sex": "nam"}),
    ],
)
def test_a_number_agreeing_with_the_stated_birth_and_sex_passes(number, kwargs):
    assert check_personal_id(number, **kwargs) is None


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        ("01909000012", "format"),  # 11 digits
        ("0190900001234", "format"),  # 13 digits
        ("019 090 000 123", "format"),  # inner spaces are not tolerated
        ("019.090.000.123", "format"),
        ("01909000012a", "format"),
        ("０１９０９０００１２３", "format"),  # full-width digits
        ("123456789", "format"),  # old 9-digit identity card number
        (made_up("000", "0", "90"), "province"),
        (made_up("003", "0", "90"), "province"),  # gap in the code list
        (made_up("097", "0", "90"), "province"),
        (made_up("999", "0", "90"), "province"),
    ],
)
def test_a_malformed_number_is_refused_naming_the_problem(number, code):
    with pytest.raises(RuleError) as info:
        check_personal_id(number)
    assert info.value.code == code
    assert "định danh cá nhân" in info.value.message
    assert "Hãy" in info.value.message  # says what to do


def test_a_number_of_the_wrong_length_says_it_needs_exactly_12_digits():
    with pytest.raises(RuleError) as info:
        check_personal_id("01909000012")
    assert info.value.message == MSG_FORMAT
    assert info.value.message.startswith("Số định danh cá nhân phải gồm đúng 12 chữ số")


@pytest.mark.parametrize(
    ("number", "kwargs"),
    [
        (made_up("019", "0", "90"), {"birth_year": 1991}),  # year digits differ
        (made_up("019", "0", "90"), {"birth_date": date(1989, 12, 31)}),
        (made_up("019", "2", "90"), {"birth_year": 1990}),  # says 2090
        (made_up("019", "0", "24"), {"birth_date": date(2024, 3, 1)}),  # says 1924
        (made_up("019", "8", "99"), {"birth_year": 1999}),  # says 1899
        (made_up("019", "3", "05"), {"birth_year": 2005 + 100}),
        (made_up("019", "0", "90"), {"birth_year": 1990 - 100}),
        # year is checked first, so the person sees one problem at a time
        (made_up("019", "0", "90"), {"birth_year": 1991, "sex": "nu"}),
    ],
)
def test_a_number_disagreeing_with_the_birth_year_is_refused(number, kwargs):
    with pytest.raises(RuleError) as info:
        check_personal_id(number, **kwargs)
    assert info.value.code == "year"
    assert info.value.message == MSG_YEAR
    assert "không khớp với năm sinh" in info.value.message


@pytest.mark.parametrize(
    ("number", "kwargs"),
    [
        (made_up("019", "0", "90"), {"sex": "nu"}),
        (made_up("019", "1", "90"), {"sex": "nam"}),
        (made_up("019", "2", "26"), {"birth_year": 2026, "sex": "nu"}),
        (made_up("019", "3", "26"), {"birth_date": date(2026, 1, 2), "sex": "nam"}),
        (made_up("019", "9", "95"), {"sex": "nam"}),
    ],
)
def test_a_number_disagreeing_with_the_stated_sex_is_refused(number, kwargs):
    with pytest.raises(RuleError) as info:
        check_personal_id(number, **kwargs)
    assert info.value.code == "sex"
    assert info.value.message == MSG_SEX
    assert "không khớp với giới tính" in info.value.message


def test_the_year_and_sex_messages_say_what_to_check():
    assert MSG_YEAR == (
        "Số định danh cá nhân không khớp với năm sinh. Hãy kiểm tra lại số định danh hoặc ngày sinh"
    )
    assert "Hãy kiểm tra lại số định danh hoặc giới tính" in MSG_SEX


@pytest.mark.parametrize("sex", ["male", "nữ", "", "NAM"])
def test_an_unknown_sex_value_is_a_programming_error_not_a_rule_error(sex):
    with pytest.raises(ValueError) as info:
        check_personal_id(made_up("019", "0", "90"), sex=sex)
    assert not isinstance(info.value, RuleError)


def test_a_birth_date_and_birth_year_that_disagree_are_a_programming_error():
    with pytest.raises(ValueError) as info:
        check_personal_id(made_up("019", "0", "90"), birth_date=date(1990, 1, 1), birth_year=1991)
    assert not isinstance(info.value, RuleError)


def test_decoding_a_malformed_number_raises_the_same_rule_error():
    with pytest.raises(RuleError) as info:
        decode_personal_id("12345")
    assert info.value.code == "format"
