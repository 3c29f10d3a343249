"""Photos in an S3-compatible store (PHOTO_STORAGE=s3) against moto's server on
loopback: uploaded, served, purged and swept as on the local folder; an
object is there whole or not at all (issue 17)."""

import os
import time
from datetime import timedelta

import boto3
import pytest

from extensions import db
from models import Upload
from services.dossiers import retention
from services.photos import storage
from tests.s3_server import S3Server

BUCKET = "anh-giay-to"


@pytest.fixture(scope="module")
def s3_server():
    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def s3(app, s3_server, monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    for var in ("http_proxy", "HTTP_PROXY", "all_proxy", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(var, raising=False)
    client = boto3.client("s3", endpoint_url=s3_server.url, region_name="us-east-1")
    bucket = f"{BUCKET}-{os.urandom(4).hex()}"
    client.create_bucket(Bucket=bucket)
    app.config.update(
        PHOTO_STORAGE="s3", S3_BUCKET=bucket, S3_ENDPOINT_URL=s3_server.url, S3_PREFIX="uploads/"
    )
    app.extensions.pop("photo_store", None)
    client.bucket = bucket
    return client


def objects(s3) -> list[str]:
    found = s3.list_objects_v2(Bucket=s3.bucket).get("Contents", [])
    return sorted(item["Key"] for item in found)


def test_a_photo_uploaded_through_the_api_lands_in_the_bucket_and_is_served_back(app, s3, api):
    from tests.api.flow import upload_page
    from tests.api.test_drafts_and_uploads import new_draft

    draft_id = new_draft(api)
    answer = upload_page(api, draft_id, "giay-chung-sinh")
    assert answer.status_code == 201, answer.get_json()
    with app.app_context():
        key = db.session.scalars(db.select(Upload.storage_key)).one()
    assert objects(s3) == [f"uploads/{key}"]
    assert not storage_dir_files(app)  # nothing on the host's disk
    served = api.client.get(answer.get_json()["url"])
    assert served.status_code == 200
    assert served.data == s3.get_object(Bucket=s3.bucket, Key=f"uploads/{key}")["Body"].read()


def storage_dir_files(app):
    from pathlib import Path

    root = Path(app.config["UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_stored_object_is_the_whole_photo_checked_by_the_store(app, s3):
    import hashlib

    data = b"a whole photo " * 1000
    with app.app_context():
        key = storage.save(data)
        assert storage.load(key) == data
    head = s3.head_object(Bucket=s3.bucket, Key=f"uploads/{key}")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].strip('"') == hashlib.md5(data, usedforsecurity=False).hexdigest()


def test_an_unreachable_store_answers_503_and_keeps_nothing(app, s3, api):
    import socket

    from tests.api.flow import upload_page
    from tests.api.test_drafts_and_uploads import new_draft

    draft_id = new_draft(api)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    app.config.update(S3_ENDPOINT_URL=f"http://127.0.0.1:{dead}", S3_TIMEOUT_SECONDS=1)
    app.extensions.pop("photo_store", None)
    answer = upload_page(api, draft_id, "giay-chung-sinh")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"]
    assert "Ảnh vẫn được giữ trên điện thoại" in answer.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.scalars(db.select(Upload)).all() == []


def test_the_sweep_removes_old_objects_no_row_names_and_unfinished_uploads(app, s3):
    with app.app_context():
        orphan = storage.save(b"left by a crash before the commit")
        unfinished = s3.create_multipart_upload(Bucket=s3.bucket, Key="uploads/feedface")
        files, _ = retention.sweep_orphans(0, now_epoch=time.time() + 3600)
    assert files == 2
    assert objects(s3) == []
    assert s3.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", []) == []
    assert unfinished["UploadId"]
    assert orphan


def test_the_sweep_leaves_young_objects_and_the_ones_rows_name(app, s3):
    from tests.office.helpers import create_submitted_dossier

    with app.app_context():
        create_submitted_dossier(email=None)  # its photos, in the bucket
        named = set(db.session.scalars(db.select(Upload.storage_key)))
        young = storage.save(b"an upload whose row is being committed")
        files, _ = retention.sweep_orphans(app.config["UPLOAD_ORPHAN_SECONDS"])
    assert files == 0
    assert objects(s3) == sorted(f"uploads/{k}" for k in {*named, young})


def test_the_purge_deletes_a_stale_drafts_objects(app, s3):
    from models.base import utcnow
    from tests.office.helpers import add_started_draft
    from tests.services.test_retention import make_citizen_id

    with app.app_context():
        draft = add_started_draft(make_citizen_id())
        draft.updated_at = utcnow() - timedelta(days=400)
        db.session.commit()
        assert len(objects(s3)) == 1
        report = retention.purge(30, now=utcnow())
    assert report.files >= 1
    assert objects(s3) == []


def test_ready_checks_the_bucket(app, s3, client):
    assert client.get("/readyz").get_json()["checks"]["storage"] == "ok"
    app.config["S3_BUCKET"] = "khong-co-bucket-nay"
    app.extensions.pop("photo_store", None)
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["checks"]["storage"] == "unavailable"
