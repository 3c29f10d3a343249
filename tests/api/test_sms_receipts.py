"""Delivery receipts from the SMS gateway (POST /api/v1/sms/receipts): only with
the gateway's token, by the message's reference; the office sees the result."""

import pytest

from extensions import db
from models import Notification
from services.messages import notify
from tests.office.helpers import create_submitted_dossier, officer_client

TOKEN = "gateway-secret-token"


@pytest.fixture
def receipt(app):
    """A filed dossier whose receipt SMS went out; (dossier code, reference)."""
    app.config["SMS_RECEIPT_TOKEN"] = TOKEN
    with app.app_context():
        code = create_submitted_dossier(email=None, receipt_sms=True)
        notify.run_once(app)
        reference = db.session.scalars(db.select(Notification.reference)).one()
    return code, reference


def post_receipt(client, body, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/sms/receipts", json=body, headers=headers)


def test_a_delivered_receipt_shows_on_the_office_dossier_page(app, client, receipt):
    code, reference = receipt
    officer = officer_client(app, "tu-phap")
    before = officer.get(f"/can-bo/ho-so/{code}").text
    assert "Tổng đài đã nhận, chưa có báo đến máy" in before
    answer = post_receipt(client, {"reference": reference, "status": "delivered"})
    assert answer.status_code == 200
    assert answer.get_json() == {"reference": reference, "status": "delivered"}
    page = officer.get(f"/can-bo/ho-so/{code}").text
    assert "Tin nhắn gửi công dân" in page
    assert "Đã đến máy công dân" in page


def test_a_failed_receipt_is_shown_and_a_late_accepted_does_not_hide_it(app, client, receipt):
    code, reference = receipt
    for word in ("permanent-failure", "accepted"):
        answer = post_receipt(client, {"reference": reference, "status": word})
        assert answer.status_code == 200
    page = officer_client(app, "tu-phap").get(f"/can-bo/ho-so/{code}").text
    assert "Không đến được máy công dân" in page


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_a_receipt_without_the_gateway_token_is_refused_and_changes_nothing(
    app, client, receipt, token
):
    _, reference = receipt
    answer = post_receipt(client, {"reference": reference, "status": "delivered"}, token)
    assert answer.status_code == 401
    assert "khóa xác thực" in answer.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.scalars(db.select(Notification.delivery_status)).one() == "accepted"


def test_receipts_are_refused_while_no_token_is_configured(app, client, receipt):
    _, reference = receipt
    app.config["SMS_RECEIPT_TOKEN"] = ""
    answer = post_receipt(client, {"reference": reference, "status": "delivered"}, token="")
    assert answer.status_code == 401


def test_an_unknown_reference_or_status_is_told_in_vietnamese(client, receipt):
    _, reference = receipt
    unknown = post_receipt(client, {"reference": "khong-co", "status": "delivered"})
    assert unknown.status_code == 404
    assert "Không có tin nhắn nào" in unknown.get_json()["error"]["message"]
    odd = post_receipt(client, {"reference": reference, "status": "???"})
    assert odd.status_code == 422
    assert "Trạng thái không được hỗ trợ" in odd.get_json()["error"]["message"]
    assert post_receipt(client, {"reference": reference}).status_code == 400


def test_a_delivered_receipt_for_a_timed_out_message_stops_its_retry(app, client):
    app.config["SMS_RECEIPT_TOKEN"] = TOKEN
    with app.app_context():
        create_submitted_dossier(email=None, receipt_sms=True)
        row = db.session.scalars(db.select(Notification)).one()
        row.delivery_status = "unknown"  # as a timed-out attempt leaves it
        reference = row.reference
        db.session.commit()
    assert post_receipt(client, {"reference": reference, "status": "delivered"}).status_code == 200
    with app.app_context():
        assert notify.run_once(app).handled == 0
        assert db.session.scalars(db.select(Notification.sent_at)).one() is not None
