"""Bytes a phone downloads: the first load of /x/05665, and the wizard's JS and CSS.

Runs the app on loopback with a fresh database, loads pages in headless
Chromium with an empty cache and sums the encoded (compressed, on-the-wire)
sizes Chromium reports for every response. Prints medians over runs.

    .venv/bin/python bench/web_bytes.py [--runs 5]
"""

import argparse
import logging
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from extensions import db  # noqa: E402
from models import Citizen  # noqa: E402
from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def start_app(tmp: Path):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "SMS_BACKEND": "file",
            "SMS_OUTBOX_FILE": str(tmp / "sms.jsonl"),
            "UPLOAD_DIR": str(tmp / "uploads"),
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        from commands import enable_commune

        enable_commune("05665", "Cán bộ", "0123 456 789", "Giờ hành chính")
        citizen = Citizen(phone="+84912345678")
        db.session.add(citizen)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server


def measure(browser, url: str, cookies=None, wait_for=None) -> dict:
    """Encoded bytes per response for one cold load of `url`."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    if cookies:
        context.add_cookies(cookies)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls, sizes = {}, {}
    cdp.on(
        "Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"])
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    page.goto(url, wait_until="networkidle")
    if wait_for:
        page.wait_for_selector(wait_for)
        page.wait_for_load_state("networkidle")
    context.close()
    return {urls.get(rid, rid): size for rid, size in sizes.items()}


def every_citizen_asset(base: str) -> tuple[int, int]:
    """Compressed bytes of all the citizen app's JS and CSS, lazily loaded ones included."""
    import urllib.request

    from blueprints.pwa import _shell_assets

    total = count = 0
    for url in _shell_assets():
        if not url.endswith((".js", ".css")):
            continue
        request = urllib.request.Request(base + url, headers={"Accept-Encoding": "gzip"})  # noqa: S310
        with urllib.request.urlopen(request) as response:  # noqa: S310 (loopback only)
            total += len(response.read())
            count += 1
    return total, count


def session_cookie(app, base: str) -> list[dict]:
    from tests.helpers import sign_in_as

    client = app.test_client()
    sign_in_as(app, client, citizen_id=1)  # a server session: a bare cookie opens nothing
    cookie = client.get_cookie("session")
    return [{"name": "session", "value": cookie.value, "url": base}]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        app, server = start_app(Path(tmp))
        base = f"http://127.0.0.1:{server.server_port}"
        landing, assets, wizard_total = [], [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(runs):
                landing.append(sum(measure(browser, base + "/x/05665").values()))
                wizard = measure(
                    browser,
                    base + "/ho-so/moi?xa=05665&nhom=khai-sinh",
                    cookies=session_cookie(app, base),
                    wait_for="h1",
                )
                assets.append(
                    sum(v for k, v in wizard.items() if k.split("?")[0].endswith((".js", ".css")))
                )
                wizard_total.append(sum(wizard.values()))
            browser.close()
        all_assets, files = every_citizen_asset(base)
        server.shutdown()
    print(f"runs: {runs} (medians; bytes as transferred, gzip where the server compresses)")
    print(f"first load of /x/05665:             {statistics.median(landing):>8.0f} B")
    print(f"wizard JS + CSS (all modules):      {statistics.median(assets):>8.0f} B")
    print(f"wizard first page, all responses:   {statistics.median(wizard_total):>8.0f} B")
    print(f"all citizen JS + CSS ({files} files, gzip): {all_assets:>6d} B")


if __name__ == "__main__":
    main()
