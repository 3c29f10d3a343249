"""A recorded result corrected by its agency, with a reason: old and new value kept
in the append-only history, on the dossier page and on the control sheet."""

import shutil
import subprocess

import pytest

from extensions import db
from models import DossierEvent, Notification
from tests.office.helpers import (
    act,
    create_submitted_dossier,
    csrf_of,
    dossier,
    officer_client,
    result_for,
)

BIRTH = "dang-ky-khai-sinh"


@pytest.fixture
def registered(app):
    """A birth registered at the desk (number 125), now at the police."""
    with app.app_context():
        code = create_submitted_dossier()
        act(code, "tu-phap", "accept")
        result = result_for(BIRTH, dossier(code).answers)
        act(code, "tu-phap", "record_result", BIRTH, result=result)
        return code


def correction_form(app, client, code, **changes):
    page = client.get(f"/can-bo/ho-so/{code}").text
    assert "Sửa kết quả đã ghi" in page
    marker = f'value="{BIRTH}">\n<input type="hidden" name="step_version" value="'
    with app.app_context():
        d = dossier(code)
        result = {**d.progress[0].result, **changes.pop("result", {})}
        version = d.version
    # The correction's form comes after the record's (none here: the step is done).
    return {
        "csrf_token": csrf_of(page), "action": "correct_result", "version": version,
        "procedure_id": BIRTH, "step_version": page.split(marker)[1].split('"')[0],
        **{f"kq-{k}": v for k, v in result.items()}, **changes,
    }  # fmt: skip


def test_a_registration_number_typed_wrong_is_corrected_with_its_reason(app, registered):
    client = officer_client(app, "tu-phap")
    data = correction_form(
        app, client, registered, result={"so_dang_ky": "126"}, reason="Ghi nhầm, sổ ghi 126"
    )
    response = client.post(f"/can-bo/ho-so/{registered}/thao-tac", data=data)
    assert response.status_code == 302, response.text
    page = client.get(f"/can-bo/ho-so/{registered}").text
    assert "Đã sửa kết quả" in page
    assert "Số đăng ký: 125 → 126" in page
    assert "Ghi nhầm, sổ ghi 126" in page
    with app.app_context():
        d = dossier(registered)
        assert d.progress[0].result["so_dang_ky"] == "126"
        assert d.status == 4 and d.progress[0].status == 9  # nothing else moved
        event = d.events[-1]
        assert event.action == "correct_result"
        assert event.changes["correction"] == {"so_dang_ky": ["125", "126"]}
        # The record of the first value is still there, unchanged.
        first = next(e for e in d.events if e.action == "record_result")
        assert first.changes["result"]["so_dang_ky"] == "125"
        sms = db.session.scalars(
            db.select(Notification).where(Notification.event_id == event.id)
        ).all()
        assert any("da duoc sua" in n.body for n in sms if n.channel == "sms")


def test_a_correction_needs_a_reason_and_a_changed_value(app, registered):
    client = officer_client(app, "tu-phap")
    url = f"/can-bo/ho-so/{registered}/thao-tac"
    no_reason = client.post(url, data=correction_form(app, client, registered,
                                                      result={"so_dang_ky": "126"}))  # fmt: skip
    assert no_reason.status_code == 400
    assert "Hãy ghi lý do sửa kết quả." in no_reason.text
    same = client.post(url, data=correction_form(app, client, registered, reason="Nhầm"))
    assert same.status_code == 400
    assert "giống hệt kết quả đã ghi" in same.text
    wrong = client.post(url, data=correction_form(
        app, client, registered, result={"so_dinh_danh_tre": "0192"}, reason="Nhầm số"
    ))  # fmt: skip
    assert wrong.status_code == 400
    assert "phải gồm đúng 12 chữ số" in wrong.text
    with app.app_context():
        assert dossier(registered).progress[0].result["so_dang_ky"] == "125"
        assert not db.session.scalars(
            db.select(DossierEvent).where(DossierEvent.action == "correct_result")
        ).all()


def test_only_the_agency_that_recorded_a_result_may_correct_it(app, registered):
    police = officer_client(app, "cong-an")
    page = police.get(f"/can-bo/ho-so/{registered}").text
    assert "action-correct_result" not in page  # no correction form for the police
    with app.app_context():
        d = dossier(registered)
        data = {
            "csrf_token": csrf_of(page), "action": "correct_result", "version": d.version,
            "procedure_id": BIRTH, "reason": "Nhầm", "kq-so_dang_ky": "999",
        }  # fmt: skip
    assert police.post(f"/can-bo/ho-so/{registered}/thao-tac", data=data).status_code == 403


def test_the_control_sheet_shows_the_old_and_the_new_value_and_why(app, registered, tmp_path):
    with app.app_context():
        answers = dossier(registered).answers
        act(registered, "tu-phap", "correct_result", BIRTH, reason="Ghi nhầm số đăng ký",
            result={**result_for(BIRTH, answers), "so_dang_ky": "126"})  # fmt: skip
    response = officer_client(app, "tu-phap").get(f"/can-bo/ho-so/{registered}/phieu/kiem-soat.pdf")
    assert response.status_code == 200
    assert shutil.which("pdftotext"), "pdftotext missing: make test installs poppler-utils"
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout  # fmt: skip
    flat = " ".join(text.split())
    assert "Sửa kết quả đã ghi" in flat
    assert "125 → 126" in flat
    assert "Ghi nhầm số đăng ký" in flat
