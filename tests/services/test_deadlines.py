"""The promised date follows the procedures chosen (issue 16): the group's
total is for its whole chain, never for two procedures out of four."""

from datetime import date, datetime

import pytest

from domain.catalog import CATALOG
from domain.clock import VN_TZ
from services.dossiers.submission import plan_deadlines

# Monday 30/11/2026, 09:00 in Vietnam: a working day, before 15:00.
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=VN_TZ)


def test_death_registration_and_residence_removal_promise_the_removals_date():
    per, overall = plan_deadlines("khai-tu", ["dang-ky-khai-tu", "xoa-thuong-tru"], MONDAY)
    assert per == {"dang-ky-khai-tu": date(2026, 11, 30), "xoa-thuong-tru": date(2026, 12, 2)}
    assert overall == date(2026, 12, 2)  # not 07/12, the group's 5 days


def test_a_funeral_procedure_brings_its_five_days():
    chosen = ["dang-ky-khai-tu", "xoa-thuong-tru", "tro-cap-mai-tang"]
    _per, overall = plan_deadlines("khai-tu", chosen, MONDAY)
    assert overall == date(2026, 12, 7)


@pytest.mark.parametrize(
    ("chosen", "due"),
    [
        (["dang-ky-khai-sinh", "dang-ky-thuong-tru"], date(2026, 12, 2)),
        (["dang-ky-khai-sinh", "cap-the-bhyt"], date(2026, 12, 2)),
        # The whole chain: its legal total of 3 working days.
        (["dang-ky-khai-sinh", "dang-ky-thuong-tru", "cap-the-bhyt"], date(2026, 12, 3)),
    ],
)
def test_the_birth_chains_total_binds_only_the_whole_chain(chosen, due):
    assert plan_deadlines("khai-sinh", chosen, MONDAY)[1] == due


def test_each_group_writes_its_deadline_rule_next_to_the_figure():
    for group in CATALOG["groups"]:
        rule = group["deadline"]
        assert "ngày muộn nhất của các thủ tục bạn chọn" in rule["rule"]
        assert set(rule["chain"]) <= set(group["procedures"])
