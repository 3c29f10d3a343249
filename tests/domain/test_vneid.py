"""What the e-ID vouches for, as plain rules (domain/vneid.py)."""

from datetime import date

import pytest

from domain.catalog import CATALOG, get_field
from domain.vneid import (
    ClaimsProblem,
    Vouched,
    check_answers,
    dossier_record,
    form_values,
    may_file,
    read_claims,
    split_residence,
)

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
        "value": "0987654321", "change": "reason", "parent": "nguoi-yeu-cau",
    }  # fmt: skip
    assert values["me.ngay_sinh"]["value"] == "1995-03-08"


def test_a_changed_vouched_name_is_refused_and_the_rest_marked():
    answers = {
        "nguoi-yeu-cau.ho_ten": "Trần Thị Bính",
        "nguoi-yeu-cau.so_dinh_danh": "019195004321",
        "nguoi-yeu-cau.dien_thoai": "0912000111",  # changed: needs a reason, not marked
    }
    errors, kept = check_answers(answers, ME)
    assert list(errors) == ["nguoi-yeu-cau.ho_ten", "nguoi-yeu-cau.ly_do_sua"]
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


def test_the_rule_of_each_vouched_field_is_the_catalogs():
    """Refused or changed with a reason, field by field, as the catalog says."""
    values = form_values(ME)
    assert values, "the identity fills something"
    for key, value in values.items():
        assert value["change"] == get_field(key)["vouched"]["change"]
    ruled = {f["key"]: f["vouched"]["change"] for s in CATALOG["sections"].values()
             for f in s["fields"] if "vouched" in f}  # fmt: skip
    assert ruled["nguoi-yeu-cau.ho_ten"] == "fixed" and ruled["me.ngay_sinh"] == "fixed"
    assert ruled["nguoi-yeu-cau.dien_thoai"] == "reason"
    assert ruled["nguoi-yeu-cau.noi_cu_tru_dia_chi"] == "reason"


def test_the_residence_is_filled_when_the_provider_gave_it():
    values = form_values(ME)
    assert values["nguoi-yeu-cau.noi_cu_tru_xa"]["value"] == "05665"
    assert values["nguoi-yeu-cau.noi_cu_tru_dia_chi"]["value"] == "Xóm Hòa Bình"
    assert values["me.noi_cu_tru_xa"] == {
        "value": "05665", "change": "reason", "parent": "me",
        "label": "Xã Văn Lăng, tỉnh Thái Nguyên",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("residence", "split"),
    [
        ("Xóm Làng Mới, xã Văn Lăng, tỉnh Thái Nguyên", ("05665", "Xóm Làng Mới")),
        ("Xóm Làng Mới, xã Văn Lang, tỉnh Thái Nguyên", ("02143", "Xóm Làng Mới")),  # not Lăng
        ("Xóm Làng Mới, xã Không Có, tỉnh Thái Nguyên", (None, "Xóm Làng Mới")),
        ("Xóm Làng Mới", (None, None)),  # nothing to tell the commune by: nothing filled
        (None, (None, None)),
    ],
)
def test_a_formatted_residence_is_split_into_commune_and_address(residence, split):
    assert split_residence(residence) == split


def test_a_residence_with_nothing_to_tell_the_commune_fills_nothing():
    values = form_values(Vouched(**{**ME.__dict__, "residence": "Xóm Hòa Bình"}))
    assert "nguoi-yeu-cau.noi_cu_tru_xa" not in values
    assert "nguoi-yeu-cau.noi_cu_tru_dia_chi" not in values


MINE = {
    "nguoi-yeu-cau.ho_ten": "Trần Thị Bình",
    "nguoi-yeu-cau.so_dinh_danh": "019195004321",
    "nguoi-yeu-cau.dien_thoai": "0987654321",
    "nguoi-yeu-cau.noi_cu_tru_xa": "05665",
    "nguoi-yeu-cau.noi_cu_tru_dia_chi": "Xóm Hòa Bình",
}


def test_a_changed_phone_with_a_reason_is_accepted_and_recorded_with_it():
    answers = {**MINE, "nguoi-yeu-cau.dien_thoai": "0912000111",
               "nguoi-yeu-cau.ly_do_sua": "Tôi đã đổi số điện thoại"}  # fmt: skip
    errors, _kept = check_answers(answers, ME)
    assert errors == {}
    record = dossier_record(answers, ME, "2026-03-01T09:00:00")
    assert record["nguoi-yeu-cau.ho_ten"] == "2026-03-01T09:00:00"
    assert record["nguoi-yeu-cau.dien_thoai"] == {
        "at": "2026-03-01T09:00:00", "vouched": "0987654321",
        "reason": "Tôi đã đổi số điện thoại",
    }  # fmt: skip


def test_a_changed_residence_without_a_reason_is_refused_and_says_which():
    answers = {**MINE, "nguoi-yeu-cau.noi_cu_tru_dia_chi": "Số 5, thôn Mới"}
    errors, _kept = check_answers(answers, ME)
    assert list(errors) == ["nguoi-yeu-cau.ly_do_sua"]
    assert "địa chỉ nơi cư trú của bạn" in errors["nguoi-yeu-cau.ly_do_sua"]


def test_values_as_vouched_need_no_reason():
    assert check_answers(MINE, ME) == ({}, list(MINE))
