"""The whole group 1 chain as the officers click it, with what the citizen sees and
receives after every step."""

import pytest

from extensions import db
from models import Notification
from services.messages import notify
from tests.helpers import sign_in_as
from tests.office.helpers import (
    EMAIL,
    PHONE,
    create_submitted_dossier,
    csrf_of,
    dossier,
    form_of,
    officer_client,
    result_for,
)


class Recorder:
    """A sender that keeps what it was given (SMS and email alike)."""

    def __init__(self):
        self.sent = []

    def send(self, to, *parts, reference=None):
        self.sent.append((to, *parts))


@pytest.fixture
def senders(app):
    sms, email = Recorder(), Recorder()
    app.extensions["sms_sender"] = sms
    app.extensions["email_sender"] = email
    return sms, email


@pytest.fixture
def citizen(app):
    from models import Citizen

    client = app.test_client()
    with app.app_context():
        code = create_submitted_dossier()
        citizen_id = db.session.scalars(db.select(Citizen.id).where(Citizen.phone == PHONE)).one()
    sign_in_as(app, client, citizen_id=citizen_id)
    client.code = code
    return client


def do(app, role, action, pid=None, **fields):
    client = officer_client(app, role)
    code = app.code
    page = client.get(f"/can-bo/ho-so/{code}")
    assert page.status_code == 200
    data = {"csrf_token": csrf_of(page.text), "action": action, **fields}
    with app.app_context():
        data["version"] = dossier(code).version
    if pid:
        data["procedure_id"] = pid
    response = client.post(f"/can-bo/ho-so/{code}/thao-tac", data=data)
    assert response.status_code == 302, response.text
    return client


def deliver(app):
    with app.app_context():
        return notify.run_once(app)


STEPS = [
    # (role, action, procedure, status shown to the citizen, words of the SMS)
    ("tu-phap", "accept", None, "Được tiếp nhận", "da duoc tiep nhan"),
    ("tu-phap", "record_result", "dang-ky-khai-sinh", "Đang xử lý", "da xong dang ky khai sinh"),
    ("cong-an", "record_result", "dang-ky-thuong-tru", "Đang xử lý", "da xong dang ky thuong tru"),
    ("bhxh", "record_result", "cap-the-bhyt", "Đã xử lý xong", "da co ket qua"),
    ("tu-phap", "send_by_post", None, "Đã trả kết quả", "EB123456789VN"),
]


def test_group_one_from_submit_to_results_returned(app, citizen, senders):
    sms, email = senders
    app.code = code = citizen.code
    page = citizen.get(f"/ho-so/{code}")
    assert "Mới đăng ký" in page.text
    with app.app_context():
        answers = dossier(code).answers
    # The receipt is emailed at once when the citizen gave an address.
    assert deliver(app).sent == 1
    receipt = email.sent.pop()
    assert receipt[0] == EMAIL and code in receipt[1]
    for number, (role, action, pid, label, words) in enumerate(STEPS, start=1):
        fields = form_of(result_for(pid, answers)) if action == "record_result" else {}
        if action == "send_by_post":
            fields["tracking"] = "eb 123456789 vn"
        do(app, role, action, pid, **fields)

        # The citizen's own page follows at once ...
        page = citizen.get(f"/ho-so/{code}").text
        assert f'<strong id="dossier-status">{label}</strong>' in page
        # ... and exactly one SMS and one email go out for the step.
        report = deliver(app)
        assert (report.sent, report.retried) == (2, 0)
        assert len(sms.sent) == number and len(email.sent) == number
        assert sms.sent[-1][0] == PHONE and words in sms.sent[-1][1]
        assert email.sent[-1][0] == EMAIL and label in email.sent[-1][1]

    with app.app_context():
        final = dossier(code)
        assert final.status == 10
        assert [p.status for p in final.progress] == [9, 9, 9]
        assert all(p.started_at and p.completed_at for p in final.progress)
    assert deliver(app).sent == 0  # nothing is ever sent twice


def test_the_citizen_sees_results_but_never_who_the_officer_was(app, citizen, senders):
    app.code = code = citizen.code
    do(app, "tu-phap", "accept")
    with app.app_context():
        answers = dossier(code).answers
    do(app, "tu-phap", "record_result", "dang-ky-khai-sinh",
       **form_of(result_for("dang-ky-khai-sinh", answers)))  # fmt: skip
    own = citizen.get(f"/ho-so/{code}").text
    assert "Số đăng ký: 125" in own and "Số định danh cá nhân của trẻ" in own
    assert "(Tư pháp - Hộ tịch)" in own and "Đã chuyển đến Công an xã" in own
    for secret in ("Cán bộ tu-phap thử nghiệm", "tu-phap-05665"):
        assert secret not in own

    public = app.test_client()
    page = public.get("/theo-doi")
    tracked = public.post(
        "/theo-doi",
        data={"csrf_token": csrf_of(page.text), "code": code, "phone_last4": PHONE[-4:]},
    ).text
    assert "Đang xử lý" in tracked
    assert "Số đăng ký: 125" not in tracked  # results only to the signed-in citizen


def test_the_office_history_shows_who_acted_in_which_role_and_what_changed(app, citizen):
    app.code = code = citizen.code
    client = do(app, "tu-phap", "accept")
    page = client.get(f"/can-bo/ho-so/{code}").text
    assert "Cán bộ tu-phap thử nghiệm (tu-phap-05665)" in page
    assert "Tình trạng: Mới đăng ký → Được tiếp nhận" in page
    assert "Đăng ký khai sinh: Mới đăng ký → Đang xử lý" in page


def test_a_status_change_and_its_messages_commit_or_fail_together(app, citizen, monkeypatch):
    from services.desk import office

    app.code = code = citizen.code
    real_enqueue = office.notify.enqueue

    def enqueue_then_crash(*args):
        real_enqueue(*args)  # the messages are in the transaction ...
        raise RuntimeError("the server died before the commit")  # ... which never commits

    monkeypatch.setattr(office.notify, "enqueue", enqueue_then_crash)
    with app.app_context():
        d = dossier(code)
        with pytest.raises(RuntimeError):
            office.perform(d, "tu-phap", office.ActionInput("accept", d.version))
        db.session.rollback()
        assert dossier(code).status == 1
        # Only the receipt email of the submission: nothing of the acceptance.
        rows = db.session.scalars(db.select(Notification)).all()
        assert [r.event.action for r in rows] == [None]


def test_the_history_is_append_only(app, citizen):
    from models import DossierEvent

    with app.app_context():
        event = db.session.scalars(db.select(DossierEvent)).first()
        event.note = "rewritten"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.delete(db.session.scalars(db.select(DossierEvent)).first())
            db.session.commit()
