"""The embedded SQLite database on a disk that is full: every write answers
503 with Retry-After and a message that says the work is kept, nothing is
half-written, and once there is room again the phone's retry goes through.

The disk is a tiny tmpfs filled to the last byte, so SQLite meets ENOSPC in
the kernel as it would on a real full disk (SQLITE_FULL, "database or disk is
full"). SQLite whatever DATABASE_URL says: PostgreSQL's full disk is its own."""

import shutil
import subprocess

import flask_migrate
import pytest
from sqlalchemy import func, select

from app import create_app
from extensions import db
from models import Dossier
from tests import conftest, databases
from tests.api.flow import complete_draft, confirmation_code
from tests.conftest import Api, make_citizen
from tests.helpers import fill_disk, sign_in_as

FULL_TEXT = "thử lại sau"


@pytest.fixture
def full_app(template_db, tmp_path):
    """The app with its database (and its lock and journal beside it) on a
    tmpfs; ``app.filler`` is the file that fills the disk (unlink it for room)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", str(mount)], check=True
    )
    try:
        path = mount / "app.sqlite3"
        if databases.USE_POSTGRES:
            app = create_app(conftest.test_config(tmp_path, f"sqlite:///{path}"))
            with app.app_context():
                flask_migrate.upgrade(directory=str(conftest.ROOT / "migrations"))
                from commands import enable_commune

                enable_commune("05665", "Cán bộ thử nghiệm", "0123 456 789", "Giờ hành chính")
        else:
            shutil.copy(template_db.removeprefix("sqlite:///"), path)
            app = create_app(conftest.test_config(tmp_path, f"sqlite:///{path}"))
        app.filler = mount / "filler"
        yield app
        with app.app_context():
            db.engine.dispose()
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def citizen_api(app) -> Api:
    client = app.test_client()
    sign_in_as(app, client, citizen_id=make_citizen(app))
    client.phone = "+84912345678"
    return Api(client)


def dossiers(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Dossier))


def assert_try_again(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert int(response.headers["Retry-After"]) > 0
    body = response.get_json()
    assert FULL_TEXT in body["error"]["message"]


def test_a_draft_saved_on_a_full_disk_is_503_and_saved_once_there_is_room(full_app):
    api = citizen_api(full_app)
    draft_id = complete_draft(api)
    fill_disk(full_app.filler)
    change = {"answers": {"nguoi-yeu-cau.ho_ten": "Lò Thị Nam"}}
    assert_try_again(api.patch(f"/drafts/{draft_id}", json=change))
    full_app.filler.unlink()
    assert api.patch(f"/drafts/{draft_id}", json=change).status_code == 200
    answers = api.get(f"/drafts/{draft_id}").get_json()["answers"]
    assert answers["nguoi-yeu-cau.ho_ten"] == "Lò Thị Nam"


def test_a_submit_on_a_full_disk_files_nothing_and_the_retry_files_one(full_app):
    api = citizen_api(full_app)
    draft_id = complete_draft(api)
    code = confirmation_code(api, full_app, draft_id)
    submit = {"draft_id": draft_id, "idempotency_key": "f" * 32, "confirmation_code": code}
    fill_disk(full_app.filler)
    assert_try_again(api.post("/dossiers", json=submit))
    assert dossiers(full_app) == 0
    full_app.filler.unlink()
    first = api.post("/dossiers", json=submit)
    assert first.status_code == 201, first.get_json()
    assert api.post("/dossiers", json=submit).get_json()["code"] == first.get_json()["code"]
    assert dossiers(full_app) == 1


def test_a_page_that_writes_on_a_full_disk_says_to_try_again(full_app):
    client = full_app.test_client()
    form = client.get("/dang-nhap/so-dien-thoai")
    assert form.status_code == 200
    fill_disk(full_app.filler)
    token = form.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    page = client.post(
        "/dang-nhap/so-dien-thoai", data={"csrf_token": token, "phone": "0912345678"}
    )
    assert page.status_code == 503
    assert "thử lại sau" in page.text
