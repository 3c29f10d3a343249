"""Printing a dossier's or draft's forms at the office, and scanning a printed QR:
the paper is matched to its dossier, and a paper printed before the answers
changed is called stale."""

import subprocess
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image

from extensions import db
from models import Citizen, Dossier, Draft
from tests.domain.sample_answers import valid_birth_answers
from tests.office.helpers import (
    add_complete_draft,
    create_submitted_dossier,
    csrf_of,
    officer_client,
)
from tests.test_papers import form_url, pdf_text

BASE = "https://dichvucong.vanlang.gov.vn"


@pytest.fixture
def justice(app):
    app.config["PUBLIC_BASE_URL"] = BASE
    return officer_client(app, "tu-phap")


def scanned_path(pdf: bytes, tmp_path) -> str:
    """Print the PDF at 150 dpi and read its QR as a phone camera would."""
    (tmp_path / "p.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", str(tmp_path / "p.pdf"), str(tmp_path / "page")],
        check=True,
    )
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "page-1.png"))]
    assert len(found) == 1 and found[0].startswith(BASE + "/can-bo/to-khai/")
    url = urlsplit(found[0])
    return f"{url.path}?{url.query}"


def a_dossier(app) -> str:
    with app.app_context():
        return create_submitted_dossier()


def change_child_name(app, code: str, name: str) -> None:
    with app.app_context():
        dossier = db.session.scalars(db.select(Dossier).where(Dossier.code == code)).one()
        dossier.answers = {**dossier.answers, "tre.ten": name}
        db.session.commit()


def test_an_officer_prints_the_dossiers_birth_declaration(app, justice, tmp_path):
    code = a_dossier(app)
    page = justice.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    assert "Tờ khai in sẵn" in page
    link = f"/can-bo/ho-so/{code}/to-khai/to-khai-khai-sinh.pdf"
    assert link in page
    response = justice.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Trần Minh An" in pdf_text(response.data, tmp_path)


def test_an_officer_of_another_commune_cannot_print_it(app):
    code = a_dossier(app)
    other = officer_client(app, "tu-phap", commune="06154")
    assert other.get(f"/can-bo/ho-so/{code}/to-khai/to-khai-khai-sinh.pdf").status_code == 404


def test_a_scanned_fresh_paper_opens_its_dossier_and_says_it_is_current(app, justice, tmp_path):
    code = a_dossier(app)
    path = scanned_path(
        justice.get(f"/can-bo/ho-so/{code}/to-khai/to-khai-khai-sinh.pdf").data, tmp_path
    )
    page = justice.get(path).get_data(as_text=True)
    assert "Bản in còn đúng" in page and "Bản in đã cũ" not in page
    assert f"/can-bo/ho-so/{code}" in page


def test_a_paper_printed_before_the_answers_changed_is_called_stale(app, justice, tmp_path):
    code = a_dossier(app)
    path = scanned_path(
        justice.get(f"/can-bo/ho-so/{code}/to-khai/to-khai-khai-sinh.pdf").data, tmp_path
    )
    change_child_name(app, code, "Khang")
    page = justice.get(path).get_data(as_text=True)
    assert "Bản in đã cũ" in page and "in lại tờ khai mới" in page
    # The answers not on this paper do not make it stale.
    with app.app_context():
        dossier = db.session.scalars(db.select(Dossier).where(Dossier.code == code)).one()
        token = db.session.scalars(
            db.select(Draft.paper_token).where(Draft.dossier_id == dossier.id)
        ).one()
    fresh = justice.get(f"/can-bo/to-khai/{token}/to-khai-khai-sinh.pdf").data
    fresh_path = scanned_path(fresh, tmp_path)
    change_child_name(app, code, "Khang")  # the same name again
    assert "Bản in còn đúng" in justice.get(fresh_path).get_data(as_text=True)


def test_a_citizens_unfiled_draft_can_be_printed_at_its_commune(
    app, citizen_client, justice, tmp_path
):
    with app.app_context():
        draft_id = add_complete_draft(citizen_client.citizen_id, answers=valid_birth_answers()).id
        db.session.commit()
    path = scanned_path(citizen_client.get(form_url(draft_id, "to-khai-khai-sinh")).data, tmp_path)
    page = justice.get(path).get_data(as_text=True)
    assert "Bản in còn đúng" in page and "bản nháp chưa nộp" in page
    token = path.split("/")[3].split("?")[0]
    printed = justice.get(f"/can-bo/to-khai/{token}/to-khai-tk1-ts.pdf")
    assert printed.status_code == 200 and "TRẦN MINH AN" in pdf_text(printed.data, tmp_path)
    other = officer_client(app, "tu-phap", commune="06154")
    assert other.get(path).status_code == 404
    assert other.get(f"/can-bo/to-khai/{token}/to-khai-tk1-ts.pdf").status_code == 404


def test_the_code_under_the_qr_can_be_typed_instead(app, citizen_client, justice):
    with app.app_context():
        draft = add_complete_draft(citizen_client.citizen_id, answers=valid_birth_answers())
        draft.paper_token = "ABCDEFGHJKMN"
        db.session.commit()
    form = justice.get("/can-bo/to-khai").get_data(as_text=True)
    response = justice.post(
        "/can-bo/to-khai", data={"csrf_token": csrf_of(form), "ma": "abcd-efgh-jkmn "}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/can-bo/to-khai/ABCDEFGHJKMN")
    page = justice.get("/can-bo/to-khai/ABCDEFGHJKMN").get_data(as_text=True)
    assert "In Tờ khai đăng ký khai sinh (PDF)" in page


def test_a_dossier_code_typed_there_opens_the_dossiers_forms(app, justice):
    code = a_dossier(app)
    form = justice.get("/can-bo/to-khai").get_data(as_text=True)
    response = justice.post("/can-bo/to-khai", data={"csrf_token": csrf_of(form), "ma": code})
    assert response.headers["Location"].endswith(f"/can-bo/ho-so/{code}#to-khai")


def test_an_unknown_code_says_what_to_check(app, justice):
    form = justice.get("/can-bo/to-khai").get_data(as_text=True)
    response = justice.post("/can-bo/to-khai", data={"csrf_token": csrf_of(form), "ma": "ZZZZ"})
    assert response.status_code == 422
    assert "Hãy kiểm tra lại mã in dưới mã QR" in response.get_data(as_text=True)
    assert justice.get("/can-bo/to-khai/ZZZZZZZZZZZZ").status_code == 404


def test_the_lookup_needs_its_csrf_token(app, justice):
    assert justice.post("/can-bo/to-khai", data={"ma": "ABCDEFGHJKMN"}).status_code == 400


def test_the_commune_admin_has_no_dossier_papers(app):
    admin = officer_client(app, "quan-tri")
    assert admin.get("/can-bo/to-khai").status_code == 403


def test_the_qr_and_the_page_carry_nothing_personal(app, justice, tmp_path):
    code = a_dossier(app)
    path = scanned_path(
        justice.get(f"/can-bo/ho-so/{code}/to-khai/to-khai-khai-sinh.pdf").data, tmp_path
    )
    with app.app_context():
        phone = db.session.scalars(db.select(Citizen.phone)).first()
    for personal in ("Lan", "An", code, phone, "0912345678"):
        assert personal not in path


def test_a_mangled_print_id_is_called_stale_not_an_error(app, citizen_client, justice):
    with app.app_context():
        draft = add_complete_draft(citizen_client.citizen_id, answers=valid_birth_answers())
        draft.paper_token = "ABCDEFGHJKMN"
        db.session.commit()
    page = justice.get("/can-bo/to-khai/ABCDEFGHJKMN?to=to-khai-khai-sinh&in=%C4%91%C3%A3")
    assert page.status_code == 200 and "Bản in đã cũ" in page.get_data(as_text=True)
