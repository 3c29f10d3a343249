"""`flask purge`: old unsubmitted drafts and unlinked photos go; dossiers keep everything."""

import os
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from extensions import db
from models import Draft, OtpChallenge, Upload
from models.base import utcnow
from services.dossiers.retention import purge
from services.photos import storage
from tests.office.helpers import add_started_draft, create_submitted_dossier

OLD = timedelta(days=31)


def make_citizen_id() -> int:
    from models import Citizen

    citizen = Citizen(phone="+84912345678")
    db.session.add(citizen)
    db.session.commit()
    return citizen.id


def make_draft(citizen_id: int, age: timedelta, photos: int = 1) -> str:
    draft = add_started_draft(citizen_id, photos)
    db.session.commit()
    draft.updated_at = utcnow() - age
    db.session.commit()
    return draft.id


def files_of(draft_id: str) -> list[Path]:
    keys = db.session.scalars(select(Upload.storage_key).where(Upload.draft_id == draft_id))
    return [storage.path_of(k) for k in keys]


def age_file(path: Path, age: timedelta) -> None:
    then = time.time() - age.total_seconds()
    os.utime(path, (then, then))


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def test_a_draft_untouched_past_the_period_goes_with_its_photos_and_codes(ctx):
    citizen = make_citizen_id()
    draft_id = make_draft(citizen, OLD, photos=2)
    db.session.add(
        OtpChallenge(
            phone="+84912345678",
            purpose="submit",
            code_hash="x",
            draft_id=draft_id,
            expires_at=utcnow(),
        )
    )
    db.session.commit()
    files = files_of(draft_id)
    assert len(files) == 2 and all(f.exists() for f in files)

    report = purge(30)

    assert (report.drafts, report.uploads, report.files) == (1, 2, 2)
    assert report.freed_bytes > 0
    assert db.session.get(Draft, draft_id) is None
    assert db.session.scalars(select(Upload)).all() == []
    assert not any(f.exists() for f in files)


def test_a_draft_edited_within_the_period_is_kept_whatever_its_photos_age(ctx):
    citizen = make_citizen_id()
    draft_id = make_draft(citizen, timedelta(days=29))
    for upload in db.session.scalars(select(Upload)):
        upload.created_at = utcnow() - timedelta(days=90)
    db.session.commit()

    report = purge(30)

    assert (report.drafts, report.uploads, report.files) == (0, 0, 0)
    assert db.session.get(Draft, draft_id) is not None
    assert all(f.exists() for f in files_of(draft_id))


def test_nothing_linked_to_a_submitted_dossier_is_touched_however_old(ctx):
    code = create_submitted_dossier()
    for draft in db.session.scalars(select(Draft)):
        draft.updated_at = utcnow() - timedelta(days=400)
    for upload in db.session.scalars(select(Upload)):
        upload.created_at = utcnow() - timedelta(days=400)
        age_file(storage.path_of(upload.storage_key), timedelta(days=400))
    db.session.commit()
    before = db.session.scalars(select(Upload.storage_key)).all()

    report = purge(30)

    assert (report.drafts, report.uploads, report.files) == (0, 0, 0)
    assert db.session.scalars(select(Upload.storage_key)).all() == before
    assert all(storage.path_of(k).exists() for k in before)
    assert db.session.scalars(select(Draft)).one().dossier_id is not None
    assert code


def test_an_old_upload_linked_to_nothing_goes(ctx):
    citizen = make_citizen_id()
    key = storage.save(b"a photo of nothing")
    db.session.add(
        Upload(
            id=str(uuid.uuid4()), citizen_id=citizen, draft_id=None, dossier_id=None,
            attachment_id="giay-chung-sinh", client_id="orphan-1", storage_key=key,
            mime="image/jpeg", size=18, width=1, height=1, sha256="0" * 64,
            created_at=utcnow() - OLD,
        )
    )  # fmt: skip
    db.session.commit()

    report = purge(30)

    assert (report.uploads, report.files) == (1, 1)
    assert not storage.path_of(key).exists()


def test_old_files_without_a_row_go_and_recent_ones_stay(ctx):
    orphan = storage.path_of(storage.save(b"left by a crash before the commit"))
    age_file(orphan, OLD)
    half_written = orphan.with_name("deadbeef" * 4 + ".tmp")
    half_written.write_bytes(b"half")
    age_file(half_written, OLD)
    in_flight = storage.path_of(storage.save(b"an upload whose row is being committed"))

    report = purge(30)

    assert report.files == 2
    assert not orphan.exists() and not half_written.exists()
    assert in_flight.exists()


def test_the_command_uses_the_configured_period(ctx, app):
    citizen = make_citizen_id()
    draft_id = make_draft(citizen, timedelta(days=8))
    app.config["DRAFT_RETENTION_DAYS"] = 10
    runner = app.test_cli_runner()

    kept = runner.invoke(args=["purge"])
    assert kept.exit_code == 0, kept.output
    assert "Purged 0 draft(s)" in kept.output

    gone = runner.invoke(args=["purge", "--days", "7"])
    assert "Purged 1 draft(s), 1 upload row(s), 1 file(s)" in gone.output
    db.session.expire_all()
    assert db.session.get(Draft, draft_id) is None


def test_old_ended_and_long_unused_sessions_go_and_live_ones_stay(ctx):
    from models import Citizen, UserSession
    from services.identity import sessions

    citizen = db.session.get(Citizen, make_citizen_id())
    ids = {}
    for name, ended, seen in [
        ("ended long ago", OLD, OLD),
        ("ended yesterday", timedelta(days=1), timedelta(days=1)),
        ("unused for 70 days", None, timedelta(days=70)),
        ("in use", None, timedelta(minutes=5)),
    ]:
        _token, row = sessions.open_row(citizen, "Chrome trên Android")
        row.last_seen_at = utcnow() - seen
        if ended is not None:
            row.ended_at, row.end_reason = utcnow() - ended, "signed_out"
        db.session.commit()
        ids[name] = row.id
    assert purge(30).sessions == 2
    left = set(db.session.scalars(select(UserSession.id)))
    assert left == {ids["ended yesterday"], ids["in use"]}
