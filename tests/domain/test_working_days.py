"""Working days, the 15:00 cut-off and deadlines, in Vietnam local time."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from domain.working_days import (
    VN_TZ,
    due_date,
    format_vn_date,
    holiday_name,
    is_working_day,
    next_working_day,
    start_day,
)


def vn(year, month, day, hour=9, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 26), True),  # ordinary Thursday
        (date(2026, 11, 27), True),  # ordinary Friday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
        (date(2026, 1, 1), False),  # New Year's Day
        (date(2026, 2, 16), False),  # Tết 2026: New Year's Eve
        (date(2026, 2, 17), False),  # Tết 2026: first day
        (date(2026, 2, 20), False),  # Tết 2026: fourth day
        (date(2026, 2, 23), True),  # first working day after Tết 2026
        (date(2026, 4, 27), False),  # Hùng Kings' day fell on Sunday: day off on Monday
        (date(2026, 4, 30), False),
        (date(2026, 5, 1), False),
        (date(2026, 9, 2), False),  # National Day
        (date(2026, 11, 24), False),  # Vietnam Cultural Day, a holiday from 2026
        (date(2025, 5, 2), False),  # substitute day off, swapped with Sat 26/4/2025
        (date(2025, 4, 26), True),  # that Saturday was worked instead
        (date(2027, 2, 8), False),  # Tết 2027
    ],
)
def test_a_working_day_is_a_weekday_that_is_not_a_holiday_or_a_day_worked_in_exchange(
    day, expected
):
    assert is_working_day(day) is expected


def test_a_datetime_is_judged_by_its_date():
    assert is_working_day(datetime(2026, 11, 28, 9, 0, tzinfo=VN_TZ)) is False


def test_a_holiday_has_a_vietnamese_name_and_a_working_day_has_none():
    assert "Tết Nguyên Đán" in holiday_name(date(2027, 2, 8))
    assert holiday_name(date(2026, 11, 26)) is None


def test_every_day_of_tet_2027_is_a_day_off_in_the_calendar_we_use():
    tet = [date(2027, 2, 4) + timedelta(days=n) for n in range(7)]  # 4/2 to 10/2/2027
    assert not any(is_working_day(day) for day in tet)
    assert is_working_day(date(2027, 2, 3))
    assert is_working_day(date(2027, 2, 11))


@pytest.mark.parametrize(
    ("received_at", "expected"),
    [
        (vn(2026, 11, 26, 8, 0), date(2026, 11, 26)),  # Thursday morning: same day
        (vn(2026, 11, 26, 14, 59), date(2026, 11, 26)),  # a minute before the cut-off
        (vn(2026, 11, 26, 15, 0), date(2026, 11, 27)),  # at 15:00 it counts from tomorrow
        (vn(2026, 11, 26, 23, 59), date(2026, 11, 27)),
        (vn(2026, 11, 27, 16, 0), date(2026, 11, 30)),  # Friday 16:00 -> Monday
        (vn(2026, 11, 27, 14, 0), date(2026, 11, 27)),  # Friday 14:00 -> Friday
        (vn(2026, 11, 28, 9, 0), date(2026, 11, 30)),  # Saturday -> Monday
        (vn(2026, 11, 29, 10, 0), date(2026, 11, 30)),  # Sunday -> Monday
        (vn(2026, 11, 30, 0, 0), date(2026, 11, 30)),  # Monday just after midnight
        (vn(2027, 2, 3, 16, 0), date(2027, 2, 11)),  # Wednesday before Tết 2027, late
        (vn(2027, 2, 3, 10, 0), date(2027, 2, 3)),  # same Wednesday, morning
        (vn(2027, 2, 8, 9, 0), date(2027, 2, 11)),  # received during Tết 2027
        (vn(2025, 4, 29, 16, 0), date(2025, 5, 5)),  # 30/4, 1/5, swapped 2/5, weekend
        (vn(2025, 4, 26, 9, 0), date(2025, 4, 26)),  # a Saturday worked in exchange
    ],
)
def test_the_clock_starts_the_same_working_day_before_15_00_and_the_next_one_otherwise(
    received_at, expected
):
    assert start_day(received_at) == expected


@pytest.mark.parametrize(
    ("received_at", "expected"),
    [
        (datetime(2026, 11, 26, 7, 59, tzinfo=UTC), date(2026, 11, 26)),  # 14:59 in Vietnam
        (datetime(2026, 11, 26, 8, 0, tzinfo=UTC), date(2026, 11, 27)),  # 15:00 in Vietnam
        (datetime(2026, 11, 26, 18, 0, tzinfo=UTC), date(2026, 11, 27)),  # Fri 01:00 VN
        (datetime(2026, 11, 27, 9, 0, tzinfo=timezone(timedelta(hours=9))), date(2026, 11, 27)),
    ],
)
def test_a_time_in_another_zone_is_converted_to_vietnam_time_first(received_at, expected):
    assert start_day(received_at) == expected


def test_a_naive_datetime_is_refused_because_its_zone_would_be_a_guess():
    with pytest.raises(ValueError, match="timezone-aware"):
        start_day(datetime(2026, 11, 26, 9, 0))


@pytest.mark.parametrize(
    ("received_at", "working_days", "expected"),
    [
        (vn(2026, 11, 30, 9, 0), 0, date(2026, 11, 30)),  # same working day
        (vn(2026, 11, 30, 9, 0), 1, date(2026, 12, 1)),
        (vn(2026, 11, 30, 9, 0), 2, date(2026, 12, 2)),
        (vn(2026, 11, 30, 9, 0), 3, date(2026, 12, 3)),
        (vn(2026, 11, 30, 9, 0), 5, date(2026, 12, 7)),  # skips the weekend
        (vn(2026, 11, 27, 16, 0), 0, date(2026, 11, 30)),  # Friday 16:00, same-day service
        (vn(2026, 11, 27, 16, 0), 2, date(2026, 12, 2)),
        (vn(2026, 11, 23, 9, 0), 1, date(2026, 11, 25)),  # skips 24/11 Cultural Day
        (vn(2026, 2, 13, 10, 0), 1, date(2026, 2, 23)),  # Friday before Tết 2026
        (vn(2027, 2, 3, 14, 0), 3, date(2027, 2, 15)),  # across Tết 2027
        (vn(2027, 2, 3, 15, 0), 3, date(2027, 2, 16)),  # same, after the cut-off
    ],
)
def test_the_due_date_is_the_nth_working_day_after_the_start_day(
    received_at, working_days, expected
):
    assert due_date(received_at, working_days) == expected


def test_a_negative_number_of_working_days_is_refused():
    with pytest.raises(ValueError):
        due_date(vn(2026, 11, 30), -1)


def test_the_next_working_day_is_strictly_after_the_given_day():
    assert next_working_day(date(2026, 11, 26)) == date(2026, 11, 27)
    assert next_working_day(date(2026, 11, 27)) == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 11, 30), "Thứ Hai, 30/11/2026"),
        (date(2026, 12, 1), "Thứ Ba, 01/12/2026"),
        (date(2026, 12, 2), "Thứ Tư, 02/12/2026"),
        (date(2026, 11, 26), "Thứ Năm, 26/11/2026"),
        (date(2026, 11, 27), "Thứ Sáu, 27/11/2026"),
        (date(2026, 11, 28), "Thứ Bảy, 28/11/2026"),
        (date(2026, 11, 29), "Chủ Nhật, 29/11/2026"),
        (date(2027, 2, 6), "Thứ Bảy, 06/02/2027"),
    ],
)
def test_a_date_is_written_with_its_vietnamese_weekday(day, text):
    assert format_vn_date(day) == text
