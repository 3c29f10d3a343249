"""Every legal figure and form names its source plainly: no "check" left.

The catalog once carried "(check)" next to Decree 118/2025/NĐ-CP, the 8
working hours and the 7 working days; each is now cited with its article or
says plainly that it could not be confirmed.
"""

import re
import tomllib
from pathlib import Path

import pytest

from domain import legal_clock

DATA = Path(__file__).resolve().parents[2] / "data"
SLIPS = sorted((DATA / "slips").glob("*.toml"))


@pytest.mark.parametrize("rule", sorted(legal_clock.RULES))
def test_each_figure_of_the_legal_clock_names_its_source_without_a_check_marker(rule):
    source = legal_clock.RULES[rule]["source"]
    assert not re.search(r"\bcheck\b", source, re.I)
    assert re.search(r"(Nghị định|Thông tư) \d+/\d{4}/", source)


@pytest.mark.parametrize("path", [*SLIPS, DATA / "agencies.toml"], ids=lambda p: p.name)
def test_no_data_file_leaves_a_citation_to_check(path):
    assert not re.search(r"\bcheck\b", path.read_text(encoding="utf-8"), re.I)


@pytest.mark.parametrize("path", SLIPS, ids=lambda p: p.name)
def test_each_slip_cites_its_form_in_the_circular_in_force(path):
    form = tomllib.loads(path.read_text(encoding="utf-8"))["form"]
    assert re.fullmatch(r"Mẫu số 0[1-7] – Thông tư 03/2025/TT-VPCP", form)


def test_figures_that_could_not_be_confirmed_say_so_and_name_their_setting():
    for rule, setting in (
        ("acknowledge_working_hours", "ACKNOWLEDGE_WORKING_HOURS"),
        ("supplement_working_days", "SUPPLEMENT_WORKING_DAYS"),
    ):
        source = legal_clock.RULES[rule]["source"]
        assert "xác nhận" in source and setting in source
