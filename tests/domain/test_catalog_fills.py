"""The one-tap fills (domain/catalog_fills.py) name real fields and real options."""

import pytest

from domain.catalog import CATALOG, field_options, get_field, get_group

OFFERS = [(group["id"], offer) for group in CATALOG["groups"] for offer in group["fills"]]


@pytest.mark.parametrize(("group_id", "offer"), OFFERS, ids=[o["id"] for _, o in OFFERS])
def test_every_fill_copies_between_fields_of_its_group(group_id, offer):
    group = get_group(group_id)
    assert offer["section"] in group["sections"]
    if "when" in offer:
        assert get_field(offer["when"]["field"]) is not None
    for target, source in offer["fill"].items():
        field = get_field(target)
        assert field is not None and target.startswith(offer["section"] + ".")
        if isinstance(source, str):
            assert get_field(source) is not None
            continue
        values = [source["value"]] if "value" in source else list(source["map"].values())
        if "from" in source:
            allowed = {o["value"] for o in field_options(get_field(source["from"]))}
            assert set(source["map"]) <= allowed
        if field["type"] in ("radio", "select"):
            assert set(values) <= {o["value"] for o in field_options(field)}


def fills_of(group_id: str, section_id: str) -> list[dict]:
    return [o for o in get_group(group_id)["fills"] if o["section"] == section_id]


@pytest.mark.parametrize("relation", ["vo-chong", "con"])
def test_a_spouse_or_child_fills_the_deceaseds_residence_from_their_own(relation):
    [offer] = fills_of("khai-tu", "nguoi-mat")
    assert offer["when"]["field"] == "nguoi-mat.quan_he_nguoi_yeu_cau"
    assert relation in offer["when"]["in"]
    assert offer["fill"] == {
        "nguoi-mat.noi_cu_tru_xa": "nguoi-yeu-cau.noi_cu_tru_xa",
        "nguoi-mat.noi_cu_tru_dia_chi": "nguoi-yeu-cau.noi_cu_tru_dia_chi",
    }


def test_the_requester_as_head_of_household_says_what_the_deceased_was_to_them():
    [offer] = fills_of("khai-tu", "xoa-thuong-tru")
    relation = offer["fill"]["xoa-thuong-tru.quan_he_voi_chu_ho"]
    assert relation["from"] == "nguoi-mat.quan_he_nguoi_yeu_cau"
    # The requester is the deceased's child: the deceased was the head's parent.
    assert relation["map"]["con"] == "cha-me"
    assert relation["map"]["vo-chong"] == "vo-chong"
