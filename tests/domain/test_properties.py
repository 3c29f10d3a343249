"""Property tests (Hypothesis) of the rules: ID numbers, phones, dates, dossier codes.

Whatever a person types, a rule answers with a RuleError (a message for them)
or a value, never another exception; what a rule produces it accepts again.
"""

import re
import string
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from domain.dossier_code import MAX_SEQUENCE, format_code, parse_code
from domain.errors import RuleError
from domain.personal_id import PROVINCE_BIRTH_CODES, SEXES, check_personal_id, decode_personal_id
from domain.phones import last4, mask_phone, national_format, normalize_vn_mobile
from domain.validation import validate_field
from domain.working_days import (
    VN_TZ,
    due_date,
    format_vn_date,
    is_working_day,
    next_working_day,
    start_day,
    working_days_between,
)

# No deadline: the first call of phonenumbers or holidays loads data, and a
# busy CI machine must not turn that into a failure.
rules = settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])

CENTURY_DIGIT = {(1900, "nam"): "0", (1900, "nu"): "1", (2000, "nam"): "2", (2000, "nu"): "3"}
TYPED = st.text(
    alphabet=st.sampled_from(string.digits * 4 + " +-.()\t\n84aZ\u0660\u00b2\u0300đ"), max_size=24
) | st.text(max_size=24)


@st.composite
def personal_ids(draw):
    province = draw(st.sampled_from(sorted(PROVINCE_BIRTH_CODES)))
    year = draw(st.integers(1900, 2099))
    sex = draw(st.sampled_from(SEXES))
    tail = draw(st.text(alphabet=string.digits, min_size=6, max_size=6))
    number = f"{province}{CENTURY_DIGIT[(year // 100 * 100, sex)]}{year % 100:02d}{tail}"
    return number, province, year, sex


@rules
@given(personal_ids())
def test_a_well_formed_id_decodes_to_what_it_was_built_from(case):
    number, province, year, sex = case
    decoded = decode_personal_id(f"  {number}\n")
    assert (decoded["province_code"], decoded["year"], decoded["sex"]) == (province, year, sex)
    check_personal_id(number, birth_year=year, sex=sex)
    check_personal_id(number, birth_date=date(year, 1, 1))


@rules
@given(personal_ids(), st.integers(1800, 2299))
def test_an_id_with_another_birth_year_is_refused_as_year(case, other_year):
    number, _, year, _ = case
    assume(other_year != year)
    try:
        check_personal_id(number, birth_year=other_year)
    except RuleError as error:
        assert error.code == "year"
    else:
        raise AssertionError("a different year was accepted")


@rules
@given(TYPED, st.sampled_from([None, *SEXES]), st.none() | st.integers(1, 9999))
def test_check_personal_id_never_raises_anything_but_rule_error(text, sex, year):
    try:
        check_personal_id(text, birth_year=year, sex=sex)
    except RuleError as error:
        assert error.code in {"empty", "format", "province", "year", "sex"}
        assert error.message


@rules
@given(TYPED)
def test_phone_normalizing_refuses_with_a_rule_error_or_gives_e164(text):
    try:
        e164 = normalize_vn_mobile(text)
    except RuleError as error:
        assert error.code in {"empty", "invalid", "not_mobile"}
        return
    assert re.fullmatch(r"\+84[35789]\d{8}", e164)


@st.composite
def written_mobiles(draw):
    """A candidate mobile number written as people write it."""
    digits = draw(st.sampled_from("35789")) + draw(
        st.text(alphabet=string.digits, min_size=8, max_size=8)
    )
    style = draw(st.sampled_from(["0{}", "+84{}", "84 {}", "0084{}", "(+84) {}", "0{}"]))
    national = f"{digits[:2]}{draw(st.sampled_from(['', ' ', '.', '-']))}{digits[2:5]} {digits[5:]}"
    return style.format(national if draw(st.booleans()) else digits), digits


@rules
@given(written_mobiles())
def test_normalizing_is_idempotent_and_round_trips_through_the_display_forms(case):
    text, digits = case
    try:
        e164 = normalize_vn_mobile(text)
    except RuleError:
        return  # an unallocated range; the property is about numbers that pass
    assert e164 == "+84" + digits
    assert normalize_vn_mobile(e164) == e164
    assert normalize_vn_mobile(national_format(e164)) == e164
    assert last4(e164) == digits[-4:]
    masked = mask_phone(e164)
    assert masked.startswith("0" + digits[:2]) and masked.endswith(digits[-3:])


agencies = st.from_regex(r"[A-Z0-9]{1,6}(\.[A-Z0-9]{1,4}){0,3}", fullmatch=True)


@rules
@given(agencies, st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.integers(1, MAX_SEQUENCE))
def test_a_dossier_code_parses_back_to_what_it_was_made_of(agency, day, sequence):
    code = format_code(agency, day, sequence)
    assert parse_code(code) == (agency, day, sequence)
    assert parse_code(f" {code.lower()} ") == (agency, day, sequence)
    assert format_code(*parse_code(code)) == code


@rules
@given(st.text(max_size=40) | st.from_regex(r"[A-Z0-9.]{1,8}-\d{6}-\d{4}", fullmatch=True))
def test_parsing_any_text_gives_a_code_or_none(text):
    parsed = parse_code(text)
    if parsed is not None:
        assert parse_code(format_code(*parsed)) == parsed


moments = st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)


@rules
@given(moments, st.integers(0, 40))
def test_a_due_date_is_a_working_day_and_one_more_day_is_the_next_working_day(received, days):
    due = due_date(received, days)
    assert is_working_day(due)
    assert due >= received.astimezone(VN_TZ).date()
    assert due_date(received, days + 1) == next_working_day(due)
    assert start_day(received) <= due


@rules
@given(moments, st.integers(0, 40))
def test_the_working_days_a_task_took_count_back_its_due_date(received, days):
    due = due_date(received, days)
    finished = datetime.combine(due, datetime.min.time(), VN_TZ) + timedelta(hours=10)
    assert working_days_between(received, finished) == days


DATE_FIELD = {"id": "ngay", "name": "ngày sinh", "type": "date"}


@rules
@given(st.dates(date(1900, 1, 1), date(2100, 12, 31)), st.dates(date(1990, 1, 1), date(2040, 1, 1)))
def test_a_date_field_accepts_any_real_past_date_and_refuses_the_future(day, today):
    error = validate_field(DATE_FIELD, day.isoformat(), today=today)
    assert (error is None) == (day <= today)
    weekday, shown = format_vn_date(day).split(", ")
    assert datetime.strptime(shown, "%d/%m/%Y").date() == day


@rules
@given(TYPED)
def test_a_date_field_answers_any_text_with_a_message_or_none(text):
    error = validate_field(DATE_FIELD, text, today=date(2026, 11, 26))
    assert error is None or isinstance(error, str)
