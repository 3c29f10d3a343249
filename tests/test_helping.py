"""The "giúp người dân" mode on the citizen's own phone: the helper turns it on
without signing in; the next dossier records the helper's role, and only that;
the mode ends with that dossier or the citizen's sign-out."""

import re

from extensions import db
from models import Dossier
from tests.api.flow import complete_draft, confirmation_code
from tests.office.helpers import officer_client

PAGE = "/x/05665/giup"


def turn_on(client, role="truong-thon"):
    page = client.get(PAGE)
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post(PAGE, data={"csrf_token": token, "vai_tro": role})


def submit(api, app):
    draft_id = complete_draft(api)
    return api.post("/dossiers", json={
        "draft_id": draft_id, "idempotency_key": "h" * 32,
        "confirmation_code": confirmation_code(api, app, draft_id),
    })  # fmt: skip


def test_the_landing_page_offers_the_mode_and_says_what_it_keeps(client):
    assert PAGE in client.get("/x/05665").text
    page = client.get(PAGE).text
    assert "không dùng tài khoản của bạn" in page
    assert "Hồ sơ chỉ ghi vai trò của người giúp" in page


def test_the_next_dossier_records_the_helpers_role_and_nothing_else(app, api):
    response = turn_on(api.client)
    assert response.status_code == 302
    assert "Đang bật chế độ giúp người dân" in api.client.get(PAGE).text
    filed = submit(api, app)
    assert filed.status_code == 201, filed.get_json()
    assert "giup=;" in filed.headers.get("Set-Cookie", "")  # the mode ends with it
    with app.app_context():
        dossier = db.session.scalars(db.select(Dossier)).one()
        first = dossier.events[0]
        assert first.actor == "citizen"
        assert first.changes["helped_by"] == "truong-thon"
        assert "có người giúp: trưởng thôn" in first.note
        code = dossier.code
    page = officer_client(app, "tu-phap").get(f"/can-bo/ho-so/{code}").text
    assert "Người giúp khai trên điện thoại của công dân: Trưởng thôn" in page
    timeline = api.get(f"/dossiers/{code}").get_json()
    assert "có người giúp" in timeline["events"][0]["note"]


def test_without_the_mode_nothing_is_recorded(app, api):
    assert submit(api, app).status_code == 201
    with app.app_context():
        first = db.session.scalars(db.select(Dossier)).one().events[0]
        assert "helped_by" not in (first.changes or {})


def test_an_unknown_role_is_refused_with_what_to_do(client):
    response = turn_on(client, role="giam-doc")
    assert response.status_code == 400
    assert "Hãy chọn bạn là ai" in response.text
    assert "giup=" not in response.headers.get("Set-Cookie", "")


def test_signing_out_ends_the_mode(app, api):
    turn_on(api.client)
    page = api.client.get(PAGE).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = api.client.post("/dang-nhap/dang-xuat", data={"csrf_token": token})
    assert "giup=;" in response.headers.get("Set-Cookie", "") or any(
        c.startswith("giup=;") for c in response.headers.getlist("Set-Cookie")
    )
