"""The citizen's filled declarations: every form of both groups as a PDF whose
text carries the answers, only for the draft's owner, only the forms it asks for."""

import shutil
import subprocess

import pytest

from domain import validation
from extensions import db
from models import Draft
from tests.domain.sample_answers import valid_birth_answers, valid_death_answers
from tests.helpers import sign_in_as
from tests.office.helpers import add_complete_draft

BIRTH_FORMS = ["to-khai-khai-sinh", "to-khai-ct01", "to-khai-tk1-ts"]
DEATH_FORMS = ["to-khai-khai-tu", "to-khai-tro-cap-mai-tang", "to-khai-ho-tro-mai-tang"]


def pdf_text(data: bytes, tmp_path) -> str:
    assert shutil.which("pdftotext"), "pdftotext missing: make test installs poppler-utils"
    path = tmp_path / "to-khai.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True)
    return " ".join(out.stdout.decode("utf-8").split())


def birth_answers() -> dict:
    # The child lives with grandparents: the residence form CT01 is asked for too.
    answers = valid_birth_answers()
    answers.update({
        "thuong-tru.noi_dang_ky": "khac",
        "thuong-tru.dia_chi": "Số 8, xóm Đồi",
        "thuong-tru.chu_ho_ho_ten": "Trần Văn Phúc",
        "thuong-tru.quan_he_voi_chu_ho": "chau",
    })  # fmt: skip
    return answers


def make_draft(app, citizen_id, group_id, answers) -> str:
    with app.app_context():
        draft = add_complete_draft(citizen_id, group_id, answers=answers)
        db.session.commit()
        return draft.id


def form_url(draft_id: str, attachment_id: str) -> str:
    return f"/ho-so/nhap/{draft_id}/to-khai/{attachment_id}.pdf"


def shown(answers: dict, key: str) -> str:
    return "/".join(reversed(answers[key].split("-")))


EXPECTED = {
    "to-khai-khai-sinh": lambda a: [
        "TỜ KHAI ĐĂNG KÝ KHAI SINH", "Kính gửi: Ủy ban nhân dân xã Văn Lăng, tỉnh Thái Nguyên",
        "Họ, chữ đệm, tên người yêu cầu: Nguyễn Thị Lan", "Họ, chữ đệm, tên: Trần Minh An",
        f"Ngày, tháng, năm sinh: {shown(a, 'tre.ngay_sinh')}", "Giới tính: Nam",
        "Nơi sinh: Trạm Y tế xã Văn Lăng", "Họ, chữ đệm, tên người cha: Trần Văn Hùng",
        a["me.so_dinh_danh"], a["cha.so_dinh_danh"], "(Ký, ghi rõ họ, chữ đệm, tên)",
    ],
    "to-khai-ct01": lambda a: [
        "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "Kính gửi: Công an xã Văn Lăng",
        "1. Họ, chữ đệm và tên: Trần Minh An", "Trần Văn Phúc", "Cháu",
        "Đăng ký thường trú tại Số 8, xóm Đồi", "0912345678", "Ý KIẾN CỦA CHỦ HỘ",
    ],
    "to-khai-tk1-ts": lambda a: [
        "THAM GIA, ĐIỀU CHỈNH THÔNG TIN BẢO HIỂM XÃ HỘI, BẢO HIỂM Y TẾ", "TRẦN MINH AN",
        f"[03]. Ngày, tháng, năm sinh: {shown(a, 'tre.ngay_sinh')}", "Trạm y tế xã Văn Lăng",
        "NGƯỜI KÊ KHAI",
    ],
    "to-khai-khai-tu": lambda a: [
        "TỜ KHAI ĐĂNG KÝ KHAI TỬ", "Họ, chữ đệm, tên người yêu cầu: Lê Văn Bình",
        "Quan hệ với người đã chết: Con", "Họ, chữ đệm, tên: Lê Văn Cường",
        f"08 giờ 30 phút, ngày {shown(a, 'tu-vong.ngay_mat')}", "Nguyên nhân chết: Bệnh già",
        a["nguoi-mat.so_dinh_danh"], "UBND xã Văn Lăng",
    ],
    "to-khai-tro-cap-mai-tang": lambda a: [
        "TỜ KHAI CỦA THÂN NHÂN", "Lê Văn Cường", "Đang hưởng lương hưu",
        "Nghĩa trang nhân dân xã Văn Lăng", "1234567890123", "Agribank",
    ],
    "to-khai-ho-tro-mai-tang": lambda a: [
        "TỜ KHAI ĐỀ NGHỊ HỖ TRỢ CHI PHÍ MAI TÁNG", "Lê Văn Bình", "Lê Văn Cường",
        "Người có công với cách mạng", f"{shown(a, 'an-tang.ngay_an_tang')}", "1234567890123",
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    "group_id, answers, attachment_id",
    [("khai-sinh", birth_answers, a) for a in BIRTH_FORMS]
    + [("khai-tu", valid_death_answers, a) for a in DEATH_FORMS],
)
def test_every_form_is_an_a4_pdf_whose_text_carries_the_answers(
    app, citizen_client, tmp_path, group_id, answers, attachment_id
):
    answers = answers()
    draft_id = make_draft(app, citizen_client.citizen_id, group_id, answers)
    response = citizen_client.get(form_url(draft_id, attachment_id))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert f'filename="{attachment_id}.pdf"' in response.headers["Content-Disposition"]
    text = pdf_text(response.data, tmp_path)
    for expected in EXPECTED[attachment_id](answers):
        assert expected in text, expected
    assert "Mã không chứa thông tin cá nhân" in text


def test_the_forms_follow_the_answers_the_server_holds(app, citizen_client, tmp_path):
    draft_id = make_draft(app, citizen_client.citizen_id, "khai-sinh", valid_birth_answers())
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        draft.answers = {**draft.answers, "tre.ten": "Khang"}
        db.session.commit()
    text = pdf_text(citizen_client.get(form_url(draft_id, "to-khai-khai-sinh")).data, tmp_path)
    assert "Trần Minh Khang" in text


def test_a_form_the_draft_does_not_ask_for_is_not_found(app, citizen_client):
    # The child lives with the parents: no CT01.
    draft_id = make_draft(app, citizen_client.citizen_id, "khai-sinh", valid_birth_answers())
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        asked = validation.attachments_for(draft.group_id, draft.procedure_ids, draft.answers)
    assert "to-khai-ct01" not in {a["id"] for a in asked}
    assert citizen_client.get(form_url(draft_id, "to-khai-ct01")).status_code == 404
    assert citizen_client.get(form_url(draft_id, "khong-co")).status_code == 404


def test_another_citizen_cannot_download_the_form(app, citizen_client):
    from tests.conftest import make_citizen

    draft_id = make_draft(app, citizen_client.citizen_id, "khai-sinh", valid_birth_answers())
    other = app.test_client()
    sign_in_as(app, other, citizen_id=make_citizen(app, phone="+84987654321"))
    response = other.get(form_url(draft_id, "to-khai-khai-sinh"))
    assert response.status_code == 404
    assert "Nguyễn Thị Lan" not in response.get_data(as_text=True)


def test_signed_out_visitors_are_sent_to_sign_in(app, citizen_client, client):
    draft_id = make_draft(app, citizen_client.citizen_id, "khai-sinh", valid_birth_answers())
    response = app.test_client().get(form_url(draft_id, "to-khai-khai-sinh"))
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_the_paper_token_is_made_once_and_kept(app, citizen_client):
    draft_id = make_draft(app, citizen_client.citizen_id, "khai-sinh", valid_birth_answers())
    response = citizen_client.get(form_url(draft_id, "to-khai-khai-sinh"))
    with app.app_context():
        first = db.session.get(Draft, draft_id).paper_token
    # Shown on the phone, for an officer to print the paper at the commune.
    assert response.headers["X-Paper-Code"] == f"{first[:4]}-{first[4:8]}-{first[8:]}"
    citizen_client.get(form_url(draft_id, "to-khai-tk1-ts"))
    with app.app_context():
        assert db.session.get(Draft, draft_id).paper_token == first
    assert first and len(first) == 12
