"""Dossier codes: <agency>-YYMMDD-XXXX (Circular 01/2018/TT-VPCP art. 19)."""

from datetime import date

import pytest

from domain.dossier_code import format_code, parse_code


@pytest.mark.parametrize(
    ("agency", "day", "sequence", "expected"),
    [
        ("X05665", date(2026, 11, 26), 7, "X05665-261126-0007"),
        ("X05665", date(2026, 11, 26), 1, "X05665-261126-0001"),
        ("X05665", date(2026, 11, 26), 9999, "X05665-261126-9999"),
        ("H56.22.12", date(2027, 2, 11), 42, "H56.22.12-270211-0042"),
        ("000.00.19.H56", date(2030, 1, 5), 123, "000.00.19.H56-300105-0123"),
        ("x05665", date(2026, 1, 2), 10, "X05665-260102-0010"),  # upper-cased
    ],
)
def test_a_code_is_agency_date_received_and_four_digit_sequence(agency, day, sequence, expected):
    assert format_code(agency, day, sequence) == expected


@pytest.mark.parametrize("sequence", [0, -1, 10000, 123456])
def test_a_sequence_outside_1_to_9999_is_refused(sequence):
    with pytest.raises(ValueError):
        format_code("X05665", date(2026, 11, 26), sequence)


@pytest.mark.parametrize("sequence", [True, 1.0, "1", None])
def test_a_sequence_that_is_not_an_int_is_refused(sequence):
    with pytest.raises(ValueError):
        format_code("X05665", date(2026, 11, 26), sequence)


@pytest.mark.parametrize("agency", ["", "  ", "X-05", "X 05", "H56..22", ".H56", "H56.", "XÃ"])
def test_an_agency_code_with_other_characters_is_refused(agency):
    with pytest.raises(ValueError):
        format_code(agency, date(2026, 11, 26), 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("X05665-261126-0007", ("X05665", date(2026, 11, 26), 7)),
        ("  x05665-261126-0007 \n", ("X05665", date(2026, 11, 26), 7)),
        ("h56.22.12-270211-0042", ("H56.22.12", date(2027, 2, 11), 42)),
        ("000.00.19.H56-300105-9999", ("000.00.19.H56", date(2030, 1, 5), 9999)),
        ("X05665-240229-0001", ("X05665", date(2024, 2, 29), 1)),  # leap day
    ],
)
def test_a_typed_or_pasted_code_is_parsed_into_agency_date_and_sequence(text, expected):
    assert parse_code(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        None,
        "X05665",
        "X05665-261126",
        "X05665-261126-007",  # three-digit sequence
        "X05665-261126-00007",
        "X05665-261126-0000",  # sequence starts at 1
        "X05665-2611260-0007",
        "X05665-261332-0007",  # month 13
        "X05665-250229-0007",  # 29/02 in a non-leap year
        "X05665-260230-0007",
        "X05665 261126 0007",
        "X05665–261126–0007",  # en dashes
        "-261126-0007",
        "X05665-261126-0007-1",
        "X 05665-261126-0007",
        "X05665-٢٦١١٢٦-0007",  # non-ASCII digits
        "hồ sơ X05665-261126-0007",
    ],
)
def test_text_that_is_not_a_dossier_code_parses_to_none(text):
    assert parse_code(text) is None


@pytest.mark.parametrize(
    ("agency", "day", "sequence"),
    [
        ("X05665", date(2026, 11, 26), 1),
        ("H56.22.12", date(2099, 12, 31), 9999),
        ("000.00.19.H56", date(2000, 1, 1), 500),
    ],
)
def test_a_formatted_code_parses_back_to_the_same_parts(agency, day, sequence):
    assert parse_code(format_code(agency, day, sequence)) == (agency, day, sequence)
