"""static/js/photo-check.js in Chromium on the generated photos of a form:
each spoiled photo gets its warning, a good one none."""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
_spec = importlib.util.spec_from_file_location(
    "photo_check_bench", ROOT / "bench" / "photo_check_bench.py"
)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)
photo_set = bench.photo_set


@pytest.fixture(scope="module")
def page(browser):
    with bench.check_page(browser) as page:
        yield page


@pytest.mark.parametrize("seed", [100])
@pytest.mark.parametrize("kind", photo_set.KINDS)
def test_each_spoiled_photo_gets_its_warning_and_a_good_one_none(page, kind, seed):
    result = bench.run_check(page, photo_set.jpeg(photo_set.make(kind, seed)))
    if kind == "good":
        assert result["codes"] == [], result["measures"]
    else:
        assert photo_set.EXPECTED[kind] in result["codes"], result["measures"]


def test_the_advice_says_what_to_do_in_vietnamese(page):
    result = bench.run_check(page, photo_set.jpeg(photo_set.make("blurred", 101)))
    messages = [p["message"] for p in result["problems"]]
    assert any(m.startswith("Ảnh bị mờ: giữ yên điện thoại và chụp lại") for m in messages)


def test_a_picture_the_browser_cannot_decode_is_not_refused_here(page):
    # The server checks every upload; the phone's check only advises.
    result = page.evaluate(
        "async () => (await import('/static/js/photo-check.js'))"
        ".checkPhoto(new Blob(['not a picture'], {type: 'image/jpeg'}))"
    )
    assert result["problems"] == []
