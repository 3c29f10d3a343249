"""A live server on loopback and Debian's Chromium driven by Playwright."""

import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app import create_app
from extensions import db
from tests import databases
from tests.conftest import test_config
from tests.lie_fi import LieFiProxy

# Shared machines are slow and noisy: wait generously, never assert on time.
expect.set_options(timeout=15_000)

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "vi-VN",
    "timezone_id": "Asia/Ho_Chi_Minh",
}


class LiveServer:
    """The app on a fixed loopback port that a test can take down and bring back."""

    def __init__(self, app):
        self.app = app
        self.server = None
        self.port = 0
        self.start()

    def start(self):
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def live_app(template_db, tmp_path):
    uri = databases.copy_of(template_db, tmp_path, "live")
    app = create_app(test_config(tmp_path, uri))
    app.live = LiveServer(app)
    # The browser's network: the app behind a proxy that a test can make
    # misbehave like a poor mobile link (tests/lie_fi.py); pass-through by default.
    app.network = LieFiProxy(app.live.port)
    app.base_url = app.network.url
    yield app
    app.network.close()
    app.live.stop()
    with app.app_context():
        db.engine.dispose()
    databases.drop(uri)


def watch_errors(page, errors):
    page.on("pageerror", lambda e: errors.append(str(e)))


@pytest.fixture
def phone_context(browser, live_app):
    context = browser.new_context(base_url=live_app.base_url, **PHONE)
    context.set_default_timeout(15_000)
    context.js_errors = []
    context.on("page", lambda page: watch_errors(page, context.js_errors))
    yield context
    context.close()
    assert context.js_errors == [], f"JavaScript errors on the page: {context.js_errors}"


@pytest.fixture
def phone_page(phone_context):
    return phone_context.new_page()
