"""Headers every response carries, HTTPS behind a proxy, and fresh sessions at sign-in."""

import re

import pytest

from tests.conftest import csrf_from, last_code
from tests.office.helpers import PASSWORD, create_officer, csrf_of

PAGES = ["/", "/x/05665", "/theo-doi", "/dang-nhap/so-dien-thoai", "/can-bo/dang-nhap"]
ALLOWED_SOURCES = {"'self'", "'none'", "blob:", "data:"}


def directives(csp: str) -> dict[str, list[str]]:
    parts = [p.split() for p in csp.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def session_cookie_header(response) -> str:
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert cookies, "no session cookie was set"
    return cookies[-1]


@pytest.mark.parametrize("path", PAGES + ["/api/v1/catalog", "/static/js/rules.js"])
def test_the_csp_allows_only_the_site_itself_and_no_inline_code(client, path):
    with client.get(path) as response:  # a static file streams: close it
        csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    found = directives(csp)
    assert found["frame-ancestors"] == ["'none'"]
    assert found["object-src"] == ["'none'"]
    for name, sources in found.items():
        assert set(sources) <= ALLOWED_SOURCES, f"{name} allows {sources}"


def test_pages_carry_no_inline_script_or_style_the_csp_would_block(client):
    for path in PAGES:
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\sstyle=\"", html), path
        assert not re.search(r"\son[a-z]+=\"", html), path


def test_referrer_camera_and_framing_policies_are_set(client):
    headers = client.get("/x/05665").headers
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=(self)" in headers["Permissions-Policy"]
    assert "microphone=()" in headers["Permissions-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_plain_http_gets_no_hsts_and_an_httponly_samesite_cookie_without_secure(client):
    response = client.get("/dang-nhap/so-dien-thoai")
    assert "Strict-Transport-Security" not in response.headers
    cookie = session_cookie_header(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_a_forwarded_proto_is_ignored_unless_the_proxy_is_trusted(client):
    response = client.get("/dang-nhap/so-dien-thoai", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in session_cookie_header(response)


@pytest.fixture
def proxied_app(app):
    from services.web import init_proxy

    app.config["TRUST_PROXY"] = 1
    init_proxy(app)
    return app


def test_behind_a_trusted_https_proxy_hsts_and_secure_cookies_are_sent(proxied_app):
    client = proxied_app.test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    response = client.get("/dang-nhap/so-dien-thoai", headers=forwarded)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = session_cookie_header(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_trusted_proxy_still_serves_plain_http_without_hsts(proxied_app):
    response = proxied_app.test_client().get("/dang-nhap/so-dien-thoai")
    assert "Strict-Transport-Security" not in response.headers


def test_citizen_sign_in_starts_a_new_session_and_the_old_one_stays_signed_out(client, app):
    page = client.get("/dang-nhap/so-dien-thoai")
    before = client.get_cookie("session").value
    client.post(
        "/dang-nhap/so-dien-thoai",
        data={"phone": "0912 345 678", "csrf_token": csrf_from(page.text)},
    )
    planted = client.get_cookie("session").value  # what a fixation attacker would hold
    code_page = client.get("/dang-nhap/nhap-ma")
    old_token = csrf_from(code_page.text)
    response = client.post(
        "/dang-nhap/nhap-ma", data={"code": last_code(app, "+84912345678"), "csrf_token": old_token}
    )
    assert response.status_code == 302
    after = client.get_cookie("session").value
    assert after not in (before, planted)
    assert client.get("/api/v1/dossiers").status_code == 200

    attacker = app.test_client()
    attacker.set_cookie("session", planted)
    assert attacker.get("/api/v1/dossiers").status_code == 401
    # The CSRF token of the session before sign-in is no longer accepted.
    refused = client.post(
        "/dang-nhap/dang-xuat", data={"csrf_token": old_token}, follow_redirects=False
    )
    assert refused.status_code == 400


def test_officer_sign_in_starts_a_new_session_without_what_was_there_before(client, app):
    with app.app_context():
        create_officer("tu-phap")
    with client.session_transaction() as session:
        session["citizen_id"] = 12345
        session["planted"] = "by an attacker"
    page = client.get("/can-bo/dang-nhap")
    response = client.post(
        "/can-bo/dang-nhap",
        data={"username": "tu-phap-05665", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session and "citizen_id" not in session
        assert session["officer_id"]


def test_a_view_that_writes_the_session_while_marked_sessionless_fails_loudly():
    from services.web import UnusedSession

    session = UnusedSession()
    with pytest.raises(RuntimeError, match="sessionless"):
        session["citizen_id"] = 1
    with pytest.raises(RuntimeError):
        session.update(citizen_id=1)
    assert not session.modified
