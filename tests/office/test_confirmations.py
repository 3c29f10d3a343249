"""Irreversible actions carry, on the page, what will happen and who will be told."""

from tests.office.helpers import act, create_submitted_dossier, dossier, officer_client, result_for


def test_accepting_says_the_appointment_and_who_is_told(app):
    with app.app_context():
        code = create_submitted_dossier()
    page = officer_client(app, "tu-phap").get(f"/can-bo/ho-so/{code}").text
    assert 'class="action action-accept" novalidate data-confirm' in page
    assert "Xác nhận: Tiếp nhận hồ sơ" in page
    assert "thời hạn giải quyết bắt đầu tính: hẹn trả kết quả" in page
    assert "Công dân được báo ngay qua tin nhắn SMS và thư điện tử." in page
    assert "Hồ sơ kết thúc: không được tiếp nhận" in page  # the refusal's


def test_recording_a_result_names_the_agency_it_goes_to_and_without_email_only_sms(app):
    with app.app_context():
        code = create_submitted_dossier(email=None)
        act(code, "tu-phap", "accept")
    page = officer_client(app, "tu-phap").get(f"/can-bo/ho-so/{code}").text
    assert "Hồ sơ được chuyển đến Công an xã." in page
    assert "Công dân được báo ngay qua tin nhắn SMS." in page
    assert "Sửa kết quả đã ghi" in page  # where to go if it was a slip


def test_handing_over_asks_to_confirm_only_once_the_citizen_has_the_papers(app):
    with app.app_context():
        code = create_submitted_dossier()
        answers = dossier(code).answers
        act(code, "tu-phap", "accept")
        for role, pid in (("tu-phap", "dang-ky-khai-sinh"), ("cong-an", "dang-ky-thuong-tru"),
                          ("bhxh", "cap-the-bhyt")):  # fmt: skip
            act(code, role, "record_result", pid, result=result_for(pid, answers))
    page = officer_client(app, "tu-phap").get(f"/can-bo/ho-so/{code}").text
    assert "Chỉ xác nhận khi công dân đã nhận giấy tờ." in page
    assert "đã gửi kết quả qua bưu chính với số hiệu bạn nhập" in page
