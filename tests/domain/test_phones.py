"""Vietnamese mobile numbers: what citizens type, what we store, what we show."""

import pytest

from domain.errors import RuleError
from domain.phones import (
    MSG_EMPTY,
    MSG_INVALID,
    MSG_NOT_MOBILE,
    last4,
    mask_phone,
    national_format,
    normalize_vn_mobile,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912 345 678", "+84912345678"),
        ("0912345678", "+84912345678"),
        ("+84912345678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("84 912 345 678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("0084 912 345 678", "+84912345678"),
        ("(+84) 912 345 678", "+84912345678"),
        ("0912.345.678", "+84912345678"),
        ("0912-345-678", "+84912345678"),
        ("  0912 345 678  ", "+84912345678"),
        ("0912\u00a0345\u00a0678", "+84912345678"),
        ("0312 345 678", "+84312345678"),
        ("0562 345 678", "+84562345678"),
        ("0701 234 567", "+84701234567"),
        ("0812 345 678", "+84812345678"),
        ("0987 654 321", "+84987654321"),
    ],
)
def test_a_vietnamese_mobile_number_written_in_a_usual_way_is_stored_in_e164(raw, expected):
    assert normalize_vn_mobile(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_an_empty_phone_number_asks_the_person_to_enter_one(raw):
    with pytest.raises(RuleError) as info:
        normalize_vn_mobile(raw)
    assert info.value.code == "empty"
    assert info.value.message == MSG_EMPTY == "Hãy nhập số điện thoại di động"


@pytest.mark.parametrize(
    "raw",
    [
        "abc",
        "0912a345678",  # phonenumbers would silently drop the letter
        "0912 345 678 ext 1",
        "0912 345 67",  # 9 digits with the leading 0
        "0912345",
        "091234567890",  # 12 digits
        "+8491234567",
        "0212 345 678",  # unallocated range
        "0123 456 789",  # 10 digits but not a valid range
        "++",
        "0912/345/678",
    ],
)
def test_a_value_that_is_not_a_valid_vietnamese_number_says_how_to_write_one(raw):
    with pytest.raises(RuleError) as info:
        normalize_vn_mobile(raw)
    assert info.value.code == "invalid"
    assert info.value.message == MSG_INVALID
    assert "10 chữ số" in info.value.message
    assert "0912 345 678" in info.value.message


@pytest.mark.parametrize("raw", ["0123 456 7890", "01234567890", "+84 123 456 7890"])
def test_an_old_eleven_digit_mobile_number_is_refused_with_an_explanation(raw):
    with pytest.raises(RuleError) as info:
        normalize_vn_mobile(raw)
    assert info.value.code == "invalid"
    assert "2018" in info.value.message
    assert "10 chữ số" in info.value.message


@pytest.mark.parametrize(
    "raw",
    [
        "024 3825 3536",  # Hà Nội landline
        "+84 24 3825 3536",
        "0208 3855 123",  # Thái Nguyên landline
        "1900 1234",  # premium service number
        "+1 650 253 0000",  # United States
        "+44 7911 123456",  # British-format mobile, not Vietnamese
        "+86 139 1234 5678",  # Chinese mobile
    ],
)
def test_a_landline_service_or_foreign_number_is_refused_as_not_a_vietnamese_mobile(raw):
    with pytest.raises(RuleError) as info:
        normalize_vn_mobile(raw)
    assert info.value.code == "not_mobile"
    assert info.value.message == MSG_NOT_MOBILE
    assert "di động Việt Nam" in info.value.message


def test_the_three_kinds_of_phone_errors_have_distinct_messages():
    assert len({MSG_EMPTY, MSG_INVALID, MSG_NOT_MOBILE}) == 3


def test_a_rule_error_is_a_value_error_carrying_its_message():
    with pytest.raises(ValueError, match="Hãy nhập số điện thoại"):
        normalize_vn_mobile("")


@pytest.mark.parametrize(
    ("e164", "national", "masked", "tail"),
    [
        ("+84912345678", "0912 345 678", "091****678", "5678"),
        ("+84312345678", "0312 345 678", "031****678", "5678"),
        ("+84701234567", "0701 234 567", "070****567", "4567"),
    ],
)
def test_a_stored_number_is_shown_nationally_masked_and_by_its_last_four_digits(
    e164, national, masked, tail
):
    assert national_format(e164) == national
    assert mask_phone(e164) == masked
    assert last4(e164) == tail


def test_a_masked_number_keeps_the_length_of_the_national_number():
    assert len(mask_phone("+84912345678")) == len("0912345678")


@pytest.mark.parametrize("helper", [national_format, mask_phone, last4])
def test_a_display_helper_refuses_a_value_that_is_not_a_phone_number(helper):
    with pytest.raises(ValueError):
        helper("not a number")


def test_a_normalized_number_round_trips_through_national_format():
    e164 = normalize_vn_mobile("0987 654 321")
    assert normalize_vn_mobile(national_format(e164)) == e164
