"""Rate limits in a real Redis (issue 17): shared by two app instances, and a
Redis stopped mid-test leaves every page working on per-process limits (a log
line says so), never a 500."""

import logging
import uuid

import pytest
import redis as redis_client

from app import create_app
from extensions import db
from tests import conftest, databases
from tests.office.helpers import create_submitted_dossier
from tests.redis_server import RedisServer
from tests.test_auth import ask_for_code


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def instances(template_db, tmp_path, redis):
    """Two app instances on one database and one Redis, as on two hosts."""
    uri = databases.copy_of(template_db, tmp_path)
    config = {
        **conftest.test_config(tmp_path, uri),
        "RATELIMIT_STORAGE_URI": redis.url,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        "SIGN_IN_ADDRESS_LIMIT": "3/hour",
        "TRACKING_ADDRESS_GUESS_LIMIT": "3/hour",
    }
    apps = [create_app(config), create_app(config)]
    yield apps
    for app in apps:
        with app.app_context():
            db.engine.dispose()
    databases.drop(uri)


def lookup(app, code, last4):
    return app.test_client().post("/api/v1/status", json={"code": code, "phone_last4": last4})


def test_a_limit_holds_across_two_instances_sharing_redis(instances):
    first, second = instances
    answers = [
        ask_for_code(app.test_client(), f"0912 345 67{n}").status_code
        for n, app in enumerate([first, second, first, second])
    ]
    # Three codes per address an hour, counted once for both: on memory://
    # each instance would have sent two, all four.
    assert answers[:3] == [302, 302, 302]
    assert answers[3] == 429


def test_a_redis_outage_falls_back_to_limits_per_process_never_a_500(instances, redis, caplog):
    first, second = instances
    with first.app_context():
        code = create_submitted_dossier(email=None)
    assert lookup(first, code, "5678").status_code == 200
    redis.stop()  # mid-test: the counts are unreachable
    with caplog.at_level(logging.WARNING):
        assert lookup(first, code, "5678").status_code == 200  # a correct lookup
        assert lookup(second, code, "0000").status_code == 404  # a wrong one, counted
        assert ask_for_code(second.test_client(), "0912 111 222").status_code == 302
    assert "falling back to in-memory storage" in caplog.text
    # Still limited, now per process: three wrong lookups, then the wait.
    answers = [lookup(second, code, "0000").status_code for _ in range(3)]
    assert answers[-1] == 429 and 500 not in answers


def test_a_request_that_finds_redis_gone_after_another_switched_still_falls_back(instances, redis):
    """Two requests at once as Redis stops: the second to fail finds the
    storage already marked dead by the first. Its count went nowhere and it
    answered 500 (seen by make test-stack on the drafts' limit)."""
    from extensions import limiter
    from tests.api.test_limits_per_citizen import signed_in

    first, _ = instances
    api = signed_in(first, "+84912345670")
    assert api.put(f"/drafts/{uuid.uuid4()}", json={"commune_code": "05665"}).status_code == 201
    redis.stop()
    strategy = limiter.limiter
    assert strategy is not limiter._fallback_limiter  # a new app starts on Redis
    failing_hit = strategy.hit

    def hit_while_another_request_switches(*args, **kwargs):
        limiter._storage_dead = True  # what the other request did meanwhile
        return failing_hit(*args, **kwargs)  # Redis is down: raises

    strategy.hit = hit_while_another_request_switches
    try:
        answer = api.put(f"/drafts/{uuid.uuid4()}", json={"commune_code": "05665"})
        lookup_answer = lookup(first, "X05665-260101-0001", "0000")
    finally:
        del strategy.hit
    assert answer.status_code == 201
    assert lookup_answer.status_code == 404  # the tracking budget's count, through the fallback


def test_the_lookups_own_budget_goes_back_to_redis_when_it_returns(instances, redis):
    """The status lookup has no route limit, so Flask-Limiter never looked at
    Redis again for it: after an outage its wrong guesses stayed counted per
    process, and two instances let twice the budget through."""
    from extensions import limiter

    first, second = instances
    with first.app_context():
        code = create_submitted_dossier(email=None)
    redis.stop()
    assert lookup(first, code, "5678").status_code == 200  # on the fallback now
    redis.start()
    limiter._next_storage_check = 0.0  # the recheck is due (instead of waiting for it)
    answers = [lookup(app, code, "0000").status_code for app in (first, second, first, second)]
    # 3 wrong guesses an hour for the address, counted once for both again,
    # and in Redis (restarted empty), not in this process's memory.
    assert answers == [404, 404, 404, 429]
    assert redis_client.Redis.from_url(redis.url).keys("*")
