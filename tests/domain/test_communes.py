"""Provinces and communes after 1 July 2025, and diacritic-insensitive search."""

import dataclasses

import pytest

from domain.communes import (
    Commune,
    fold,
    get_commune,
    get_province,
    list_communes,
    list_provinces,
    search_communes,
)

VAN_LANG_CODES = {5665, 6154, 2143, 8134}
VAN_MIEU = 196  # "Phường Văn Miếu - Quốc Tử Giám", with a hyphen in the data


def codes(communes):
    return [c.code for c in communes]


def test_there_are_34_provinces_in_code_order():
    provinces = list_provinces()
    assert len(provinces) == 34
    assert [code for code, _ in provinces] == sorted(code for code, _ in provinces)
    assert provinces[0] == (1, "Thành phố Hà Nội")
    assert (19, "Thái Nguyên") in provinces


def test_there_are_3321_communes_wards_and_special_zones_in_code_order():
    communes = list_communes()
    assert len(communes) == 3321
    assert codes(communes) == sorted(codes(communes))
    assert len({c.code for c in communes}) == 3321


def test_every_province_has_communes_and_together_they_are_all_of_them():
    per_province = [list_communes(code) for code, _ in list_provinces()]
    assert all(per_province)
    assert sum(len(communes) for communes in per_province) == 3321
    assert all(c.province_code == 19 for c in list_communes("19"))


def test_an_unknown_province_has_no_communes():
    assert list_communes(2) == []


def test_every_commune_is_found_again_by_its_code():
    assert all(get_commune(c.code_str) == c for c in list_communes())


def test_every_province_label_agrees_with_the_division_type_in_the_data():
    for code, name in list_provinces():
        division_type = get_province(code)["division_type"]
        label = Commune(0, "Xã X", code, name).province_label
        if division_type == "tỉnh":
            assert label == f"tỉnh {name}"
        else:
            assert division_type == "thành phố trung ương"
            assert label.startswith("thành phố ") and label[len("thành phố ") :] in name


@pytest.mark.parametrize(
    ("code", "name", "province_code", "label"),
    [
        (5665, "Xã Văn Lăng", 19, "Xã Văn Lăng, tỉnh Thái Nguyên"),
        ("05665", "Xã Văn Lăng", 19, "Xã Văn Lăng, tỉnh Thái Nguyên"),
        ("5665", "Xã Văn Lăng", 19, "Xã Văn Lăng, tỉnh Thái Nguyên"),
        (" 05665 ", "Xã Văn Lăng", 19, "Xã Văn Lăng, tỉnh Thái Nguyên"),
        (6154, "Xã Văn Lãng", 20, "Xã Văn Lãng, tỉnh Lạng Sơn"),
        (2143, "Xã Văn Lang", 19, "Xã Văn Lang, tỉnh Thái Nguyên"),
        (8134, "Xã Văn Lang", 25, "Xã Văn Lang, tỉnh Phú Thọ"),
        (70, "Phường Hoàn Kiếm", 1, "Phường Hoàn Kiếm, thành phố Hà Nội"),
    ],
)
def test_a_commune_is_found_by_its_code_and_labelled_with_its_province(
    code, name, province_code, label
):
    commune = get_commune(code)
    assert commune.name == name
    assert commune.province_code == province_code
    assert commune.label == label


@pytest.mark.parametrize("code", [0, 99999, "", "abc", "5665x", "-5665", None, True, 5665.0])
def test_an_unknown_or_malformed_commune_code_finds_nothing(code):
    assert get_commune(code) is None


def test_a_commune_code_is_shown_with_five_digits():
    assert get_commune(5665).code_str == "05665"
    assert get_commune(70).code_str == "00070"


def test_a_commune_is_an_immutable_value():
    commune = get_commune(5665)
    assert commune == Commune(5665, "Xã Văn Lăng", 19, "Thái Nguyên")
    with pytest.raises(dataclasses.FrozenInstanceError):
        commune.name = "Xã Khác"


@pytest.mark.parametrize(
    ("code", "name", "division_type"),
    [(1, "Thành phố Hà Nội", "thành phố trung ương"), ("19", "Thái Nguyên", "tỉnh")],
)
def test_a_province_is_found_by_its_code_without_its_wards(code, name, division_type):
    province = get_province(code)
    assert province["name"] == name
    assert province["division_type"] == division_type
    assert "wards" not in province


@pytest.mark.parametrize("code", [2, 99, "x", None])
def test_an_unknown_province_code_finds_nothing(code):
    assert get_province(code) is None


def test_changing_a_returned_province_does_not_change_the_data():
    get_province(19)["name"] = "changed"
    assert get_province(19)["name"] == "Thái Nguyên"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Xã Văn Lăng", "xa van lang"),
        ("Văn Lãng", "van lang"),
        ("  ĐẮK   LẮK ", "dak lak"),
        ("Đồng Hỷ", "dong hy"),
        ("Thừa Thiên Huế", "thua thien hue"),
        ("Xã\tÝ   Yên", "xa y yen"),
        ("Xa\u0303 Va\u0306n La\u0306ng", "xa van lang"),  # already decomposed (NFD)
        ("", ""),
    ],
)
def test_folding_lowercases_strips_diacritics_and_collapses_spaces(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    "query",
    ["van lang", "Văn Lăng", "VĂN LÃNG", "văn lang", "  van   lang ", "xa van lang", "Xã Văn Lang"],
)
def test_van_lang_finds_exactly_the_four_communes_of_that_name(query):
    assert set(codes(search_communes(query))) == VAN_LANG_CODES
    assert len(search_communes(query)) == 4


def test_a_name_typed_with_its_exact_tone_marks_comes_first():
    assert codes(search_communes("Văn Lăng"))[0] == 5665
    assert codes(search_communes("Văn Lãng"))[0] == 6154


@pytest.mark.parametrize(
    "query",
    [
        "van lang thai nguyen",
        "Văn Lăng Thái Nguyên",
        "van lang, tinh thai nguyen",
        "Xã Văn Lăng, tỉnh Thái Nguyên",
        "van lang thai",  # still typing
    ],
)
def test_a_query_ending_with_a_province_name_narrows_to_that_province(query):
    assert set(codes(search_communes(query))) == {5665, 2143}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("van lang lang son", {6154}),
        ("van lang phu tho", {8134}),
        ("hoan kiem ha noi", {70}),
        ("phuong hoan kiem thanh pho ha noi", {70}),
        ("hoan kiem tp ha noi", {70}),
    ],
)
def test_a_province_name_in_the_query_picks_the_right_commune(query, expected):
    assert set(codes(search_communes(query))) == expected


@pytest.mark.parametrize(("query", "code"), [("05665", 5665), (" 06154 ", 6154), ("00070", 70)])
def test_a_five_digit_code_finds_that_commune(query, code):
    assert codes(search_communes(query)) == [code]


def test_an_unknown_five_digit_code_finds_nothing():
    assert search_communes("99999") == []


@pytest.mark.parametrize("query", ["", " ", "v", "Đ", None, "--"])
def test_a_query_shorter_than_two_characters_finds_nothing(query):
    assert search_communes(query) == []


@pytest.mark.parametrize("query", ["zzzz", "van lang atlantis", "thai nguyen"])
def test_a_query_matching_no_commune_finds_nothing(query):
    assert search_communes(query) == []


def test_exact_names_rank_before_prefixes_before_other_matches():
    results = search_communes("lang", limit=50)
    names = [fold(c.name) for c in results]
    exact = [n for n in names if n in ("xa lang", "phuong lang")]
    prefix = [i for i, n in enumerate(names) if n.split(" ", 1)[1].startswith("lang")]
    inner = [i for i, n in enumerate(names) if not n.split(" ", 1)[1].startswith("lang")]
    assert exact and names[0] in exact
    assert max(prefix) < min(inner)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("cu m'gar", 24280),  # straight apostrophe for the data's ’
        ("Cư M’gar", 24280),
        ("cu mgar", 24280),
        ("chan may lang co", 20152),  # the data has an en dash
        ("van mieu quoc tu giam", VAN_MIEU),
    ],
)
def test_punctuation_in_names_does_not_get_in_the_way(query, code):
    assert codes(search_communes(query))[0] == code


@pytest.mark.parametrize("limit", [1, 3, 20])
def test_the_number_of_results_is_limited(limit):
    assert len(search_communes("xa", limit=limit)) == limit


def test_a_zero_limit_finds_nothing():
    assert search_communes("van lang", limit=0) == []
