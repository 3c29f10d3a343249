"""Implausible values (issue 16): plain rules, no request needed."""

import pytest

from domain import validation
from domain.clock import today_vn
from domain.plausibility import age_on, likely_lost_diacritics
from tests.domain.sample_answers import (
    BIRTH_PROCEDURES,
    DEATH_PROCEDURES,
    valid_birth_answers,
    valid_death_answers,
)


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        ("2000-03-15", "2026-03-14", 25),
        ("2000-03-15", "2026-03-15", 26),
        ("2000-02-29", "2026-02-28", 25),
        ("2000-02-29", "2026-03-01", 26),
        ("", "2026-03-01", None),
        ("2000-02-30", "2026-03-01", None),
    ],
)
def test_an_age_counts_full_years(birth, day, age):
    assert age_on(birth, day) == age


@pytest.mark.parametrize(
    "name", ["Nguyen Thi Lan", "TRAN VAN HUNG", "le thi thu", "Pham  Minh", "Do Van-An"]
)
def test_a_vietnamese_name_with_every_mark_lost_is_noticed(name):
    assert likely_lost_diacritics(name)


@pytest.mark.parametrize(
    "name",
    ["Nguyễn Thị Lan", "Đoan Trang", "Ksor H'Hen", "John Smith", "Kim Lan", "Nguyen Thị Lan", ""],
)
def test_a_name_with_marks_or_of_another_language_is_left_alone(name):
    assert not likely_lost_diacritics(name)


def test_names_without_diacritics_warn_but_never_refuse():
    answers = {**valid_birth_answers(), "me.ho_ten": "Nguyen Thi Lan", "tre.ho": "Tran"}
    assert (
        validation.validate_answers("khai-sinh", BIRTH_PROCEDURES, answers, today=today_vn()) == {}
    )
    warnings = validation.answer_warnings("khai-sinh", BIRTH_PROCEDURES, answers)
    assert set(warnings) == {"me.ho_ten", "tre.ho"}
    assert warnings["me.ho_ten"].startswith(
        "Họ, chữ đệm và tên của mẹ “Nguyen Thi Lan” không có dấu."
    )
    assert "bạn không cần sửa" in warnings["me.ho_ten"]


def test_the_sample_dossiers_have_nothing_to_warn_about():
    assert validation.answer_warnings("khai-sinh", BIRTH_PROCEDURES, valid_birth_answers()) == {}
    death = ["dang-ky-khai-tu", "xoa-thuong-tru", "tro-cap-mai-tang"]
    assert validation.answer_warnings("khai-tu", death, valid_death_answers()) == {}
    assert DEATH_PROCEDURES[:3] == death


def test_a_hidden_name_is_not_warned_about():
    answers = {**valid_birth_answers(), "cha.co_thong_tin": "khong", "cha.ho_ten": "Tran Van Hung"}
    assert validation.answer_warnings("khai-sinh", BIRTH_PROCEDURES, answers) == {}
