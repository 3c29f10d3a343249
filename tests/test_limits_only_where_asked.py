"""Rate limiting costs only the routes that ask for it (extensions.RouteLimiter).

Flask-Limiter's app-wide hooks ran on every request for limits this app does
not set; they now run only where a route's own limit was checked, with the
same rules, storage and headers there.
"""

from flask import request

from app import create_app
from extensions import limiter
from tests.conftest import test_config as config_for_tests

LOOKUP = {"code": "HS-KHONG-CO", "phone_last4": "0000"}


def limiter_contexts_seen(app) -> list[bool]:
    """Whether Flask-Limiter kept state for each request (it does, once it looked)."""
    seen = []

    @app.teardown_request
    def note(_error):
        from flask.globals import request_ctx

        seen.append((request.path, hasattr(request_ctx, "_limiter_request_context")))

    return seen


def test_a_route_without_a_limit_gets_no_rate_limit_work(app, client):
    seen = limiter_contexts_seen(app)
    token = client.get("/api/v1/csrf-token").get_json()["token"]
    client.post("/api/v1/status", json=LOOKUP, headers={"X-CSRFToken": token})
    client.get("/api/v1/catalog")
    assert [path for path, looked in seen if looked] == []


def test_a_route_with_a_limit_is_still_counted_and_says_so_in_its_headers(app, client):
    seen = limiter_contexts_seen(app)
    first = client.get("/api/v1/communes?q=ha")
    second = client.get("/api/v1/communes?q=ha")
    assert first.status_code == 200
    assert first.headers["X-RateLimit-Limit"] == "120"
    assert int(second.headers["X-RateLimit-Remaining"]) == 118
    assert all(looked for _path, looked in seen)


def test_a_limit_of_the_whole_app_keeps_flask_limiters_own_hooks(tmp_path, template_db):
    # Only while no limit covers every route may the app-wide check go.
    from tests import databases

    uri = databases.copy_of(template_db, tmp_path)
    app = create_app({**config_for_tests(tmp_path, uri), "RATELIMIT_APPLICATION": "2/minute"})
    try:
        client = app.test_client()
        answers = [client.get("/api/v1/catalog").status_code for _ in range(3)]
        assert answers == [200, 200, 429]
    finally:
        from extensions import db

        with app.app_context():
            db.engine.dispose()
        databases.drop(uri)
        # The limiter is one object for every app: leave no app-wide limit behind.
        limiter.limit_manager.set_application_limits([])
