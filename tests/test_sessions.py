"""Citizens' sessions live on the server: a copied cookie dies with the session,
and the citizen sees and ends the devices signed in to the account."""

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select

from domain.devices import describe_device
from extensions import db
from models import Citizen, Passkey, UserSession
from models.base import utcnow
from tests.api.passkey_flow import register
from tests.conftest import Api, csrf_from, last_code, make_citizen
from tests.helpers import age_session, sign_in_as
from tests.test_auth import ask_for_code, enter_code, sign_out_token

PAGE = "/tai-khoan/thiet-bi"
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def browser(app, user_agent):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def signed_in_by_sms(app, user_agent=ANDROID_CHROME):
    client = browser(app, user_agent)
    ask_for_code(client)
    enter_code(client, last_code(app, "+84912345678"))
    assert client.get("/api/v1/dossiers").status_code == 200
    return client


def another_device(app, citizen_client, user_agent=IPHONE_SAFARI):
    """The same account signed in on another device (the SMS flow is tested above)."""
    client = browser(app, user_agent)
    sign_in_as(
        app, client, citizen_id=citizen_client.citizen_id, device=describe_device(user_agent)
    )
    return client


@pytest.fixture
def phone(app):
    client = signed_in_by_sms(app)
    with app.app_context():
        client.citizen_id = db.session.scalars(select(Citizen.id)).one()
    return client


def copy_of(app, client):
    """Another browser holding a copy of this one's cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_signing_out_ends_every_copy_of_the_cookie(app):
    client = signed_in_by_sms(app)
    thief = copy_of(app, client)
    assert thief.get("/api/v1/dossiers").status_code == 200
    client.post("/dang-nhap/dang-xuat", data={"csrf_token": sign_out_token(client)})
    # The API answers a JSON 401 (the app asks to sign in again), never a page.
    response = thief.get("/api/v1/dossiers")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"
    assert thief.get("/ho-so").headers["Location"] == "/dang-nhap/"


def answer_late(app, client, cookie: str, path: str) -> None:
    """A request the browser sent with an earlier `cookie` (a module of the page
    just left, the worker's update check) is answered now: whatever cookie the
    answer sets lands in the browser's jar, over the newer one."""
    late = app.test_client()
    late.set_cookie("session", cookie)
    with late.get(path) as response:
        for header in response.headers.getlist("Set-Cookie"):
            if header.startswith("session="):
                client.set_cookie("session", header.split(";", 1)[0].split("=", 1)[1])


@pytest.mark.parametrize("path", ["/static/js/api.js", "/service-worker.js", "/", "/ho-so"])
def test_an_answer_arriving_late_with_an_older_cookie_does_not_break_the_next_form(app, path):
    # Seen in CI: "Đăng xuất" tapped on "Hồ sơ của tôi" just after signing in
    # got "Phiên làm việc đã hết hạn": a static file requested by the previous
    # page, answered after "Hồ sơ của tôi", set the cookie it had been sent
    # with, which had no CSRF secret yet.
    client = browser(app, ANDROID_CHROME)
    ask_for_code(client)
    enter_code(client, last_code(app, "+84912345678"))
    just_signed_in = client.get_cookie("session").value
    token = sign_out_token(client)
    answer_late(app, client, just_signed_in, path)
    response = client.post("/dang-nhap/dang-xuat", data={"csrf_token": token})
    assert response.status_code in (302, 303)
    assert client.get("/ho-so").headers["Location"] == "/dang-nhap/"


def test_a_static_file_never_sets_the_session_cookie(phone):
    for path in ("/static/js/api.js", "/static/css/app.css", "/service-worker.js"):
        with phone.get(path) as response:
            assert response.status_code == 200
            assert not any(
                h.startswith("session=") for h in response.headers.getlist("Set-Cookie")
            ), path


def test_a_signed_cookie_without_a_server_session_opens_nothing(app, client):
    # What every cookie made before this change holds, and what a leaked
    # SECRET_KEY would let anyone write.
    with client.session_transaction() as session:
        session["citizen_id"] = make_citizen(app)
    assert client.get("/api/v1/dossiers").status_code == 401


def test_sign_in_with_a_passkey_starts_a_server_session_too(app):
    from tests.api.passkey_flow import sign_in_answer

    api = Api(signed_in_by_sms(app))
    key = register(api)
    stranger = Api(browser(app, IPHONE_SAFARI))
    answer = sign_in_answer(stranger, key)
    assert stranger.post("/passkeys/sign-in", json={"credential": answer}).status_code == 200
    page = stranger.client.get(PAGE).text
    assert "Safari trên iPhone (thiết bị này)" in page
    assert "Chrome trên Android" in page


def test_the_devices_page_lists_sessions_and_marks_this_device(app, phone):
    another_device(app, phone)
    page = phone.get(PAGE).text
    assert "Chrome trên Android (thiết bị này)" in page
    assert "Safari trên iPhone" in page and "Safari trên iPhone (thiết bị này)" not in page
    assert page.count("Hoạt động lần cuối lúc") == 2
    assert "Đăng xuất khỏi các thiết bị khác" in page
    assert "Thiết bị đang đăng nhập" in phone.get("/ho-so").text  # reached from there


def test_a_citizen_ends_one_other_device(app, phone):
    tablet = another_device(app, phone)
    page = phone.get(PAGE).text
    other = re.search(r'action="(/tai-khoan/thiet-bi/\d+/dang-xuat)"', page).group(1)
    # Without the form's token nothing happens.
    phone.post(other)
    assert tablet.get("/api/v1/dossiers").status_code == 200
    phone.post(other, data={"csrf_token": csrf_from(page)})
    assert tablet.get("/api/v1/dossiers").status_code == 401
    assert phone.get("/api/v1/dossiers").status_code == 200
    assert "Đã đăng xuất thiết bị đó" in phone.get(PAGE).text


def test_sign_out_of_the_other_devices_keeps_this_one(app, phone):
    others = [another_device(app, phone) for _ in range(2)]
    token = csrf_from(phone.get(PAGE).text)
    phone.post(f"{PAGE}/dang-xuat-cac-thiet-bi-khac", data={"csrf_token": token})
    assert [o.get("/api/v1/dossiers").status_code for o in others] == [401, 401]
    assert phone.get("/api/v1/dossiers").status_code == 200
    assert "Đã đăng xuất 2 thiết bị khác" in phone.get(PAGE).text


def test_this_device_is_not_ended_from_the_list(app, citizen_client):
    here = db_session_ids(app, citizen_client.citizen_id)[0]
    token = citizen_client.get("/api/v1/csrf-token").get_json()["token"]
    citizen_client.post(f"{PAGE}/{here}/dang-xuat", data={"csrf_token": token})
    assert citizen_client.get("/api/v1/dossiers").status_code == 200
    assert "thiết bị bạn đang dùng" in citizen_client.get(PAGE).text


def test_removing_a_passkey_ends_the_other_sessions_but_not_this_one(app, phone):
    tablet = another_device(app, phone)
    register(Api(phone))  # adding one is a credential change too
    assert tablet.get("/api/v1/dossiers").status_code == 401
    assert phone.get("/api/v1/dossiers").status_code == 200
    tablet = another_device(app, phone)
    with app.app_context():
        passkey_id = db.session.scalars(select(Passkey.id)).one()
    token = csrf_from(phone.get("/tai-khoan/khoa-dang-nhap").text)
    phone.post(f"/tai-khoan/khoa-dang-nhap/{passkey_id}/xoa", data={"csrf_token": token})
    assert tablet.get("/api/v1/dossiers").status_code == 401
    assert phone.get("/api/v1/dossiers").status_code == 200


def test_a_session_unused_for_the_cookies_lifetime_is_over_on_the_server_too(app):
    client = app.test_client()
    citizen_id = make_citizen(app)
    row = sign_in_as(app, client, citizen_id=citizen_id)
    age_session(app, row, hours=24 * 40, idle_minutes=31 * 24 * 60)  # SESSION_DAYS: 30
    assert client.get("/api/v1/dossiers").status_code == 401


def test_last_seen_is_written_at_most_once_a_minute_even_on_reading_requests(app):
    client = app.test_client()
    row_id = sign_in_as(app, client, citizen_id=make_citizen(app))

    def last_seen():
        with app.app_context():
            return db.session.get(UserSession, row_id).last_seen_at

    age_session(app, row_id, hours=1, idle_minutes=0.5)
    before = last_seen()
    assert client.get("/api/v1/dossiers").status_code == 200
    assert last_seen() == before  # 30 seconds ago: not worth a write
    age_session(app, row_id, hours=1, idle_minutes=5)
    assert client.get("/api/v1/dossiers").status_code == 200
    assert utcnow() - last_seen() < timedelta(minutes=1)


def test_a_writing_request_carries_the_last_seen_time_in_its_own_commit(app):
    # A submit or an autosave a minute after the citizen's last request: the
    # session's last-seen time goes with the request's own commit (one fsync),
    # not in a second transaction after it.
    from sqlalchemy import event

    from tests.helpers import new_draft_id

    api = Api(app.test_client())
    row_id = sign_in_as(app, api.client, citizen_id=make_citizen(app))
    api._headers()  # the CSRF token first: a request of its own
    age_session(app, row_id, hours=1, idle_minutes=5)
    with app.app_context():
        engine = db.engine
    commits = []

    def count(_connection):
        commits.append(1)

    event.listen(engine, "commit", count)
    try:
        body = {"commune_code": "05665", "group_id": "khai-sinh", "answers": {}}
        response = api.put(f"/drafts/{new_draft_id()}", json=body)
    finally:
        event.remove(engine, "commit", count)
    assert response.status_code == 201, response.get_json()
    assert len(commits) == 1
    with app.app_context():
        assert utcnow() - db.session.get(UserSession, row_id).last_seen_at < timedelta(minutes=1)


def test_a_refused_write_still_records_the_last_seen_time(app):
    # The view's transaction rolled back: the teardown writes the time alone.
    api = Api(app.test_client())
    row_id = sign_in_as(app, api.client, citizen_id=make_citizen(app))
    api._headers()
    age_session(app, row_id, hours=1, idle_minutes=5)
    response = api.put("/drafts/not-a-uuid", json={"commune_code": "99999"})
    assert 400 <= response.status_code < 500
    with app.app_context():
        assert utcnow() - db.session.get(UserSession, row_id).last_seen_at < timedelta(minutes=1)


def test_the_cookie_still_slides_for_30_days_while_the_citizen_comes_back(app):
    client = app.test_client()
    row_id = sign_in_as(app, client, citizen_id=make_citizen(app))

    def cookie_set_by(path):
        with client.get(path) as response:
            assert response.status_code == 200
            return [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]

    cookie_set_by("/ho-so")  # the first page since signing in
    age_session(app, row_id, hours=1, idle_minutes=0.5)
    assert cookie_set_by("/ho-so") == []  # nothing changed: nothing to send back
    age_session(app, row_id, hours=24 * 20, idle_minutes=5)
    (renewed,) = cookie_set_by("/ho-so")
    expires = re.search(r"Expires=([^;]+)", renewed).group(1)
    left = parsedate_to_datetime(expires) - datetime.now(UTC)
    assert left > timedelta(days=29)


def test_an_ended_session_is_not_listed(app, phone):
    tablet = another_device(app, phone)
    tablet.post("/dang-nhap/dang-xuat", data={"csrf_token": sign_out_token(tablet)})
    assert "Safari trên iPhone" not in phone.get(PAGE).text


def test_the_page_needs_signing_in(client):
    assert client.get(PAGE).headers["Location"] == "/dang-nhap/"


def db_session_ids(app, citizen_id):
    with app.app_context():
        return list(
            db.session.scalars(select(UserSession.id).where(UserSession.citizen_id == citizen_id))
        )


def test_devices_are_described_shortly_without_the_full_user_agent():
    assert describe_device(ANDROID_CHROME) == "Chrome trên Android"
    assert describe_device(IPHONE_SAFARI) == "Safari trên iPhone"
    zalo = ANDROID_CHROME + " Zalo/23.09.01"
    assert describe_device(zalo) == "Zalo trên Android"
    assert describe_device("") == "Thiết bị không rõ"


def test_no_phone_number_is_stored_with_a_session(app):
    signed_in_by_sms(app)
    with app.app_context():
        row = db.session.scalars(select(UserSession)).one()
        citizen = db.session.get(Citizen, row.citizen_id)
        values = [str(getattr(row, c.key)) for c in UserSession.__table__.columns]
        assert not any(citizen.phone in v or "912345678" in v for v in values)
