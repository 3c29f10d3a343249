"""A photo's upload never holds up other citizens, never takes a paper the draft
does not ask for, and a full disk leaves nothing behind (issue 11)."""

import io
import os
import subprocess
import sys
import threading
from contextlib import ExitStack
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from extensions import db
from models import Upload
from services.photos import decode_pool, uploads
from services.photos.uploads import decode_slots
from tests.api.test_concurrent_writes import signed_in
from tests.conftest import make_citizen
from tests.helpers import fill_disk, jpeg_bytes, new_draft_id

BIRTH = {
    "commune_code": "05665",
    "group_id": "khai-sinh",
    "procedure_ids": ["dang-ky-khai-sinh"],
    "answers": {"noi-sinh.giay_chung_sinh": "co"},
}
FULL_MESSAGE = "Máy chủ tạm hết chỗ lưu, hãy thử lại sau"


def slow_png(side: int = 5000) -> bytes:
    """A page of 25 MP that compresses to about 100 KB: seconds to decode."""
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), "white").save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def new_birth_draft(api, **changes) -> str:
    draft_id = new_draft_id()
    assert api.put(f"/drafts/{draft_id}", json={**BIRTH, **changes}).status_code == 201
    return draft_id


def send(api, draft_id, data: bytes, attachment_id="giay-chung-sinh", client_id="photo-00001"):
    return api.client.post(
        f"/api/v1/drafts/{draft_id}/uploads",
        data={
            "attachment_id": attachment_id,
            "client_id": client_id,
            "file": (io.BytesIO(data), "trang.png"),
        },
        headers=api._headers(),
        content_type="multipart/form-data",
    )


def rows_of(app, draft_id) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Upload).where(Upload.draft_id == draft_id)
        )


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


# --- the decode holds no transaction ---------------------------------------------------


def test_another_citizens_draft_save_goes_through_while_a_slow_photo_decodes(app):
    uploader = signed_in(app, make_citizen(app, "+84912345678"))
    other = signed_in(app, make_citizen(app, "+84987654321"))
    draft_id = new_birth_draft(uploader)
    data = slow_png()
    events: list[str] = []
    decoding = threading.Event()
    answers = {}

    def watch(frame, event, _arg):
        # The real decode, observed (not replaced): when it starts and ends.
        if frame.f_code is uploads.decode.__code__:
            if event == "call":
                events.append("decode started")
                decoding.set()
            elif event == "return":
                events.append("decode ended")

    def upload():
        sys.setprofile(watch)
        try:
            answers["upload"] = send(uploader, draft_id, data).status_code
        finally:
            sys.setprofile(None)

    thread = threading.Thread(target=upload)
    thread.start()
    try:
        assert decoding.wait(120), "the upload never started decoding"
        response = other.put(f"/drafts/{new_draft_id()}", json={**BIRTH, "step": "tre"})
        assert response.status_code == 201
        events.append("other citizen's draft saved")
    finally:
        thread.join(300)
    assert events == ["decode started", "other citizen's draft saved", "decode ended"]
    assert answers["upload"] == 201
    assert rows_of(app, draft_id) == 1


def test_when_every_decode_slot_stays_taken_an_upload_answers_503_and_keeps_nothing(app, api):
    app.config.update(IMAGE_DECODE_CONCURRENCY=2, IMAGE_DECODE_WAIT_SECONDS=0)
    draft_id = new_birth_draft(api)
    slots = decode_slots(app)
    with ExitStack() as held:  # two other photos decoding right now
        for _ in range(slots.size):
            held.enter_context(slots.slot())
        busy = send(api, draft_id, jpeg_bytes())
    assert busy.status_code == 503
    assert int(busy.headers["Retry-After"]) > 0
    assert "thử lại" in busy.get_json()["error"]["message"]
    assert rows_of(app, draft_id) == 0
    assert files_under(Path(app.config["UPLOAD_DIR"])) == []
    assert send(api, draft_id, jpeg_bytes()).status_code == 201


def test_a_photo_is_decoded_by_a_child_process_that_yields_the_cpu_to_requests(app, api):
    draft_id = new_birth_draft(api)
    assert send(api, draft_id, jpeg_bytes()).status_code == 201
    children = decode_pool.POOL.children()
    assert children and os.getpid() not in children
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    for pid in children:
        assert os.getpriority(os.PRIO_PROCESS, pid) >= min(19, ours + decode_pool.NICENESS)


def test_a_decoding_child_killed_costs_only_that_photo(app, api):
    draft_id = new_birth_draft(api)
    assert send(api, draft_id, jpeg_bytes(), client_id="photo-00001").status_code == 201

    def kill_children(frame, event, _arg):
        # The kernel's OOM killer, as the worker starts waiting for the child.
        if event == "call" and frame.f_code is uploads.decode.__code__:
            for pid in decode_pool.POOL.children():
                os.kill(pid, 9)

    sys.setprofile(kill_children)
    try:
        lost = send(api, draft_id, jpeg_bytes(color=(10, 20, 30)), client_id="photo-00002")
    finally:
        sys.setprofile(None)
    assert lost.status_code == 503
    assert int(lost.headers["Retry-After"]) > 0
    assert "thử lại" in lost.get_json()["error"]["message"]
    assert rows_of(app, draft_id) == 1
    again = send(api, draft_id, jpeg_bytes(color=(10, 20, 30)), client_id="photo-00002")
    assert again.status_code == 201
    assert rows_of(app, draft_id) == 2


def test_photos_waiting_for_a_decode_never_take_every_request_thread(app):
    # One photo decoding, one waiting its turn: a third is refused at once
    # (the phone sends it again after Retry-After), it does not wait too.
    app.config.update(
        IMAGE_DECODE_CONCURRENCY=1, IMAGE_DECODE_QUEUE=1, IMAGE_DECODE_WAIT_SECONDS=60
    )
    waiter_api = signed_in(app, make_citizen(app, "+84912345678"))
    third_api = signed_in(app, make_citizen(app, "+84987654321"))
    waiter_draft, third_draft = new_birth_draft(waiter_api), new_birth_draft(third_api)
    slots = decode_slots(app)
    answers = {}
    with slots.slot():  # another photo decoding right now
        waiter = threading.Thread(
            target=lambda: answers.update(waiter=send(waiter_api, waiter_draft, jpeg_bytes()))
        )
        waiter.start()
        while slots.waiting == 0 and waiter.is_alive():
            threading.Event().wait(0.01)
        third = send(third_api, third_draft, jpeg_bytes())
        assert third.status_code == 503
        assert waiter.is_alive() and slots.waiting == 1  # still waiting its turn
    waiter.join(120)
    assert answers["waiter"].status_code == 201
    assert rows_of(app, waiter_draft) == 1 and rows_of(app, third_draft) == 0


def test_a_decompression_bomb_is_refused_with_a_message_before_any_pixel_is_decoded(app, api):
    draft_id = new_birth_draft(api)
    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, "PNG")  # 81 MP of one bit: 10 KB
    response = send(api, draft_id, buffer.getvalue())
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "image_too_many_pixels"
    assert "Ảnh có kích thước quá lớn" in response.get_json()["error"]["message"]


# --- the draft's own papers ------------------------------------------------------------


def test_a_death_notice_is_refused_on_a_birth_draft(app, api):
    draft_id = new_birth_draft(api)
    response = send(api, draft_id, jpeg_bytes(), attachment_id="giay-bao-tu")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "attachment_not_in_draft"
    assert "Giấy báo tử" in error["message"]
    assert rows_of(app, draft_id) == 0


def test_a_paper_the_answers_do_not_ask_for_is_refused_until_they_do(app, api):
    draft_id = new_birth_draft(api, answers={"noi-sinh.giay_chung_sinh": "khong"})
    assert send(api, draft_id, jpeg_bytes()).status_code == 422  # no certificate, said the citizen
    api.patch(f"/drafts/{draft_id}", json={"answers": {"noi-sinh.giay_chung_sinh": "co"}})
    assert send(api, draft_id, jpeg_bytes()).status_code == 201


# --- a full disk -----------------------------------------------------------------------


@pytest.fixture
def full_disk(app, tmp_path):
    """UPLOAD_DIR on a tiny tmpfs filled to the last byte: writes fail with
    ENOSPC in the kernel, at write, flush or fsync, as on a real full disk."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", str(mount)], check=True
    )
    try:
        (mount / "uploads").mkdir()
        app.config["UPLOAD_DIR"] = str(mount / "uploads")
        filler = mount / "filler"
        fill_disk(filler)
        yield filler
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def test_a_full_disk_answers_507_and_leaves_no_file_no_tmp_and_no_row(app, api, full_disk):
    draft_id = new_birth_draft(api)
    response = send(api, draft_id, jpeg_bytes(1600, 1200))
    assert response.status_code == 507
    assert response.get_json()["error"]["message"] == FULL_MESSAGE
    assert files_under(Path(app.config["UPLOAD_DIR"])) == []
    assert rows_of(app, draft_id) == 0
    full_disk.unlink()  # room again: the phone's retry goes through
    assert send(api, draft_id, jpeg_bytes(1600, 1200)).status_code == 201
    assert len(files_under(Path(app.config["UPLOAD_DIR"]))) == rows_of(app, draft_id) == 1
