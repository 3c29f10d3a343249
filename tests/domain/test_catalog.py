"""The procedure catalog holds together: every reference resolves, ids are unique."""

import json

import pytest

from domain.catalog import (
    CATALOG,
    FIELD_TYPES,
    RULE_TYPES,
    catalog_json,
    field_options,
    get_field,
)
from domain.personal_id import PROVINCE_BIRTH_CODES
from domain.validation import _MAX_WHEN_DEPTH

SECTIONS = CATALOG["sections"]
PROCEDURES = CATALOG["procedures"]
GROUPS = {group["id"]: group for group in CATALOG["groups"]}
ALL_FIELDS = [field for section in SECTIONS.values() for field in section["fields"]]
ALL_ATTACHMENTS = [a for procedure in PROCEDURES.values() for a in procedure["attachments"]]


def conditions():
    for field in ALL_FIELDS:
        if "when" in field:
            yield field["key"], field["when"]
    for attachment in ALL_ATTACHMENTS:
        if "when" in attachment:
            yield attachment["id"], attachment["when"]
    for rule in CATALOG["rules"]:
        if "when" in rule:
            yield rule["id"], rule["when"]


def test_the_catalog_is_json_serialisable_and_served_as_a_copy():
    served = catalog_json()
    assert json.loads(json.dumps(served)) == CATALOG
    served["groups"].clear()
    assert CATALOG["groups"]


def test_the_catalog_keeps_the_agreed_top_level_keys():
    assert {"version", "agencies", "groups", "procedures", "sections", "rules", "options"} <= set(
        CATALOG
    )
    assert CATALOG["personal_id_provinces"] == sorted(PROVINCE_BIRTH_CODES)


def test_the_two_linked_groups_and_their_procedures():
    assert list(GROUPS) == ["khai-sinh", "khai-tu"]
    assert GROUPS["khai-sinh"]["procedures"] == [
        "dang-ky-khai-sinh",
        "dang-ky-thuong-tru",
        "cap-the-bhyt",
    ]
    assert GROUPS["khai-tu"]["procedures"] == [
        "dang-ky-khai-tu",
        "xoa-thuong-tru",
        "tro-cap-mai-tang",
        "ho-tro-mai-tang",
    ]
    assert (GROUPS["khai-sinh"]["min"], GROUPS["khai-sinh"]["max"]) == (2, 3)
    assert (GROUPS["khai-tu"]["min"], GROUPS["khai-tu"]["max"]) == (2, 3)


@pytest.mark.parametrize("group", CATALOG["groups"], ids=lambda g: g["id"])
def test_each_group_references_its_own_procedures_and_pages(group):
    assert set(group["required"]) <= set(group["procedures"])
    assert all(pid in PROCEDURES for pid in group["procedures"])
    assert 1 <= group["min"] <= group["max"] <= len(group["procedures"])
    assert len(set(group["sections"])) == len(group["sections"])
    assert all(section_id in SECTIONS for section_id in group["sections"])
    used = {s for pid in group["procedures"] for s in PROCEDURES[pid]["sections"]}
    assert used | set(group["always_sections"]) == set(group["sections"])
    assert group["sections"][-1] == "nhan-ket-qua"


def test_no_procedure_belongs_to_two_groups():
    listed = [pid for group in CATALOG["groups"] for pid in group["procedures"]]
    assert sorted(listed) == sorted(PROCEDURES)


@pytest.mark.parametrize("procedure", PROCEDURES.values(), ids=lambda p: p["id"])
def test_every_procedure_has_agency_level_fee_and_processing_time(procedure):
    assert procedure["agency"] in CATALOG["agencies"]
    assert procedure["level"] in ("toan-trinh", "mot-phan")
    assert isinstance(procedure["fee"]["amount"], int) and procedure["fee"]["text"]
    days = procedure["processing"]["working_days"]
    assert isinstance(days, int) and days >= 0
    assert procedure["processing"]["text"]
    assert all(section_id in SECTIONS for section_id in procedure["sections"])
    assert procedure["sections"][0] == "nguoi-yeu-cau"


def test_processing_times_follow_the_reference():
    days = {pid: p["processing"]["working_days"] for pid, p in PROCEDURES.items()}
    assert days["dang-ky-khai-sinh"] == 0
    assert days["dang-ky-thuong-tru"] == 2
    assert days["cap-the-bhyt"] == 2
    assert days["dang-ky-khai-tu"] == 0
    assert days["ho-tro-mai-tang"] == 5
    # Not found in the sources: catalog values that say so.
    assert PROCEDURES["xoa-thuong-tru"]["processing"]["source"]
    assert PROCEDURES["tro-cap-mai-tang"]["processing"]["source"]


def test_section_and_field_ids_are_unique():
    for section_id, section in SECTIONS.items():
        assert section["id"] == section_id
        ids = [field["id"] for field in section["fields"]]
        assert len(ids) == len(set(ids)), section_id


@pytest.mark.parametrize("field", ALL_FIELDS, ids=lambda f: f["key"])
def test_every_field_is_complete(field):
    assert field["type"] in FIELD_TYPES
    assert field["label"] and field["name"]
    assert field["name"][0].islower() or not field["name"][0].isalpha()
    assert isinstance(field["required"], bool)
    if field["type"] in ("radio", "select"):
        values = [option["value"] for option in field_options(field)]
        assert values and len(values) == len(set(values))
        assert all(option["label"] for option in field_options(field))
    if "options_ref" in field:
        assert field["options_ref"] in CATALOG["options"]
    if field["type"] == "date":
        assert field["not_future"] is True and field["not_before"] == "1900-01-01"
    if field["type"] == "integer":
        assert field["min"] <= field["max"]
    for key in field.get("messages", {}):
        assert key in CATALOG["messages"]
        if key.startswith("required"):
            choice = field["type"] in ("radio", "select", "commune", "checkbox")
            assert key == ("required_choice" if choice else "required")
    if "default" in field:
        assert field["default"] in [o["value"] for o in field_options(field)]


def test_field_names_read_well_out_of_context():
    assert get_field("me.ngay_sinh")["name"] == "ngày sinh của mẹ"
    assert get_field("tre.ngay_sinh")["name"] == "ngày sinh của trẻ"
    assert get_field("nguoi-yeu-cau.dien_thoai")["name"] == "số điện thoại di động của bạn"


@pytest.mark.parametrize(("owner", "condition"), list(conditions()), ids=lambda x: str(x))
def test_every_condition_points_to_an_existing_choice(owner, condition):
    control = get_field(condition["field"])
    assert control is not None, owner
    operators = {"equals", "not_equals", "in", "not_empty"} & set(condition)
    assert len(operators) == 1, owner
    if control["type"] in ("radio", "select") and "equals" in condition:
        values = [option["value"] for option in field_options(control)]
        assert condition["equals"] in values, owner


def test_conditions_have_no_cycles():
    for field in ALL_FIELDS:
        seen = {field["key"]}
        current = field
        while "when" in current:
            current = get_field(current["when"]["field"])
            assert current["key"] not in seen, field["key"]
            seen.add(current["key"])
        # Within the depth domain.validation follows: a field's visibility is
        # then the same however deep it is asked, which its memo relies on.
        assert len(seen) <= _MAX_WHEN_DEPTH + 1, field["key"]


def test_every_rule_resolves():
    ids = [rule["id"] for rule in CATALOG["rules"]]
    assert len(ids) == len(set(ids))
    for rule in CATALOG["rules"]:
        assert rule["type"] in RULE_TYPES
        assert get_field(rule["field"]) is not None, rule["id"]
        for key in ("other", "birth"):
            if key in rule:
                assert get_field(rule[key])["type"] == "date", rule["id"]
        if isinstance(rule.get("sex"), dict):
            assert get_field(rule["sex"]["field"])["options_ref"] == "gioi-tinh"
        elif "sex" in rule:
            assert rule["sex"] in ("nam", "nu")
        if rule["type"].startswith("date_") or rule["type"] == "younger_than_years":
            assert rule["message"]
        if rule["type"] == "personal_id_matches":
            assert get_field(rule["field"])["type"] == "personal_id"
        assert all(pid in PROCEDURES for pid in rule.get("procedures", []))


def test_attachment_ids_are_unique_and_complete():
    ids = [attachment["id"] for attachment in ALL_ATTACHMENTS]
    assert len(ids) == len(set(ids))
    for procedure in PROCEDURES.values():
        for attachment in procedure["attachments"]:
            assert attachment["procedure"] == procedure["id"]
            assert attachment["title"] and attachment["hint"]
            assert isinstance(attachment["required"], bool)
            assert 1 <= attachment["max_pages"] <= 10


def test_ethnic_groups_are_the_54_of_vietnam_kinh_first():
    groups = CATALOG["options"]["dan-toc"]
    assert len(groups) == 54
    assert groups[0] == {"value": "01", "label": "Kinh"}
    assert len({g["label"] for g in groups}) == 54


def test_every_message_template_names_what_to_do():
    for key, template in CATALOG["messages"].items():
        assert template.endswith("."), key
        if key != "unknown_field":
            assert "Hãy" in template, key
