"""Helpers for the offline tests: cutting the network, and reading the phone's storage."""

import time

from playwright.sync_api import BrowserContext, Page

from tests.lie_fi import LieFiProxy


class Network:
    """Cuts the phone's network, for the page and its service worker alike, and brings it back.

    The browser reaches the app through the live app's proxy (tests/lie_fi.py): cut, it
    resets every connection before the app hears of it, as a phone with no signal fails;
    set_offline() makes the page see navigator.onLine false and its 'offline' event.
    """

    def __init__(self, context: BrowserContext, proxy: LieFiProxy):
        self.context, self.proxy = context, proxy

    def cut(self):
        self.proxy.offline = True
        self.context.set_offline(True)

    def restore(self):
        self.proxy.offline = False
        self.context.set_offline(False)


def wait_for_worker(page: Page):
    """Until the service worker controls the page (its shell is then cached)."""
    page.wait_for_function(
        "() => !!navigator.serviceWorker && navigator.serviceWorker.controller !== null"
    )


def eventually(page: Page, predicate: str, arg=None, timeout_ms: int = 15_000) -> None:
    """Until the JavaScript ``predicate(arg)`` is truthy, awaited if it returns a promise.

    Playwright's wait_for_function does not await a returned promise: a promise is truthy,
    so an async predicate passed at once (the new-worker test went on while the old worker
    still ran, and failed one time in ten). Polls every 100 ms in the page, then fails.
    """
    met = page.evaluate(
        f"""async (arg) => {{
            const predicate = {predicate};
            const end = Date.now() + {int(timeout_ms)};
            while (Date.now() < end) {{
                if (await predicate(arg)) return true;
                await new Promise((resolve) => setTimeout(resolve, 100));
            }}
            return false;
        }}""",
        arg,
    )
    assert met, f"not met within {timeout_ms} ms: {predicate}"


def new_version_active(page: Page, old_caches: list) -> None:
    """Until the worker of a new release has activated (its activate step removed the old
    release's cache, so one cache is left and it is not one of ``old_caches``)."""
    eventually(
        page,
        "(old) => caches.keys().then((k) => k.length === 1 && !old.includes(k[0]))",
        old_caches,
    )


def device(page: Page, store: str) -> list:
    """Every record of one IndexedDB store, as the page sees it."""
    return page.evaluate(
        """async (store) => {
            // A hang here must fail the test, not stall it: give up after 10 s.
            const late = new Promise((_, reject) =>
                setTimeout(() => reject(new Error('IndexedDB did not answer')), 10000));
            const read = (async () => {
                const s = await import('/static/js/store.js');
                return s.all(store);
            })();
            const rows = await Promise.race([read, late]);
            return rows.map((r) => ({ ...r, blob: r.blob ? r.blob.size : null }));
        }""",
        store,
    )


def settle(page, predicate, what, timeout=60):
    """Polls (the page keeps syncing in the background) until `predicate` holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"never settled: {what}")
