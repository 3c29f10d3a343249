"""A date field's latest day is Vietnam's day, as the server judges it.

The date picker's max once came from toISOString(), the UTC day: before 07:00
in Vietnam a child born today could not be picked.
"""

import importlib.util
from pathlib import Path

import pytest

_BENCH = Path(__file__).resolve().parents[2] / "bench" / "shrink_bench.py"
_spec = importlib.util.spec_from_file_location("shrink_bench", _BENCH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def page(browser):
    with bench.serve_static() as url, bench.open_page(url, browser) as page:
        yield page


RENDER = """async () => {
  const { renderField } = await import('/static/js/fields.js');
  const field = { id: 'ngay_sinh', key: 'tre.ngay_sinh', label: 'Ngày sinh', type: 'date',
                  name: 'ngày sinh', required: true };
  const node = renderField({ options: {} }, field, 'tre.ngay_sinh', '', null, {});
  return node.querySelector('input').max;
}"""


@pytest.mark.parametrize(
    ("utc", "vn_day"),
    [
        ("2026-03-05T18:30:00Z", "2026-03-06"),  # 01:30 on the 6th in Vietnam
        ("2026-03-05T16:59:00Z", "2026-03-05"),  # 23:59 on the 5th in Vietnam
    ],
)
def test_a_date_fields_latest_day_is_vietnams_day_not_the_utc_day(page, utc, vn_day):
    page.clock.set_fixed_time(utc)
    assert page.evaluate(RENDER) == vn_day
