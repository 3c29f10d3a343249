"""The phone's photo sync sends deletions before new photos.

A retake replaces a deleted page: were the new photo sent first, the server
(still holding the old page) would refuse it as one page too many and the
citizen would be told to retake a photo that was fine. Found by the kill test,
where the order depended on the photos' random ids. And a photo taken while
a sync is under way is sent by a sync that follows it.
"""

from playwright.sync_api import expect

from tests.browser.offline import settle
from tests.browser.test_kills import local_photos, server_photos
from tests.browser.test_offline import open_first_photo_page
from tests.browser.walk import photo

FULL_ATTACHMENT = "to-khai-khai-sinh"  # two pages at most

REPLACE_ONE_PAGE = """async ([draftId, attachmentId]) => {
  const store = await import('/static/js/store.js');
  const { syncDraft } = await import('/static/js/sync.js');
  const pages = (await store.byDraft(draftId)).filter((p) => p.attachment_id === attachmentId);
  await store.put('photos', { ...pages[0], deleted: true, blob: null });
  const retake = { ...pages[1], client_id: '0'.repeat(32), position: 2 };  // sorts first
  delete retake.upload_id;
  await store.put('photos', retake);
  await syncDraft(draftId);  // one pass must do it: the deletion, then the retake
  return (await store.get('photos', retake.client_id)) || null;
}"""


def test_a_retake_of_a_full_attachment_reaches_the_server(phone_context, live_app, tmp_path):
    page = phone_context.new_page()
    draft_id = open_first_photo_page(page, live_app)
    for name in ("a.jpg", "b.jpg"):
        page.get_by_label("Chụp ảnh").set_input_files(photo(tmp_path, name))
    expect(page.locator(".photos li")).to_have_count(2)
    # The second photo is taken while the first one uploads: the sync under
    # way does not hold it, so another one must follow by itself.
    settle(page, lambda: len(server_photos(live_app, draft_id)) == 2, "both pages on the server")

    retake = page.evaluate(REPLACE_ONE_PAGE, [draft_id, FULL_ATTACHMENT])

    assert retake is not None and "error" not in retake, retake
    settle(
        page,
        lambda: server_photos(live_app, draft_id) == local_photos(page, draft_id),
        "the server holds the retake and not the deleted page",
    )
    assert "0" * 32 in server_photos(live_app, draft_id)
