"""Filing at the counter: the justice desk files for a citizen who is present, with
the same rules and papers as online; the citizen confirms by an SMS code or a
signed declaration; the dossier says so and is processed like any other."""

import io

import pytest

from extensions import db
from models import Citizen, Dossier, Draft, Notification
from services.desk import filing
from tests.conftest import last_code
from tests.helpers import jpeg_bytes
from tests.office.helpers import answers_for, csrf_of, officer_client

START = "/can-bo/nop-tai-quay"
BIRTH = ["dang-ky-khai-sinh", "dang-ky-thuong-tru"]


def start(desk, phone=""):
    token = csrf_of(desk.get(START).text)
    response = desk.post(START, data={"csrf_token": token, "group": "khai-sinh",
                                      "procedures": BIRTH, "phone": phone})  # fmt: skip
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def fill(desk, url, answers=None):
    token = csrf_of(desk.get(url).text)
    return desk.post(url, data={"csrf_token": token, **(answers or answers_for("khai-sinh"))})


def add_page(desk, url, attachment_id):
    token = csrf_of(desk.get(url).text)
    return desk.post(
        f"{url}/anh",
        data={"csrf_token": token, "attachment_id": attachment_id,
              "file": (io.BytesIO(jpeg_bytes()), "trang.jpg", "image/jpeg")},
        content_type="multipart/form-data",
    )  # fmt: skip


def draft_of(url) -> Draft:
    db.session.expire_all()
    return db.session.get(Draft, url.rsplit("/", 1)[1])


def complete(app, desk, url):
    assert fill(desk, url).status_code == 302
    assert "Đã lưu thông tin." in desk.get(url).text
    with app.app_context():
        wanted = [a["id"] for a in filing.asked(draft_of(url)) if a.get("required")]
    assert wanted
    for attachment_id in wanted:
        assert add_page(desk, url, attachment_id).status_code == 302


def file(desk, url, **data):
    token = csrf_of(desk.get(url).text)
    return desk.post(f"{url}/nop", data={"csrf_token": token, **data})


@pytest.fixture
def desk(app):
    return officer_client(app, "tu-phap")


def test_a_walk_in_without_a_phone_is_filed_with_a_signed_declaration(app, desk):
    url = start(desk)
    complete(app, desk, url)
    refused = file(desk, url, consent="paper")
    assert refused.status_code == 400
    assert "Hãy chụp giấy cam kết đã có chữ ký" in refused.text
    declaration = desk.get(f"{url}/giay-cam-ket").text
    assert "Giấy cam kết nộp hồ sơ tại Bộ phận một cửa" in declaration
    assert "Nguyễn Thị Lan" in declaration
    assert add_page(desk, url, filing.DECLARATION).status_code == 302
    filed = file(desk, url, consent="paper")
    assert filed.status_code == 302
    code = filed.headers["Location"].rsplit("/", 1)[1]
    page = desk.get(filed.headers["Location"]).text
    assert "Nộp tại quầy" in page and "giấy cam kết có chữ ký" in page
    assert "Giấy cam kết nộp hồ sơ tại quầy" in page  # the photo, in the dossier's papers
    with app.app_context():
        d = db.session.scalars(db.select(Dossier).where(Dossier.code == code)).one()
        assert d.channel == "counter" and d.filed_by_officer_id == desk.officer_id
        assert d.procedure_ids == BIRTH and d.status == 1
        first = d.events[0]
        assert (first.actor, first.officer_id) == ("tu-phap", desk.officer_id)
        assert first.changes["counter"]["consent"] == "paper"
        assert db.session.get(Citizen, d.citizen_id).phone is None
        # No phone: only the email the citizen gave.
        assert {n.channel for n in db.session.scalars(db.select(Notification))} == {"email"}


def test_a_walk_in_with_a_phone_confirms_with_the_code_sent_to_it(app, desk):
    url = start(desk, phone="0912 345 678")
    complete(app, desk, url)
    sent = desk.post(f"{url}/ma", data={"csrf_token": csrf_of(desk.get(url).text)})
    assert sent.status_code == 200 and "Đã gửi mã đến 091****678" in sent.text
    wrong = file(desk, url, consent="sms", code="000000")
    assert wrong.status_code == 400 and "Mã xác nhận không đúng" in wrong.text
    filed = file(desk, url, consent="sms", code=last_code(app, "+84912345678"))
    assert filed.status_code == 302, filed.text
    with app.app_context():
        d = db.session.scalars(db.select(Dossier)).one()
        assert d.events[0].changes["counter"]["consent"] == "sms"
        citizen = db.session.get(Citizen, d.citizen_id)
        assert citizen.phone == "+84912345678"  # the citizen follows it by code and phone
        assert "sms" in {n.channel for n in db.session.scalars(db.select(Notification))}
    tracked = app.test_client().get("/theo-doi")
    assert tracked.status_code == 200


def test_the_counter_applies_the_same_rules_as_online(app, desk):
    url = start(desk)
    answers = {**answers_for("khai-sinh"), "me.so_dinh_danh": "123"}
    response = fill(desk, url, answers)
    assert response.status_code == 400
    assert "phải gồm đúng 12 chữ số" in response.text
    refused = file(desk, url, consent="paper")
    assert refused.status_code == 400 and "Hồ sơ chưa đủ" in refused.text
    with app.app_context():
        assert db.session.scalars(db.select(Dossier)).all() == []


def test_a_wrong_choice_of_procedures_or_phone_is_refused_with_what_to_do(app, desk):
    token = csrf_of(desk.get(START).text)
    data = {"csrf_token": token, "group": "khai-sinh", "procedures": ["dang-ky-thuong-tru"],
            "phone": "12"}  # fmt: skip
    response = desk.post(START, data=data)
    assert response.status_code == 400
    assert "Đăng ký khai sinh" in response.text
    assert "số điện thoại" in response.text.lower()
    with app.app_context():
        assert db.session.scalars(db.select(Draft)).all() == []


def test_a_counter_draft_is_not_the_citizens_to_edit_online(app, desk, client):
    from tests.helpers import sign_in_as

    url = start(desk, phone="0912 345 678")
    with app.app_context():
        draft = draft_of(url)
        citizen_id, draft_id = draft.citizen_id, draft.id
    sign_in_as(app, client, citizen_id=citizen_id)
    assert client.get(f"/api/v1/drafts/{draft_id}").status_code == 404


def test_only_the_receiving_desk_files_at_the_counter(app):
    police = officer_client(app, "cong-an")
    assert police.get(START).status_code in (403, 404)


def test_the_report_counts_a_counter_dossier_as_received_at_the_desk(app, desk):
    from domain import clock, periods
    from services.desk import reports
    from tests.office.helpers import create_submitted_dossier

    # One clock for the filing and "this month": Vietnam's month may turn during the test.
    with clock.frozen(clock.now_utc()):
        with app.app_context():
            create_submitted_dossier()  # one online
        url = start(desk)
        complete(app, desk, url)
        add_page(desk, url, filing.DECLARATION)
        assert file(desk, url, consent="paper").status_code == 302
        with app.app_context():
            today = clock.today_vn()
            report = reports.report("05665", periods.parse(f"{today:%Y-%m}"), today)
            assert (report.total.received, report.total.online, report.total.at_desk) == (2, 1, 1)
            registration = next(x for x in report.procedures if x.key == "dang-ky-khai-sinh")
            assert (registration.online, registration.at_desk) == (1, 1)
        page = desk.get(f"/can-bo/bao-cao?ky={today:%Y-%m}").text
        assert "trực tuyến 1 · trực tiếp 1" in page


def test_a_dossier_of_an_account_without_a_phone_is_looked_up_without_a_fault(app, desk):
    """Filed at the counter for a citizen with no phone: any 4 digits are
    answered as wrong digits are (nothing to match), never as a 500."""
    url = start(desk)
    complete(app, desk, url)
    assert add_page(desk, url, filing.DECLARATION).status_code == 302
    code = file(desk, url, consent="paper").headers["Location"].rsplit("/", 1)[1]
    anyone = app.test_client()
    wrong = anyone.post(
        "/api/v1/status", json={"code": "X05665-260101-9999", "phone_last4": "1234"}
    )
    answer = anyone.post("/api/v1/status", json={"code": code, "phone_last4": "1234"})
    assert answer.status_code == wrong.status_code == 404
    assert answer.get_json() == wrong.get_json()
    page = anyone.get("/theo-doi")
    form = {"csrf_token": csrf_of(page.text), "code": code, "phone_last4": "1234"}
    unknown = anyone.post("/theo-doi", data={**form, "code": "X05665-260101-9999"})
    shown = anyone.post("/theo-doi", data=form)
    assert shown.status_code == unknown.status_code == 404  # a page that says what to do
    message = "Không tìm thấy hồ sơ với mã và 4 số cuối điện thoại này."
    assert message in shown.text and message in unknown.text
