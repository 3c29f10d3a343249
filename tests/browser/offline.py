"""Helpers for the offline tests: cutting the network, and reading the phone's storage."""

from playwright.sync_api import BrowserContext, Page

from tests.browser.conftest import LiveServer


class Network:
    """Cuts the network for the page and its service worker, then brings it back.

    set_offline() alone does not stop the worker's own fetches, so its
    requests are also aborted by route (Playwright's service-worker network
    events are switched on in tests/conftest.py) and the server itself goes down.
    """

    def __init__(self, context: BrowserContext, live: LiveServer):
        self.context, self.live = context, live
        self.down = False
        # One handler for the whole test, never removed: it aborts while the
        # network is down and lets everything through otherwise.
        context.route("**/*", self._handle)

    def _handle(self, route):
        if self.down:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    def cut(self):
        self.down = True
        self.context.set_offline(True)
        self.live.stop()

    def restore(self):
        self.live.start()
        self.down = False
        self.context.set_offline(False)


def wait_for_worker(page: Page):
    """Until the service worker controls the page (its shell is then cached)."""
    page.wait_for_function(
        "() => !!navigator.serviceWorker && navigator.serviceWorker.controller !== null"
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
