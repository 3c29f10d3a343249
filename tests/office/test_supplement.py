"""A supplement round trip: the police ask, the citizen corrects and photographs,
resubmits, and the police carry on with the new papers."""

import io

import pytest

from extensions import db
from models import Citizen, Notification, Upload
from services.desk import deadlines
from tests.api.test_upload_safety import full_disk  # noqa: F401  (a fixture)
from tests.conftest import Api
from tests.helpers import jpeg_bytes, sign_in_as
from tests.office.helpers import (
    PHONE,
    act,
    create_submitted_dossier,
    csrf_of,
    dossier,
    officer_client,
    result_for,
)


def version_of(html: str) -> str:
    return html.split('name="version" value="')[1].split('"')[0]


ASK = "Trẻ đăng ký thường trú tại nhà ông bà: hãy sửa nơi đăng ký và gửi tờ khai CT01."


@pytest.fixture
def asked(app):
    """A birth dossier at the police, who asked to correct the residence page."""
    with app.app_context():
        code = create_submitted_dossier()
        act(code, "tu-phap", "accept")
        answers = dossier(code).answers
        act(code, "tu-phap", "record_result", "dang-ky-khai-sinh",
            result=result_for("dang-ky-khai-sinh", answers))  # fmt: skip
    police = officer_client(app, "cong-an")
    page = police.get(f"/can-bo/ho-so/{code}").text
    response = police.post(
        f"/can-bo/ho-so/{code}/thao-tac",
        data={
            "csrf_token": csrf_of(page), "action": "request_supplement",
            "procedure_id": "dang-ky-thuong-tru", "version": version_of(page),
            "reason": ASK, "sections": "thuong-tru",
        },
    )  # fmt: skip
    assert response.status_code == 302
    return code


@pytest.fixture
def citizen(app):
    client = app.test_client()
    with app.app_context():
        citizen_id = db.session.scalars(db.select(Citizen.id).where(Citizen.phone == PHONE)).one()
    sign_in_as(app, client, citizen_id=citizen_id)
    client.phone = PHONE
    return client


def upload(citizen, code, attachment="to-khai-ct01", client_id="supplement-photo-1"):
    return Api(citizen).client.post(
        f"/api/v1/dossiers/{code}/uploads",
        data={"attachment_id": attachment, "client_id": client_id,
              "file": (io.BytesIO(jpeg_bytes()), "ct01.jpg")},
        headers=Api(citizen)._headers(),
        content_type="multipart/form-data",
    )  # fmt: skip


def resubmit(citizen, code, **answers):
    page = citizen.get(f"/ho-so/{code}/bo-sung")
    data = {"csrf_token": csrf_of(page.text), "version": version_of(page.text), **answers}
    return citizen.post(f"/ho-so/{code}/bo-sung", data=data)


def test_the_citizen_is_told_what_to_add_on_the_page_and_by_sms(app, asked, citizen):
    page = citizen.get(f"/ho-so/{asked}").text
    assert "Hồ sơ cần bổ sung" in page and ASK in page
    assert "Thông tin cần sửa: Đăng ký thường trú cho trẻ" in page
    with app.app_context():
        due = deadlines.supplement_due(dossier(asked))
    # The last day, the same on the dossier page and the supplement page.
    assert f"Hạn bổ sung: hết ngày {due:%d/%m/%Y}" in page
    assert f"Hạn bổ sung: hết ngày {due:%d/%m/%Y}" in citizen.get(f"/ho-so/{asked}/bo-sung").text
    with app.app_context():
        sms = db.session.scalars(db.select(Notification).where(Notification.channel == "sms")).all()
    assert sms[-1].body.endswith(f"/ho-so/{asked}/bo-sung")
    assert "can bo sung" in sms[-1].body


def test_the_round_trip_from_request_to_the_police_working_again(app, asked, citizen):
    with app.app_context():
        due_before = dossier(asked).progress[1].due_date
    # Choosing "somewhere else" makes the CT01 form required: refused until it is there.
    refused = resubmit(citizen, asked, **{"thuong-tru.noi_dang_ky": "khac"})
    assert refused.status_code == 400
    assert "Hãy chụp và tải lên: Tờ khai thay đổi thông tin cư trú (mẫu CT01) đã ký" in refused.text
    assert upload(citizen, asked).status_code == 201
    assert upload(citizen, asked).status_code == 200  # a retry is not a second page

    done = resubmit(citizen, asked, **{"thuong-tru.noi_dang_ky": "khac"})
    assert done.status_code == 302 and done.headers["Location"].endswith("?bo-sung=1")
    with app.app_context():
        d = dossier(asked)
        assert d.status == 4 and d.supplement is None
        assert d.progress[1].status == 4
        assert d.progress[1].due_date >= due_before
        assert d.answers["thuong-tru.noi_dang_ky"] == "khac"
    assert "Đã nộp bổ sung" in citizen.get(f"/ho-so/{asked}?bo-sung=1").text

    police = officer_client(app, "cong-an").get(f"/can-bo/ho-so/{asked}").text
    assert "Mới bổ sung" in police
    assert "Trẻ sẽ đăng ký thường trú ở đâu?: Cùng nơi thường trú của cha, mẹ" not in police
    assert "Thông tin đã sửa: Trẻ sẽ đăng ký thường trú ở đâu?: cung-cha-me → khac" in police
    assert "Ảnh mới: Tờ khai thay đổi thông tin cư trú (mẫu CT01) đã ký" in police


def test_a_wrong_correction_is_shown_next_to_its_field(app, asked, citizen):
    response = resubmit(citizen, asked, **{"thuong-tru.chu_ho_so_dinh_danh": "12345"})
    assert response.status_code == 400
    assert "phải gồm đúng 12 chữ số" in response.text
    with app.app_context():
        assert dossier(asked).status == 5


def test_photos_sent_with_the_dossier_cannot_be_deleted_but_new_ones_can(app, asked, citizen):
    new = upload(citizen, asked).get_json()["id"]
    with app.app_context():
        original = db.session.scalars(
            db.select(Upload.id).where(Upload.dossier_id.is_not(None), Upload.draft_id.is_not(None))
        ).first()
    api = Api(citizen)
    assert api.delete(f"/dossiers/{asked}/uploads/{original}").status_code == 409
    assert api.delete(f"/dossiers/{asked}/uploads/{new}").status_code == 204


def test_the_citizens_supplement_photos_are_never_kept_in_the_phones_cache(app, asked, citizen):
    new = upload(citizen, asked).get_json()
    with app.app_context():
        sent = db.session.scalars(
            db.select(Upload.id).where(Upload.dossier_id.is_not(None), Upload.draft_id.is_not(None))
        ).first()
    # The supplement page shows both: the papers sent with the dossier and the new ones.
    for url in (new["url"], f"/api/v1/uploads/{sent}"):
        photo = citizen.get(url)
        assert photo.status_code == 200
        assert photo.headers["Cache-Control"] == "private, no-store"


def test_photos_are_refused_when_no_supplement_is_asked(app):
    with app.app_context():
        code = create_submitted_dossier()
    client = app.test_client()
    with app.app_context():
        citizen_id = db.session.scalars(db.select(Citizen.id).where(Citizen.phone == PHONE)).one()
    sign_in_as(app, client, citizen_id=citizen_id)
    response = upload(client, code)
    assert response.status_code == 409
    assert "không có yêu cầu bổ sung" in response.get_json()["error"]["message"]


def test_another_citizen_cannot_reach_the_supplement_page(app, asked):
    from tests.conftest import make_citizen

    stranger = app.test_client()
    sign_in_as(app, stranger, citizen_id=make_citizen(app, "+84987654321"))
    assert stranger.get(f"/ho-so/{asked}/bo-sung").status_code == 404


def test_the_citizen_can_withdraw_and_the_office_stops(app, asked, citizen):
    code = asked
    page = citizen.get(f"/ho-so/{code}/rut").text
    response = citizen.post(
        f"/ho-so/{code}/rut",
        data={
            "csrf_token": csrf_of(page),
            "version": page.split('name="version" value="')[1].split('"')[0],
            "reason": "Đã nộp trực tiếp tại xã",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        d = dossier(code)
        assert d.status == 7
        assert [p.status for p in d.progress] == [9, 7, 7]  # the birth stays registered
    assert "Công dân yêu cầu rút hồ sơ" in citizen.get(f"/ho-so/{code}").text
    assert "Rút hồ sơ</a>" not in citizen.get(f"/ho-so/{code}").text


def test_a_supplement_photo_on_a_full_disk_answers_507_and_leaves_nothing(
    app,
    asked,
    citizen,
    full_disk,  # noqa: F811  (the fixture imported above)
):
    from pathlib import Path

    def supplement_rows():
        with app.app_context():
            return db.session.scalars(
                db.select(Upload).where(Upload.dossier_id == dossier(asked).id)
            ).all()

    before = len(supplement_rows())
    response = upload(citizen, asked)
    assert response.status_code == 507
    assert response.get_json()["error"]["message"] == "Máy chủ tạm hết chỗ lưu, hãy thử lại sau"
    assert [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()] == []
    assert len(supplement_rows()) == before
    full_disk.unlink()
    assert upload(citizen, asked).status_code == 201
