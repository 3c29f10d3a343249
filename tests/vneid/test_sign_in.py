"""Sign-in with VNeID against a real OpenID provider on loopback (tests/oidc.py)."""

import logging
from urllib.parse import parse_qs, urlencode, urlsplit

from sqlalchemy import func, select

from app import create_app
from extensions import db
from models import Citizen, Dossier, VneidIdentity
from services.dossiers.submission import create_dossier
from tests import databases
from tests.conftest import test_config as config_for
from tests.helpers import sign_in_as
from tests.office.helpers import add_complete_draft
from tests.oidc import sign_in, sign_in_at_provider, start

LEVEL_1 = "Tài khoản định danh mức 1 chưa nộp được hồ sơ này"


def test_unset_issuer_shows_vneid_as_not_connected(template_db, tmp_path):
    uri = databases.copy_of(template_db, tmp_path)
    bare = create_app(config_for(tmp_path, uri))
    page = bare.test_client().get("/dang-nhap/vneid")
    assert "chưa được kết nối" in page.text
    assert bare.test_client().get("/dang-nhap/vneid/bat-dau").status_code == 302
    with bare.app_context():
        db.engine.dispose()
    databases.drop(uri)


def test_the_authorization_request_uses_pkce_state_and_nonce(client):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"][0] and query["state"][0] and query["nonce"][0]
    assert query["response_type"] == ["code"]


def test_the_return_address_is_the_public_one_whatever_the_host_header(make_app):
    client = make_app(PUBLIC_BASE_URL="https://dichvucong.example.vn/").test_client()
    location = start(client)
    assert parse_qs(urlsplit(location).query)["redirect_uri"] == [
        "https://dichvucong.example.vn/dang-nhap/vneid/ve"
    ]


def test_a_level_2_citizen_signs_in_keyed_on_the_personal_id_number(app, client):
    answer, _ = sign_in(client)
    assert answer.status_code == 302
    home = client.get("/ho-so")
    assert "Tài khoản VNeID của Nguyễn Văn An" in home.text
    with app.app_context():
        row = db.session.scalars(select(VneidIdentity)).one()
        assert row.personal_id == "019090001234"
        assert row.phone == "+84912345678" and row.sex == "nam"
        assert str(row.birth_date) == "1990-05-12" and row.vouched_at is not None
        assert db.session.get(Citizen, row.citizen_id).phone is None  # no phone account


def test_signing_in_again_is_the_same_citizen(app, make_app):
    first, second = app.test_client(), app.test_client()
    sign_in(first)
    sign_in(second)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Citizen)) == 1


def test_a_level_1_account_is_refused_with_what_to_do(app, client, caplog):
    with caplog.at_level(logging.WARNING):
        answer, _ = sign_in(client, "muc1")
    assert answer.status_code == 403
    assert LEVEL_1 in answer.text and "mức 2 tại công an xã" in answer.text
    assert client.get("/ho-so").status_code == 302  # not signed in
    assert "019088007777" not in caplog.text and "Lê Văn Cường" not in caplog.text


def test_a_tampered_state_is_refused(client, caplog):
    callback = sign_in_at_provider(start(client), "muc2")
    parts = urlsplit(callback)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["state"] = query["state"][:-2] + "xx"
    with caplog.at_level(logging.WARNING):
        answer = client.get(f"{parts.path}?{urlencode(query)}")
    assert answer.status_code == 400
    assert "Hãy bắt đầu đăng nhập lại" in answer.text and "số điện thoại" in answer.text
    assert "state unknown" in caplog.text
    assert query["code"] not in caplog.text


def test_a_replayed_callback_is_refused(client):
    answer, callback = sign_in(client)
    assert answer.status_code == 302
    parts = urlsplit(callback)
    again = client.get(f"{parts.path}?{parts.query}")
    assert again.status_code == 400 and "đã được dùng" in again.text


def test_a_replayed_code_with_a_fresh_state_is_refused_by_the_provider(app, client, caplog):
    _, callback = sign_in(client)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    other = app.test_client()
    fresh_state = parse_qs(urlsplit(start(other)).query)["state"][0]
    with caplog.at_level(logging.WARNING):
        answer = other.get(f"/dang-nhap/vneid/ve?{urlencode({'code': code, 'state': fresh_state})}")
    assert answer.status_code == 400
    assert "invalid_grant" in caplog.text


def test_cancelling_at_the_provider_says_so(client):
    callback = sign_in_at_provider(start(client), "muc2", cancel=True)
    parts = urlsplit(callback)
    answer = client.get(f"{parts.path}?{parts.query}")
    assert answer.status_code == 400 and "đã bị hủy" in answer.text


def test_the_provider_down_at_the_start(provider, client, caplog):
    provider.stop()
    with caplog.at_level(logging.WARNING):
        answer = client.get("/dang-nhap/vneid/bat-dau")
    assert answer.status_code == 502
    assert "đang không trả lời" in answer.text and "số điện thoại" in answer.text
    assert "down" in caplog.text


def test_the_provider_stopped_mid_flow(provider, client):
    callback = sign_in_at_provider(start(client), "muc2")
    provider.stop()
    parts = urlsplit(callback)
    answer = client.get(f"{parts.path}?{parts.query}")
    assert answer.status_code == 502 and "đang không trả lời" in answer.text


def test_a_slow_provider_is_given_up_on(provider, client):
    callback = sign_in_at_provider(start(client), "muc2")
    provider.control(delay_ms=4000)  # the app waits VNEID_TIMEOUT_SECONDS=2
    parts = urlsplit(callback)
    answer = client.get(f"{parts.path}?{parts.query}")
    assert answer.status_code == 502 and "quá chậm" in answer.text


def test_a_provider_error_at_the_token_endpoint(provider, client):
    callback = sign_in_at_provider(start(client), "muc2")
    provider.control(fail="token")
    parts = urlsplit(callback)
    answer = client.get(f"{parts.path}?{parts.query}")
    assert answer.status_code == 502 and "báo lỗi" in answer.text


def test_a_rotated_signing_key_is_fetched_again(provider, app, client):
    sign_in(client)  # keys of the first key set now cached by the client
    provider.rotate()
    answer, _ = sign_in(app.test_client())
    assert answer.status_code == 302


def test_private_key_jwt_client_authentication(make_app, rp_key, provider):
    app = make_app(**provider.app_config("private_key_jwt", str(rp_key)))
    answer, _ = sign_in(app.test_client())
    assert answer.status_code == 302


def test_signing_out_signs_out_at_the_provider_too(provider, client):
    sign_in(client)
    page = client.get("/ho-so")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = client.post("/dang-nhap/dang-xuat", data={"csrf_token": token})
    location = answer.headers["Location"]
    assert location.startswith(f"{provider.issuer}/session/end")
    assert "client_id=rp-secret" in location and "post_logout_redirect_uri" in location
    assert client.get("/ho-so").status_code == 302


def test_linking_a_phone_account_gives_one_list_of_dossiers(app, client):
    vneid_browser = app.test_client()
    sign_in(vneid_browser)
    with app.app_context():
        phone_citizen = Citizen(phone="+84900000001")
        db.session.add(phone_citizen)
        db.session.commit()
        phone_id = phone_citizen.id
        vneid_id = db.session.scalars(select(VneidIdentity)).one().citizen_id
        draft = add_complete_draft(vneid_id)
        db.session.commit()
        create_dossier(vneid_id, draft, "once")
    sign_in_as(app, client, citizen_id=phone_id)
    page = client.get("/ho-so")
    token = page.text.split('name="csrf_token" value="')[-1].split('"')[0]
    answer = client.post("/dang-nhap/vneid/lien-ket", data={"csrf_token": token})
    callback = sign_in_at_provider(answer.headers["Location"], "muc2")
    parts = urlsplit(callback)
    done = client.get(f"{parts.path}?{parts.query}", follow_redirects=True)
    assert "Đã liên kết tài khoản VNeID" in done.text
    with app.app_context():
        assert db.session.scalars(select(Dossier.citizen_id)).all() == [phone_id]
        assert db.session.get(Citizen, vneid_id) is None
    # The e-ID now signs in to the phone account.
    again = app.test_client()
    sign_in(again)
    page = again.get("/ho-so").text
    assert "Tài khoản VNeID của Nguyễn Văn An" in page and "Tài khoản 090****001" in page


def test_a_matching_phone_number_links_nothing(app, client):
    with app.app_context():
        db.session.add(Citizen(phone="+84912345678"))  # the e-ID's vouched phone
        db.session.commit()
    sign_in(client)
    with app.app_context():
        row = db.session.scalars(select(VneidIdentity)).one()
        assert db.session.get(Citizen, row.citizen_id).phone is None


def test_a_tampered_state_leaves_the_real_answer_usable(client):
    callback = sign_in_at_provider(start(client), "muc2")
    parts = urlsplit(callback)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    tampered = client.get(f"{parts.path}?{urlencode({**query, 'state': 'x' + query['state']})}")
    assert tampered.status_code == 400
    assert client.get(f"{parts.path}?{parts.query}").status_code == 302
