"""What the e-ID vouches for, as plain rules (domain/vneid.py)."""

from datetime import date

import pytest

from domain.vneid import ClaimsProblem, Vouched, check_answers, form_values, may_file, read_claims

ME = Vouched(
    personal_id="019195004321",
    full_name="Trần Thị Bình",
    birth_date=date(1995, 3, 8),
    sex="nu",
    phone="+84987654321",
    residence="Xóm Hòa Bình, xã Văn Lăng, tỉnh Thái Nguyên",
    level="2",
)


def test_claims_are_read_to_the_minimum_the_forms_use():
    claims = {
        "sub": "x", "personal_id": "019195004321", "name": " Trần  Thị Bình ",
        "birthdate": "1995-03-08", "gender": "female", "phone_number": "0987 654 321",
        "address": {"formatted": "Xóm Hòa Bình"}, "acr": "2", "email": "not@kept.vn",
    }  # fmt: skip
    vouched = read_claims(claims, "personal_id", "acr")
    assert vouched.full_name == "Trần Thị Bình" and vouched.sex == "nu"
    assert vouched.phone == "+84987654321" and vouched.level == "2"
    assert not hasattr(vouched, "email")


@pytest.mark.parametrize("number", [None, "", "12345", "01919500432x"])
def test_a_sign_in_without_a_personal_id_number_is_refused(number):
    with pytest.raises(ClaimsProblem):
        read_claims({"personal_id": number, "name": "A"}, "personal_id", "acr")


@pytest.mark.parametrize(("level", "allowed"), [("2", True), ("1", False), ("", False)])
def test_only_the_filing_levels_may_file(level, allowed):
    assert may_file(level, ["2"]) is allowed


def test_the_requester_and_the_mother_are_filled_when_she_files():
    values = form_values(ME)
    assert values["nguoi-yeu-cau.ho_ten"]["value"] == "Trần Thị Bình"
    assert values["nguoi-yeu-cau.dien_thoai"] == {
        "value": "0987654321", "change": "free", "parent": "nguoi-yeu-cau",
    }  # fmt: skip
    assert values["me.ngay_sinh"]["value"] == "1995-03-08"


def test_a_changed_vouched_name_is_refused_and_the_rest_marked():
    answers = {
        "nguoi-yeu-cau.ho_ten": "Trần Thị Bính",
        "nguoi-yeu-cau.so_dinh_danh": "019195004321",
        "nguoi-yeu-cau.dien_thoai": "0912000111",  # free: changed, so not marked
    }
    errors, kept = check_answers(answers, ME)
    assert list(errors) == ["nguoi-yeu-cau.ho_ten"]
    assert kept == ["nguoi-yeu-cau.so_dinh_danh"]


def test_the_mothers_section_is_checked_when_the_requester_is_the_mother():
    answers = {
        "tre.quan_he_nguoi_yeu_cau": "me",
        "me.ho_ten": "Trần Thị Bình",
        "me.ngay_sinh": "1995-03-09",
        "me.so_dinh_danh": "019195004321",
    }
    errors, kept = check_answers(answers, ME)
    assert list(errors) == ["me.ngay_sinh"]
    assert set(kept) == {"me.ho_ten", "me.so_dinh_danh"}


def test_ones_own_id_number_typed_for_another_person_needs_ones_own_name():
    answers = {"cha.ho_ten": "Người Khác", "cha.ngay_sinh": "1995-03-08",
               "cha.so_dinh_danh": "019195004321"}  # fmt: skip
    errors, _ = check_answers(answers, ME)
    assert "cha.so_dinh_danh" in errors and "VNeID" in errors["cha.so_dinh_danh"]


def test_another_persons_id_number_is_not_checked_against_the_identity():
    answers = {"cha.ho_ten": "Người Khác", "cha.so_dinh_danh": "019090005678"}
    assert check_answers(answers, ME) == ({}, [])
