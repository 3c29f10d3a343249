"""Where the province allows it, the citizen's confirmation at submit stands for
the signature: the photo step goes, and the office sees how each form was signed."""

import subprocess

import pytest

from app import create_app
from extensions import db
from models import Dossier
from tests import conftest
from tests.api.flow import confirmation_code, upload_page
from tests.api.test_submit import submit
from tests.domain.sample_answers import valid_birth_answers
from tests.helpers import new_draft_id
from tests.office.helpers import officer_client


def draft_without_the_signed_form(api) -> str:
    draft_id = new_draft_id()
    response = api.put(
        f"/drafts/{draft_id}",
        json={
            "commune_code": "05665",
            "group_id": "khai-sinh",
            "procedure_ids": ["dang-ky-khai-sinh", "cap-the-bhyt"],
            "answers": valid_birth_answers(),
        },
    )
    assert response.status_code == 201
    assert upload_page(api, draft_id, "giay-chung-sinh").status_code == 201
    assert upload_page(api, draft_id, "to-khai-tk1-ts").status_code == 201
    return draft_id


@pytest.fixture
def electronic(app):
    app.config["ELECTRONIC_DECLARATION"] = "19:dang-ky-khai-sinh"
    return app


def test_by_default_the_signed_birth_declaration_is_required(app, api):
    draft_id = draft_without_the_signed_form(api)
    result = api.post(f"/drafts/{draft_id}/check").get_json()
    assert not result["ok"]
    assert [m["id"] for m in result["missing_attachments"]] == ["to-khai-khai-sinh"]


def test_where_the_province_allows_it_the_draft_is_complete_without_the_photo(electronic, api):
    draft_id = draft_without_the_signed_form(api)
    assert api.post(f"/drafts/{draft_id}/check").get_json()["ok"]
    # ...and there is no paper to print for it.
    assert (
        api.client.get(f"/ho-so/nhap/{draft_id}/to-khai/to-khai-khai-sinh.pdf").status_code == 404
    )
    assert api.client.get(f"/ho-so/nhap/{draft_id}/to-khai/to-khai-tk1-ts.pdf").status_code == 200


def test_the_wizard_is_told_which_photo_steps_disappear(electronic, api):
    draft_id = draft_without_the_signed_form(api)
    page = api.client.get(f"/ho-so/nhap/{draft_id}").get_data(as_text=True)
    assert 'data-electronic="dang-ky-khai-sinh"' in page


def test_another_province_still_asks_for_the_signed_paper(app, api):
    app.config["ELECTRONIC_DECLARATION"] = "20:dang-ky-khai-sinh"
    draft_id = draft_without_the_signed_form(api)
    assert not api.post(f"/drafts/{draft_id}/check").get_json()["ok"]


def test_the_office_sees_the_declaration_was_confirmed_by_sms(electronic, api):
    draft_id = draft_without_the_signed_form(api)
    response = submit(api, draft_id, confirmation_code(api, electronic, draft_id))
    assert response.status_code == 201, response.get_json()
    code = response.get_json()["code"]
    page = officer_client(electronic, "tu-phap").get(f"/can-bo/ho-so/{code}")
    text = page.get_data(as_text=True)
    assert "Tờ khai đăng ký khai sinh" in text
    assert "Xác nhận điện tử khi nộp bằng mã SMS" in text
    # The insurance form was signed on paper as usual.
    assert "Ký trên tờ khai giấy (ảnh tờ khai đã ký)" in text
    sheet = officer_client(electronic, "tu-phap").get(f"/can-bo/ho-so/{code}/phieu/kiem-soat.pdf")
    printed = subprocess.run(["pdftotext", "-", "-"], input=sheet.data, capture_output=True,
                             check=True).stdout.decode()  # fmt: skip
    signed = (
        "xác nhận điện tử khi nộp bằng mã SMS gửi đến số điện thoại của người yêu cầu, thay chữ ký"
    )
    assert signed in " ".join(printed.split())
    with electronic.app_context():
        dossier = db.session.scalars(db.select(Dossier).where(Dossier.code == code)).one()
        assert dossier.events[0].changes == {
            "declaration": {"method": "sms", "electronic": ["dang-ky-khai-sinh"]}
        }


def test_a_paper_dossier_says_so_on_the_control_sheet(app, api):
    from tests.api.flow import complete_draft

    draft_id = complete_draft(api)
    code = submit(api, draft_id, confirmation_code(api, app, draft_id)).get_json()["code"]
    text = officer_client(app, "tu-phap").get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    assert "Xác nhận điện tử" not in text
    assert text.count("Ký trên tờ khai giấy (ảnh tờ khai đã ký)") == 2  # birth, health card


def test_a_mistyped_setting_stops_the_start(tmp_path, template_db):
    config = conftest.test_config(tmp_path, template_db)
    config["ELECTRONIC_DECLARATION"] = "19:dang-ky-khai-snh"
    with pytest.raises(ValueError, match="ELECTRONIC_DECLARATION"):
        create_app(config)
