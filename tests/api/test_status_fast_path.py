"""The kept status answer sent below Flask (blueprints/api/status_fast_path.py)
is the answer Flask sends, byte for byte, and everything else still reaches Flask."""

import gzip
import json
from functools import wraps

import pytest
from prometheus_client.parser import text_string_to_metric_families

from extensions import db
from tests.office.helpers import create_submitted_dossier

STATUS = "/api/v1/status"


@pytest.fixture
def code(app):
    with app.app_context():
        return create_submitted_dossier(email=None)


def _lookup(client, body, **kw):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    kw.setdefault("content_type", "application/json")
    return client.post(STATUS, data=data, **kw)


def _both_ways(app, client, body, **kw):
    """(answer of the fast path, answer of Flask) for the same request, the answer kept."""
    calls = _count_view_calls(app)
    app.config["STATUS_FAST_PATH"] = False
    _lookup(client, body, **kw)  # Flask builds and keeps the answer
    app.config["STATUS_FAST_PATH"] = True
    fast = _lookup(client, body, **kw)
    assert len(calls) == 1  # the fast path answered, not Flask's view
    app.config["STATUS_FAST_PATH"] = False
    full = _lookup(client, body, **kw)
    assert len(calls) == 2
    app.config["STATUS_FAST_PATH"] = True
    return fast, full


def _count_view_calls(app) -> list:
    """A list that grows by one each time Flask's lookup view runs."""
    calls = []
    view = app.view_functions["api.status_lookup"]

    @wraps(view)  # the same name: still exempt from CSRF, as the real view
    def counted():
        calls.append(True)
        return view()

    app.view_functions["api.status_lookup"] = counted
    return calls


def _original_view(app):
    view = app.view_functions["api.status_lookup"]
    return getattr(view, "original", view)


def _served_below_flask(app):
    """Make Flask's lookup view fail loudly: only the fast path can answer 200."""

    view = app.view_functions["api.status_lookup"]

    @wraps(view)  # the same name: still exempt from CSRF, as the real view
    def view_not_expected():
        raise AssertionError("Flask's view ran")

    view_not_expected.original = view

    app.view_functions["api.status_lookup"] = view_not_expected


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"headers": {"Accept-Encoding": "gzip, deflate, br"}},
        {"base_url": "https://dichvucong.example.vn"},
    ],
    ids=["plain", "gzip", "https"],
)
def test_the_kept_answer_is_the_one_flask_sends_byte_for_byte(app, client, code, kw):
    fast, full = _both_ways(app, client, {"code": code, "phone_last4": "5678"}, **kw)
    assert fast.status_code == full.status_code == 200
    assert list(fast.headers.items()) == list(full.headers.items())
    assert fast.get_data() == full.get_data()
    if "headers" in kw:
        assert fast.headers["Content-Encoding"] == "gzip"
        assert json.loads(gzip.decompress(fast.get_data()))["code"] == code
    if "base_url" in kw:
        assert "Strict-Transport-Security" in fast.headers
    assert fast.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in fast.headers


def test_a_kept_answer_is_sent_without_flasks_view_and_counted(app, client, code):
    body = {"code": code, "phone_last4": "5678"}
    first = _lookup(client, body)  # not kept yet: Flask answers it
    assert first.status_code == 200
    _served_below_flask(app)
    before = _answered(client)
    again = _lookup(client, body)
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert _answered(client) == before + 1


def _answered(client) -> float:
    """The lookups answered 200 so far, as /metrics counts them (process-wide)."""
    text = client.get("/metrics").text
    return next(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "lienthong_http_requests_total"
        and sample.labels == {"route": STATUS, "status": "200"}
    )


def test_a_change_to_the_dossier_is_seen_at_once(app, client, code):
    from domain.statuses import Status
    from models import Dossier

    body = {"code": code, "phone_last4": "5678"}
    assert _lookup(client, body).get_json()["label"] == "Mới đăng ký"
    with app.app_context():
        dossier = db.session.query(Dossier).filter_by(code=code).one()
        dossier.status = Status.ACCEPTED
        db.session.commit()
    # A new version is not kept: Flask builds it (and keeps it for the next).
    assert _lookup(client, body).get_json()["label"] != "Mới đăng ký"


@pytest.mark.parametrize(
    ("body", "kw", "status"),
    [
        ({"code": "CODE", "phone_last4": "1111"}, {}, 404),  # wrong digits: counted by Flask
        ({"code": "CODE", "phone_last4": "56a8"}, {}, 400),
        ({"code": "CODE", "phone_last4": "5678", "extra": 1}, {}, 400),
        ('{"code": "CODE", "phone_last4": "5678"', {}, 400),  # cut short
        ('{"code": "CODE\\u0000", "phone_last4": "5678"}', {}, 400),
        ({"code": "CODE", "phone_last4": "5678"}, {"content_type": "text/plain"}, 415),
        ({"code": "CODE", "phone_last4": "5678"}, {"query_string": "x=1"}, 200),
    ],
    ids=["wrong-digits", "bad-digits", "extra-field", "cut-short", "nul", "not-json", "query"],
)
def test_anything_but_a_kept_answer_reaches_flask_with_its_body(
    app, client, code, body, kw, status
):
    good = {"code": code, "phone_last4": "5678"}
    assert _lookup(client, good).status_code == 200  # kept from now on
    if isinstance(body, dict):
        body = {k: (code if v == "CODE" else v) for k, v in body.items()}
    else:
        body = body.replace("CODE", code)
    seen = _count_view_calls(app)
    answer = _lookup(client, body, **kw)
    assert answer.status_code == status
    assert seen == [True]  # Flask's view answered, with the body as sent
    if status == 200:
        assert answer.get_json()["code"] == code
    else:
        assert answer.get_json()["error"]["message"]


def test_a_spent_budget_refuses_even_a_kept_answer(app, client, code):
    app.config["TRACKING_ADDRESS_GUESS_LIMIT"] = "3/hour"
    good = {"code": code, "phone_last4": "5678"}
    assert _lookup(client, good).status_code == 200
    assert [_lookup(client, {**good, "phone_last4": "0000"}).status_code for _ in range(3)] == [
        404
    ] * 3
    refused = _lookup(client, good)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0


def test_another_address_behind_the_proxy_keeps_its_own_budget(app, client, code):
    app.config["TRACKING_ADDRESS_GUESS_LIMIT"] = "2/hour"
    good = {"code": code, "phone_last4": "5678"}
    near = {"REMOTE_ADDR": "198.51.100.7"}
    assert _lookup(client, good, environ_base=near).status_code == 200
    for _ in range(2):
        _lookup(client, {**good, "phone_last4": "0000"}, environ_base=near)
    assert _lookup(client, good, environ_base=near).status_code == 429
    assert _lookup(client, good, environ_base={"REMOTE_ADDR": "198.51.100.8"}).status_code == 200


def test_a_database_error_under_the_fast_path_is_answered_by_flask(app, client, code, monkeypatch):
    from services.dossiers import tracking

    good = {"code": code, "phone_last4": "5678"}
    assert _lookup(client, good).status_code == 200

    def broken(_code):
        raise db.engine.dialect.loaded_dbapi.OperationalError("database is locked")

    monkeypatch.setattr(tracking, "_find_row", broken)
    answer = _lookup(client, good)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"]


def test_behind_a_trusted_proxy_the_forwarded_address_and_scheme_are_the_ones_used(app, code):
    from services.web import init_proxy

    app.config["TRUST_PROXY"] = 1
    init_proxy(app)  # wraps the fast path, as in create_app
    app.config["TRACKING_ADDRESS_GUESS_LIMIT"] = "2/hour"
    client = app.test_client()
    good = {"code": code, "phone_last4": "5678"}

    def forwarded(address):
        return {"X-Forwarded-For": address, "X-Forwarded-Proto": "https"}

    assert _lookup(client, good, headers=forwarded("203.0.113.1")).status_code == 200
    _served_below_flask(app)  # from here on only kept answers can be 200
    kept = _lookup(client, good, headers=forwarded("203.0.113.1"))
    assert kept.status_code == 200
    assert kept.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    app.view_functions["api.status_lookup"] = _original_view(app)
    for _ in range(2):
        _lookup(client, {**good, "phone_last4": "0000"}, headers=forwarded("203.0.113.1"))
    # The spent budget is the forwarded address's, not the proxy's (127.0.0.1).
    assert _lookup(client, good, headers=forwarded("203.0.113.1")).status_code == 429
    assert _lookup(client, good, headers=forwarded("203.0.113.2")).status_code == 200
