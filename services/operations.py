"""What the proxy and whoever watches the hosts need: health, readiness, metrics,
and a database outage answered as "try again" rather than as a fault.

- ``/healthz``: the process answers (no database, nothing else): for restarts.
- ``/readyz``: the database, Redis when RATELIMIT_STORAGE_URI names it, and the
  photo storage answer: 503 with Retry-After when one does not, so the proxy
  sends citizens to another instance.
- ``/metrics``: Prometheus text (prometheus-client) for requests by route and
  status, submits, the outbox's depth and oldest age, SMS sent and failed;
  only from METRICS_NETWORKS (loopback by default). With several gunicorn
  workers set PROMETHEUS_MULTIPROC_DIR (an empty folder) so that one scrape
  sums them all.
- A database that cannot be reached (a restart, a failover) gives 503 with
  ``Retry-After: DATABASE_RETRY_AFTER_SECONDS`` and a Vietnamese message,
  which the phone's api.js treats as offline: the work stays on the phone
  and is sent again.

The route label is the URL rule (``/ho-so/<code>``), never the path: no dossier
code, phone number or name is ever a label.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import sqlite3
import time

from flask import Blueprint, Flask, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select, text

from extensions import db, limiter
from services.metrics import LATENCY, REQUESTS
from services.web import error_response, note_retry_after, sessionless

LOGGER = logging.getLogger("lienthong.operations")

bp = Blueprint("operations", __name__)

# Database errors that mean "not reachable now", not "this request is wrong";
# the drivers' own too, for the status lookup's raw connection (tracking.py).
UNREACHABLE = [
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sqlite3.OperationalError,
]
try:
    import psycopg

    UNREACHABLE += [psycopg.OperationalError, psycopg.InterfaceError]
except ImportError:  # PostgreSQL's driver is optional for SQLite-only hosts
    pass


@bp.get("/healthz")
@sessionless
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
@sessionless
def readyz():
    checks = {"database": _database_ok(), "storage": _storage_ok()}
    if str(current_app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("redis"):
        checks["redis"] = _redis_ok()
    ready = all(checks.values())
    body = {name: "ok" if ok else "unavailable" for name, ok in checks.items()}
    if ready:
        return jsonify(status="ok", checks=body)
    seconds = note_retry_after(current_app.config["DATABASE_RETRY_AFTER_SECONDS"])
    response = jsonify(
        status="unavailable",
        checks=body,
        error={
            "code": "not_ready",
            "message": f"Máy chủ này đang tạm gián đoạn. Hãy thử lại sau {seconds} giây.",
        },
    )
    response.status_code = 503
    return response


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
        return True
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        db.session.rollback()
        LOGGER.warning("Readiness: database unreachable (%s)", type(error).__name__)
        return False


def _redis_ok() -> bool:
    try:
        return bool(limiter.storage.check())
    except Exception:  # noqa: BLE001
        return False


def _storage_ok() -> bool:
    from services.photos import storage

    try:
        return storage.ready()
    except Exception:  # noqa: BLE001
        return False


@bp.get("/metrics")
@sessionless
def metrics():
    if not _from_metrics_network():
        return error_response(403, "forbidden", "Trang số liệu chỉ mở cho mạng giám sát.")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY as registry
    outbox = CollectorRegistry()
    outbox.register(_OutboxCollector())
    data = generate_latest(registry) + generate_latest(outbox)
    return current_app.response_class(data, mimetype=CONTENT_TYPE_LATEST)


def _from_metrics_network() -> bool:
    networks = [
        ipaddress.ip_network(part.strip(), strict=False)
        for part in current_app.config["METRICS_NETWORKS"].split(",")
        if part.strip()
    ]
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in networks)


class _OutboxCollector:
    """Read at each scrape: what waits in the outbox, and since when."""

    def collect(self):
        from models import Notification
        from models.base import utcnow

        waiting = (Notification.sent_at.is_(None), Notification.failed_at.is_(None))
        try:
            rows = db.session.execute(
                select(Notification.channel, func.count(), func.min(Notification.created_at))
                .where(*waiting)
                .group_by(Notification.channel)
            ).all()
        except Exception:  # noqa: BLE001 - the database away: the other figures still
            LOGGER.warning("Metrics: the outbox could not be read")
            rows = None
        db.session.rollback()
        if rows is None:
            return
        depth = GaugeMetricFamily(
            "lienthong_outbox_depth", "Messages waiting to be sent", labels=["channel"]
        )
        age = GaugeMetricFamily(
            "lienthong_outbox_oldest_age_seconds",
            "Age of the oldest waiting message",
            labels=["channel"],
        )
        now = utcnow()
        for channel in ("sms", "email"):
            found = next((r for r in rows if r[0] == channel), None)
            depth.add_metric([channel], found[1] if found else 0)
            age.add_metric([channel], (now - found[2]).total_seconds() if found else 0)
        yield depth
        yield age


def _start_timer():
    request.environ[_STARTED] = time.perf_counter()


_STARTED = "lienthong.metrics_started"
# The labelled series, by (route, status) and route: labels() validates and
# locks on every call, a tenth of a cached status lookup's own work. Bounded
# by the app's routes and the statuses they answer.
_COUNTERS: dict[tuple[str, int], object] = {}
_TIMERS: dict[str, object] = {}


def _count(response):
    req = request._get_current_object()
    rule = req.url_rule.rule if req.url_rule is not None else "unmatched"
    count_answer(rule, response.status_code, req.environ.get(_STARTED))
    return response


def count_answer(rule: str, status: int, started: float | None) -> None:
    """One answer in the request counter and, when its start is known, the latency."""
    key = (rule, status)
    counter = _COUNTERS.get(key)
    if counter is None:
        counter = _COUNTERS[key] = REQUESTS.labels(rule, str(status))
    counter.inc()
    if started is not None:
        timer = _TIMERS.get(rule)
        if timer is None:
            timer = _TIMERS[rule] = LATENCY.labels(rule)
        timer.observe(time.perf_counter() - started)


def database_unreachable(error):
    """503 + Retry-After: the phone keeps the work and sends it again."""
    with contextlib.suppress(Exception):  # the connection is gone anyway
        db.session.rollback()
    LOGGER.warning(
        "Database unreachable on %s %s: %s",
        request.method,
        request.url_rule.rule if request.url_rule is not None else "unmatched",
        type(getattr(error, "orig", error)).__name__,
    )
    seconds = note_retry_after(current_app.config["DATABASE_RETRY_AFTER_SECONDS"])
    return error_response(
        503,
        "database_unavailable",
        "Hệ thống đang tạm gián đoạn trong giây lát. Thông tin của bạn chưa mất: "
        f"hãy thử lại sau {seconds} giây (ứng dụng trên điện thoại sẽ tự gửi lại).",
    )


def storage_unreachable(_error):
    """The object store away: like the database, "try again", never a 500."""
    seconds = note_retry_after(current_app.config["DATABASE_RETRY_AFTER_SECONDS"])
    return error_response(
        503,
        "storage_unavailable",
        "Kho lưu ảnh đang tạm gián đoạn. Ảnh vẫn được giữ trên điện thoại: "
        f"hãy thử lại sau {seconds} giây (ứng dụng sẽ tự gửi lại).",
    )


def remove_session(_exc=None) -> None:
    """Flask-SQLAlchemy's end of request, for a connection that died under the
    request (a database restart): the rollback of session.remove() failed, the
    error escaped after the app had answered, and gunicorn sent its own HTML
    500 instead of the answer (make test-stack saw it on photo uploads). The
    connection is dropped without a rollback instead (the pool opens a new
    one), and the thread's session is forgotten either way."""
    try:
        db.session.remove()
    except sa_exc.DBAPIError as error:
        LOGGER.warning(
            "Database connection lost at the end of a request: %s",
            type(getattr(error, "orig", error)).__name__,
        )
        with contextlib.suppress(Exception):
            db.session.invalidate()
        db.session.registry.clear()


def init_app(app: Flask) -> None:
    from services.photos.storage import StorageUnavailable

    teardown = app.teardown_appcontext_funcs
    teardown[:] = [remove_session if f == db._teardown_session else f for f in teardown]
    if remove_session not in teardown:
        raise RuntimeError("Flask-SQLAlchemy's teardown was not found: init db first")

    app.register_blueprint(bp)
    app.before_request_funcs.setdefault(None, []).insert(0, _start_timer)
    app.after_request(_count)
    for error in UNREACHABLE:
        app.register_error_handler(error, database_unreachable)
    app.register_error_handler(StorageUnavailable, storage_unreachable)
