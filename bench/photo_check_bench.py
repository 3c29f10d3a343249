"""The photo check (static/js/photo-check.js) on a generated test set, in Chromium.

    .venv/bin/python bench/photo_check_bench.py [--per-kind 20]

Generates sharp, blurred, dark, burnt-out, glared and too-small photos of the
filled birth declaration (bench/photo_set.py), runs checkPhoto() on each in
Debian's headless Chromium, and prints, for each warning, its true warning rate
(share of the photos spoiled that way that get it) and its false warning rate
(share of the good photos that get it), then the measures' ranges per kind,
from which the thresholds in photo-check.js were set.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import statistics
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import photo_set  # noqa: E402
from shrink_bench import page_and_static  # noqa: E402

from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

PAGE_PATH = "/photo-check-test.html"
TEST_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>checkPhoto</title></head><body>
<script type="module">
  import { checkPhoto, THRESHOLDS } from '/static/js/photo-check.js';
  window.runCheck = async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const t0 = performance.now();
    const result = await checkPhoto(new Blob([bytes], { type: 'image/jpeg' }));
    return { ...result, ms: performance.now() - t0, codes: result.problems.map((p) => p.code) };
  };
  window.thresholds = THRESHOLDS;
  window.checkReady = true;
</script></body></html>
"""


@contextlib.contextmanager
def check_page(browser=None) -> Iterator:
    """A Chromium page with window.runCheck(b64); `browser` or one launched here."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0),
        partial(page_and_static(PAGE_PATH, TEST_PAGE), directory=str(ROOT / "static")),
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}{PAGE_PATH}"
    try:
        with contextlib.ExitStack() as stack:
            if browser is None:
                from playwright.sync_api import sync_playwright

                pw = stack.enter_context(sync_playwright())
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                stack.callback(browser.close)
            page = browser.new_page()
            stack.callback(page.close)
            page.goto(url)
            page.wait_for_function("window.checkReady === true", timeout=15_000)
            yield page
    finally:
        server.shutdown()
        server.server_close()


def run_check(page, data: bytes) -> dict:
    return page.evaluate("(b64) => window.runCheck(b64)", base64.b64encode(data).decode())


def rates(results: list[tuple[str, dict]]) -> dict[str, tuple[float, float]]:
    """Per warning: (true warning rate on its kind, false warning rate on good photos)."""
    good = [r for kind, r in results if kind == "good"]
    out = {}
    for kind, code in photo_set.EXPECTED.items():
        spoiled = [r for k, r in results if k == kind]
        true = sum(code in r["codes"] for r in spoiled) / len(spoiled)
        false = sum(code in r["codes"] for r in good) / len(good)
        out[code] = (true, false)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=20)
    args = parser.parse_args(argv)

    print(f"generating {args.per_kind} photos of each kind: {', '.join(photo_set.KINDS)}")
    results = []
    with check_page() as page:
        for kind, _seed, data in photo_set.photo_set(args.per_kind):
            results.append((kind, run_check(page, data)))
        thresholds = page.evaluate("() => window.thresholds")

    good = [r for kind, r in results if kind == "good"]
    any_false = sum(bool(r["codes"]) for r in good) / len(good)
    print(f"\nthresholds: {thresholds}")
    n = args.per_kind
    print(f"\n{'warning':<10} {'true warnings':>14} {'false warnings':>15}   (n={n} each)")
    for code, (true, false) in rates(results).items():
        print(f"{code:<10} {true:>13.0%} {false:>15.0%}")
    print(f"{'any':<10} {'':>14} {any_false:>15.0%}   good photos with any warning")
    print(f"\ncheck time in page: median {statistics.median(r['ms'] for _, r in results):.0f} ms")
    print("\nmeasures (min / median / max) per kind:")
    for name in ("sharpness", "mean", "burnt", "glare", "fill"):
        row = []
        for kind in photo_set.KINDS:
            values = [r["measures"][name] for k, r in results if k == kind]
            middle = statistics.median(values)
            row.append(f"{kind} {min(values):.3g}/{middle:.3g}/{max(values):.3g}")
        print(f"  {name:<9} " + "  ".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
