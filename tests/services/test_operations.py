"""/healthz, /readyz, /metrics, and a database that cannot be reached answered
as 503 with Retry-After, which the phone's api.js takes for offline (issue 17)."""

import gc
import json
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from werkzeug.serving import make_server

from app import create_app
from extensions import db
from tests import conftest
from tests.office.helpers import create_submitted_dossier

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def unreachable(tmp_path):
    """The app with its PostgreSQL gone: nothing listens on the port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    uri = f"postgresql+psycopg://app@127.0.0.1:{port}/lienthong?connect_timeout=2"
    app = create_app(conftest.test_config(tmp_path, uri))
    yield app
    with app.app_context():
        db.engine.dispose()


def test_health_answers_without_the_database(unreachable):
    assert unreachable.test_client().get("/healthz").get_json() == {"status": "ok"}


def test_ready_when_database_and_storage_answer(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json()["checks"] == {"database": "ok", "storage": "ok"}


def test_not_ready_while_the_database_is_away_with_retry_after(unreachable):
    answer = unreachable.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert answer.get_json()["checks"]["database"] == "unavailable"


def test_a_lookup_while_the_database_is_away_is_503_with_retry_after_not_500(unreachable):
    answer = unreachable.test_client().post(
        "/api/v1/status", json={"code": "X05665-261202-0001", "phone_last4": "5678"}
    )
    assert answer.status_code == 503  # on main: 500, no Retry-After
    assert answer.headers["Retry-After"] == "5"
    assert "thử lại sau 5 giây" in answer.get_json()["error"]["message"]


def test_a_page_while_the_database_is_away_says_to_try_again(unreachable):
    page = unreachable.test_client().get("/x/05665")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "5"
    assert "thử lại sau 5 giây" in page.text


def test_metrics_count_requests_by_route_and_the_outbox_without_personal_data(app, client):
    with app.app_context():
        code = create_submitted_dossier(email=None, receipt_sms=True)
    client.post("/api/v1/status", json={"code": code, "phone_last4": "5678"})
    text = client.get("/metrics").text
    assert 'lienthong_http_requests_total{route="/api/v1/status",status="200"}' in text
    assert 'lienthong_outbox_depth{channel="sms"} 1.0' in text
    assert "lienthong_outbox_oldest_age_seconds" in text
    # Personal data would show as a label or a name; the figures are numbers,
    # whose digits may spell anything (a timestamp held 5678 once).
    words = [
        part
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        for part in (sample.name, *sample.labels.values())
    ]
    assert words and not [w for w in words if code in w or "5678" in w]
    assert "_created" not in text  # wall-clock noise, off (services/metrics.py)


def test_metrics_are_closed_to_other_networks(client):
    answer = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert answer.status_code == 403


_API_JS = """
import { api, setCsrf } from '%s';
const base = process.argv[2];
const real = globalThis.fetch;
globalThis.fetch = (url, options) => real(base + url, options);  // the page's own origin
setCsrf('token');
try {
  await api('POST', '/status', { code: 'X05665-261202-0001', phone_last4: '5678' });
  console.log(JSON.stringify({ ok: true }));
} catch (e) {
  console.log(JSON.stringify({ offline: e.offline, status: e.status, message: e.message }));
}
"""


def test_the_phone_treats_a_503_as_offline_and_keeps_the_work(unreachable, tmp_path):
    server = make_server("127.0.0.1", 0, unreachable, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    script = tmp_path / "probe.mjs"
    script.write_text(_API_JS % (ROOT / "static" / "js" / "api.js").as_uri())
    try:
        run = subprocess.run(
            ["node", str(script), f"http://127.0.0.1:{server.server_port}"],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
    finally:
        server.shutdown()
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 503
    assert outcome["offline"] is True  # on main: a hard error
    assert "thử lại" in outcome["message"]


def test_a_connection_lost_before_the_end_of_a_request_keeps_the_apps_answer(app):
    """A database restart between the answer and the end of the request: the
    rollback at teardown fails (it escaped as gunicorn's HTML 500); the page
    answered is still sent, the connection is dropped, the next request works."""
    with app.app_context():
        dialect = db.engine.dialect

    def lost(_connection):
        # The driver's own error (sqlite3's, or psycopg's under make test-pg).
        raise dialect.loaded_dbapi.OperationalError("server closed the connection unexpectedly")

    def lose_the_connection(response):
        dialect.do_rollback = lost  # an instance attribute over the class's method
        return response

    app.after_request(lose_the_connection)
    client = app.test_client()
    try:
        answer = client.get("/x/05665")
    finally:
        app.after_request_funcs[None].remove(lose_the_connection)
        vars(dialect).pop("do_rollback", None)
    assert answer.status_code == 200 and "05665" in answer.text
    assert client.get("/x/05665").status_code == 200
    # The lost connection was closed, not left for the garbage collector
    # (under PostgreSQL a psycopg connection deleted open warns).
    gc.collect()
