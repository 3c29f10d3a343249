"""Messages that carry their meaning: reasons in the SMS, the receipt emailed,
'come and collect' whatever the last step's outcome, honest timeline lines."""

from extensions import db
from models import DossierEvent, Notification
from services.dossiers.tracking import status_json
from tests.office.helpers import EMAIL, act, create_submitted_dossier, dossier, result_for

BASE = "https://dichvucong.vanlang.gov.vn"


def messages_of(event: DossierEvent) -> dict[str, Notification]:
    rows = db.session.scalars(db.select(Notification).where(Notification.event_id == event.id))
    return {r.channel: r for r in rows}


def test_the_refusal_sms_says_why_and_links_the_dossier(app):
    app.config["PUBLIC_BASE_URL"] = BASE
    with app.app_context():
        code = create_submitted_dossier()
        sms = messages_of(act(code, "tu-phap", "refuse", reason="Tờ khai chưa có chữ ký"))["sms"]
        assert "Ly do: To khai chua co chu ky." in sms.body
        assert sms.body.endswith(f"{BASE}/ho-so/{code}") and sms.body.isascii()


def test_a_long_supplement_reason_is_shortened_to_two_segments_and_keeps_the_link(app):
    app.config["PUBLIC_BASE_URL"] = BASE
    reason = "Ảnh giấy chứng sinh bị mờ, hãy chụp lại rõ chữ và dấu đỏ. " * 12
    with app.app_context():
        code = create_submitted_dossier()
        event = act(code, "tu-phap", "request_supplement", reason=reason)
        sms = messages_of(event)["sms"]
        assert len(sms.body) <= 306 and sms.body.isascii()
        assert "Anh giay chung sinh bi mo" in sms.body and "..." in sms.body
        assert sms.body.endswith(f"{BASE}/ho-so/{code}/bo-sung")
        assert reason.strip()[:200] in messages_of(event)["email"].body  # the email: in full


def test_the_receipt_is_emailed_when_the_citizen_gave_an_address(app):
    with app.app_context():
        code = create_submitted_dossier()
        rows = db.session.scalars(db.select(Notification)).all()
        assert [(r.channel, r.recipient) for r in rows] == [("email", EMAIL)]
        assert code in rows[0].body
        create_submitted_dossier(phone="+84987654321", email=None)
        assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 1


def test_results_ready_after_a_stopped_last_step_still_say_come_and_collect(app):
    with app.app_context():
        code = create_submitted_dossier()
        act(code, "tu-phap", "accept")
        answers = dossier(code).answers
        act(code, "tu-phap", "record_result", "dang-ky-khai-sinh",
            result=result_for("dang-ky-khai-sinh", answers))  # fmt: skip
        act(code, "cong-an", "record_result", "dang-ky-thuong-tru",
            result=result_for("dang-ky-thuong-tru", answers))  # fmt: skip
        event = act(code, "bhxh", "stop", "cap-the-bhyt", reason="Trẻ đã có thẻ")
        assert dossier(code).status == 9
        sms = messages_of(event)["sms"]
        assert "cac thu tuc khac da co ket qua" in sms.body
        assert "Ket qua se duoc gui qua buu dien." in sms.body or "Moi ban nhan" in sms.body
        line = status_json(dossier(code))["events"][-1]
        assert line["label"] == "Dừng xử lý"  # not "Đã xử lý xong"


def test_accepting_never_says_the_dossier_was_forwarded_to_the_desk_itself(app):
    with app.app_context():
        code = create_submitted_dossier()
        event = act(code, "tu-phap", "accept")
        assert "Tư pháp" not in (event.note or "")
        answers = dossier(code).answers
        event = act(code, "tu-phap", "record_result", "dang-ky-khai-sinh",
                    result=result_for("dang-ky-khai-sinh", answers))  # fmt: skip
        assert "Đã chuyển đến Công an xã" in event.note
