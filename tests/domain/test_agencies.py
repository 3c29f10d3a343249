"""Agency and role names after 1 July 2025, as data a province can rename."""

import pytest

from domain import agencies
from domain.catalog import CATALOG
from domain.workflow import ROLES


def test_no_name_still_speaks_of_the_merged_labour_ministry():
    words = [*ROLES.values(), *(a["name"] for a in CATALOG["agencies"].values())]
    assert not any("Thương binh" in w for w in words)


def test_funeral_cost_support_is_with_the_communes_culture_society_office():
    agency = CATALOG["procedures"]["ho-tro-mai-tang"]["agency"]
    assert "Văn hóa - Xã hội" in CATALOG["agencies"][agency]["name"]


def test_a_province_renames_an_agency_in_its_own_file(tmp_path):
    text = agencies.DEFAULT_FILE.read_text(encoding="utf-8").replace(
        'name = "Công an xã"', 'name = "Công an phường"'
    )
    own = tmp_path / "agencies.toml"
    own.write_text(text, encoding="utf-8")
    assert agencies.load(own)["agencies"]["cong-an"]["name"] == "Công an phường"


def test_a_file_missing_an_agency_is_refused_at_start(tmp_path):
    own = tmp_path / "agencies.toml"
    own.write_text('[agencies.tu-phap]\nname = "x"\nshort = "x"\nrole = "x"\n', encoding="utf-8")
    with pytest.raises(RuntimeError, match="thiếu cơ quan"):
        agencies.load(own)
