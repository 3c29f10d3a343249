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
