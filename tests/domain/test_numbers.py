import pytest

from domain.numbers import INT64_MAX, ascii_digits, whole_number


@pytest.mark.parametrize(
    "text",
    ["²", "①②③④", "١٢٣٤", "1e3", "1.5", "-1", "", " ", "9" * 5000, str(INT64_MAX + 1), None, 12],
)
def test_anything_but_ascii_digits_within_64_bits_is_not_a_number(text):
    assert whole_number(text) is None


def test_ascii_digits_within_bounds_are_a_number():
    assert whole_number(" 42 ") == 42
    assert whole_number("0") == 0
    assert whole_number(str(INT64_MAX)) == INT64_MAX


def test_bounds_are_inclusive_and_refuse_outside():
    assert whole_number("1", 1, 10) == 1
    assert whole_number("10", 1, 10) == 10
    assert whole_number("11", 1, 10) is None
    assert whole_number("0", 1, 10) is None


def test_only_ascii_digits_are_kept_from_a_typed_number():
    assert ascii_digits("0912 345.678") == "0912345678"
    assert ascii_digits("①②③④١٢٣٤²") == ""
