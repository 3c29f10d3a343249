"""Forms that fill themselves from what VNeID vouched for, and an office that sees it."""

import html
import json
import re

from domain import validation
from extensions import db
from models import Dossier
from tests.api.flow import group, upload_page
from tests.conftest import Api, last_code
from tests.domain.sample_answers import valid_birth_answers
from tests.helpers import new_draft_id
from tests.office.helpers import officer_client
from tests.oidc import sign_in

MOTHER = {  # the test provider's account "me"
    "nguoi-yeu-cau.ho_ten": "Trần Thị Bình",
    "nguoi-yeu-cau.so_dinh_danh": "019195004321",
    "nguoi-yeu-cau.dien_thoai": "0987654321",
    "me.ho_ten": "Trần Thị Bình",
    "me.ngay_sinh": "1995-03-08",
    "me.so_dinh_danh": "019195004321",
    # The residence too, as the provider gave it ("Xóm Hòa Bình, xã Văn Lăng, ...").
    "nguoi-yeu-cau.noi_cu_tru_xa": "05665",
    "nguoi-yeu-cau.noi_cu_tru_dia_chi": "Xóm Hòa Bình",
    "me.noi_cu_tru_xa": "05665",
    "me.noi_cu_tru_dia_chi": "Xóm Hòa Bình",
}


def _draft(api, answers: dict) -> str:
    procedures = group("khai-sinh")["procedures"]
    answers = validation.clean_answers("khai-sinh", procedures, answers)
    draft_id = new_draft_id()
    made = api.put(f"/drafts/{draft_id}", json={
        "commune_code": "05665", "group_id": "khai-sinh", "procedure_ids": procedures,
        "answers": answers,
    })  # fmt: skip
    assert made.status_code == 201, made.get_json()
    for attachment in validation.attachments_for("khai-sinh", procedures, answers):
        if attachment.get("required"):
            assert upload_page(api, draft_id, attachment["id"]).status_code == 201
    return draft_id


def _submit(app, api, draft_id: str):
    assert api.post(f"/drafts/{draft_id}/confirmation-code").status_code == 200
    code = last_code(app, "+84987654321")  # the phone the e-ID vouched for
    return api.post("/dossiers", json={
        "draft_id": draft_id, "idempotency_key": new_draft_id(), "confirmation_code": code,
    })  # fmt: skip


def test_the_wizard_gets_the_vouched_values_to_fill(client):
    sign_in(client, "me")
    page = client.get("/ho-so/moi?xa=05665&nhom=khai-sinh")
    vouched = json.loads(html.unescape(re.search(r'data-vouched="([^"]*)"', page.text).group(1)))
    assert vouched["nguoi-yeu-cau.ho_ten"] == {
        "value": "Trần Thị Bình", "change": "fixed", "parent": "nguoi-yeu-cau",
    }  # fmt: skip
    assert vouched["me.so_dinh_danh"]["value"] == "019195004321"


def test_a_dossier_with_a_changed_vouched_name_is_refused(app, client):
    sign_in(client, "me")
    api = Api(client)
    answers = {**valid_birth_answers(), **MOTHER, "nguoi-yeu-cau.ho_ten": "Trần Thị Bính"}
    draft_id = _draft(api, answers)
    check = api.post(f"/drafts/{draft_id}/check").get_json()
    assert not check["ok"] and "VNeID" in check["fields"]["nguoi-yeu-cau.ho_ten"]
    refused = api.post(f"/drafts/{draft_id}/confirmation-code")
    assert refused.status_code == 422


def test_a_filed_dossier_says_which_values_came_from_the_identity(app, client):
    sign_in(client, "me")
    api = Api(client)
    draft_id = _draft(api, {**valid_birth_answers(), **MOTHER})
    filed = _submit(app, api, draft_id)
    assert filed.status_code == 201, filed.get_json()
    code = filed.get_json()["code"]
    with app.app_context():
        dossier = db.session.scalars(db.select(Dossier).where(Dossier.code == code)).one()
        assert set(dossier.vouched) == set(MOTHER)
    office = officer_client(app, "tu-phap")
    page = office.get(f"/can-bo/ho-so/{code}")
    assert page.status_code == 200
    assert page.text.count("Từ VNeID") == len(MOTHER)


def test_an_identity_without_a_phone_is_told_how_to_confirm(app, client):
    sign_in(client, "khongso")
    api = Api(client)
    answers = {
        **valid_birth_answers(),
        "nguoi-yeu-cau.ho_ten": "Phạm Văn Dũng",
        "nguoi-yeu-cau.so_dinh_danh": "019200001111",
        "tre.quan_he_nguoi_yeu_cau": "cha",  # so the father's section is his, as vouched
        "cha.ho_ten": "Phạm Văn Dũng",
        "cha.ngay_sinh": "2000-01-01",
        "cha.so_dinh_danh": "019200001111",
        "nguoi-yeu-cau.noi_cu_tru_dia_chi": "Xóm Làng Mới",  # as vouched
        "cha.noi_cu_tru_dia_chi": "Xóm Làng Mới",
    }
    draft_id = _draft(api, answers)
    refused = api.post(f"/drafts/{draft_id}/confirmation-code")
    assert refused.status_code == 409
    assert "chưa có số điện thoại" in refused.get_json()["error"]["message"]


def test_a_changed_residence_needs_a_reason_and_the_office_sees_it(app, client):
    sign_in(client, "me")
    api = Api(client)
    moved = {**MOTHER, "nguoi-yeu-cau.noi_cu_tru_dia_chi": "Số 5, thôn Mới",
             "me.noi_cu_tru_dia_chi": "Số 5, thôn Mới"}  # fmt: skip
    draft_id = _draft(api, {**valid_birth_answers(), **moved})
    check = api.post(f"/drafts/{draft_id}/check").get_json()
    assert not check["ok"]
    assert "lý do" in check["fields"]["nguoi-yeu-cau.ly_do_sua"]
    assert api.post(f"/drafts/{draft_id}/confirmation-code").status_code == 422

    reason = "Tôi đã chuyển đến thôn Mới từ tháng 1"
    draft_id = _draft(api, {**valid_birth_answers(), **moved, "nguoi-yeu-cau.ly_do_sua": reason})
    filed = _submit(app, api, draft_id)
    assert filed.status_code == 201, filed.get_json()
    code = filed.get_json()["code"]
    with app.app_context():
        dossier = db.session.scalars(db.select(Dossier).where(Dossier.code == code)).one()
        assert dossier.vouched["nguoi-yeu-cau.noi_cu_tru_dia_chi"]["vouched"] == "Xóm Hòa Bình"
        assert dossier.vouched["me.noi_cu_tru_dia_chi"]["reason"] == reason
    page = officer_client(app, "tu-phap").get(f"/can-bo/ho-so/{code}").text
    assert page.count("Công dân đã sửa") == 2
    assert "VNeID ghi: Xóm Hòa Bình. Lý do sửa: " + reason in html.unescape(page)
    assert page.count("Từ VNeID") == len(MOTHER) - 2
