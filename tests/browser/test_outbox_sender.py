"""One sender works through the outbox at a time, whichever page or worker asks."""

import pytest

HOLD = """async ([locks, ms]) => {
    const { asSoleSender } = await import('/static/js/sole-sender.js');
    const sleep = (t) => new Promise((r) => setTimeout(r, t));
    window.held = asSoleSender(async () => {
        const start = Date.now();
        await sleep(ms);
        return [start, Date.now()];
    }, { locks });
    await sleep(50); // the first asker is under way before the second asks
}"""


@pytest.mark.parametrize("locks", [True, False], ids=["web-locks", "indexeddb-lease"])
def test_two_pages_never_send_at_once(phone_context, live_app, locks):
    first, second = phone_context.new_page(), phone_context.new_page()
    for page in (first, second):
        page.goto("/theo-doi")
    first.evaluate(HOLD, [locks, 1500])
    second.evaluate(HOLD, [locks, 300])
    a = first.evaluate("window.held")
    b = second.evaluate("window.held")
    assert a[1] <= b[0], f"the second sender started at {b[0]}, before the first ended at {a[1]}"


def test_a_closed_tab_gives_the_turn_to_the_next(phone_context, live_app):
    first, second = phone_context.new_page(), phone_context.new_page()
    for page in (first, second):
        page.goto("/theo-doi")
    first.evaluate(HOLD, [True, 10 * 60 * 1000])  # would hold it for ten minutes
    second.evaluate(HOLD, [True, 10])
    first.close()
    start, end = second.evaluate("window.held")
    assert start <= end
