"""How long a citizen waits on a hung network ("lie-fi") before the phone moves on.

The app on loopback behind the lie-fi proxy (tests/lie_fi.py), headless Chromium with the
service worker installed. Two waits, each from the moment it starts until the citizen
sees something, over several runs (medians, min and max):

- a page the network never answers: the tap until the offline page is drawn;
- a JSON call the network never answers: the call until it fails as offline (the outbox
  then keeps the work and retries).

    .venv/bin/python bench/lie_fi_bench.py [--runs 5]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.web_bytes import start_app  # noqa: E402
from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.lie_fi import LieFiProxy  # noqa: E402

HUNG_CALL = """async () => {
    const { api } = await import('/static/js/api.js');
    const start = performance.now();
    try {
        await api('GET', '/communes/05665');
        return null;
    } catch (e) {
        return e.offline ? performance.now() - start : null;
    }
}"""


def one_run(browser, proxy) -> tuple[float, float]:
    context = browser.new_context(base_url=proxy.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/theo-doi")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    rule = proxy.hang("GET", r"^/theo-doi$")
    start = time.monotonic()
    page.goto("/theo-doi", wait_until="commit")
    page.get_by_role("heading", name="Mạng đang chậm").wait_for(timeout=60_000)
    page_wait = time.monotonic() - start
    proxy.clear()  # the page may now come late and replace the offline page
    assert rule.hits == 1
    calling = context.new_page()
    calling.goto("/theo-doi")
    proxy.hang("GET", r"^/api/v1/communes/05665$")
    call_wait = calling.evaluate(HUNG_CALL)
    proxy.clear()
    context.close()
    if call_wait is None:
        raise SystemExit("the hung call did not fail as offline")
    return page_wait, call_wait / 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        _, server = start_app(Path(tmp))
        with LieFiProxy(server.server_port) as proxy, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            waits = [one_run(browser, proxy) for _ in range(runs)]
            browser.close()
        server.shutdown()
    pages, calls = zip(*waits, strict=True)
    print(f"runs: {runs} (seconds: median [min-max])")
    for label, values in (
        ("hung page -> offline page drawn:", pages),
        ("hung JSON call -> offline error:", calls),
    ):
        print(f"{label:36s} {statistics.median(values):6.2f} [{min(values):.2f}-{max(values):.2f}]")


if __name__ == "__main__":
    main()
