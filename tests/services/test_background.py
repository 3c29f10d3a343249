"""The app's background thread (gunicorn.conf.py starts one per worker): the
citizens' messages as soon as they commit, and the daily purge."""

import time
from datetime import timedelta

from extensions import db
from models import Draft
from services.background import BackgroundWorker
from tests.conftest import read_sms
from tests.office.helpers import create_submitted_dossier
from tests.services.test_retention import make_citizen_id, make_draft


def eventually(predicate, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_a_receipt_is_sent_as_soon_as_the_dossier_commits(app):
    # A minute's poll and no purge: only the commit can wake the thread in time.
    worker = BackgroundWorker(app, poll=60, purge_every=None).start()
    try:
        # Its first pass (at the start) over before the dossier exists: only
        # the dossier's commit can then wake it before the minute is up.
        assert eventually(lambda: worker.passes >= 1)
        with app.app_context():
            code = create_submitted_dossier(receipt_sms=True)
        assert eventually(lambda: any(code in m["body"] for m in read_sms(app)))
    finally:
        worker.stop()
    assert not worker.thread.is_alive()


def test_stale_drafts_are_purged_without_anyone_running_a_command(app):
    with app.app_context():
        citizen = make_citizen_id()
        stale = make_draft(citizen, timedelta(days=31))
        fresh = make_draft(citizen, timedelta(days=1))
    worker = BackgroundWorker(app, poll=60, purge_every=3600, first_purge_after=0).start()
    try:

        def purged():
            with app.app_context():
                return db.session.get(Draft, stale) is None

        assert eventually(purged)
    finally:
        worker.stop()
    with app.app_context():
        assert db.session.get(Draft, fresh) is not None


def test_photo_files_no_row_names_are_swept_within_the_hour_and_files_with_rows_stay(app):
    from models import Upload
    from services.photos import storage
    from tests.services.test_retention import age_file, files_of

    half_an_hour = timedelta(minutes=31)  # past UPLOAD_ORPHAN_SECONDS, far from 30 days
    with app.app_context():
        draft_id = make_draft(make_citizen_id(), timedelta(days=1))
        (kept,) = files_of(draft_id)
        age_file(kept, half_an_hour)
        orphan = storage.path_of(storage.save(b"a photo whose process died before its row"))
        age_file(orphan, half_an_hour)
        half_written = orphan.with_name("cafebabe" * 4 + ".tmp")
        half_written.write_bytes(b"half")
        age_file(half_written, half_an_hour)
        in_flight = storage.path_of(storage.save(b"a photo whose row is being committed"))
    # No daily purge at all: only the sweep can remove them.
    worker = BackgroundWorker(app, poll=60, purge_every=None, first_purge_after=0).start()
    try:
        assert eventually(lambda: not orphan.exists() and not half_written.exists())
    finally:
        worker.stop()
    assert kept.exists() and in_flight.exists()
    with app.app_context():
        assert db.session.scalar(db.select(Upload.storage_key).where(Upload.draft_id == draft_id))
