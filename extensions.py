"""The Flask extensions, created unbound and initialised in create_app."""

import ipaddress
import math
import time
from functools import lru_cache, partial, wraps

from flask import current_app, request, session
from flask.globals import request_ctx
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from limits import parse as parse_limit
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()


def client_ip() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


def citizen_or_ip() -> str:
    """The signed-in citizen, else the address: for the limits of signed-in work.

    Citizens at the commune office share its Wi-Fi, and mobile carriers put
    many phones behind one address (CGNAT): a per-address limit on uploads or
    submits would let one busy morning lock out the next citizen in line.
    """
    citizen_id = session.get("citizen_id")
    return f"citizen:{citizen_id}" if citizen_id else client_ip()


@lru_cache(maxsize=8)
def office_networks(text: str) -> tuple:
    """OFFICE_NETWORKS ("203.0.113.0/28, 2001:db8::/64") as networks; ValueError if wrong."""
    try:
        return tuple(
            ipaddress.ip_network(part.strip(), strict=False)
            for part in text.split(",")
            if part.strip()
        )
    except ValueError as error:
        raise ValueError(f"OFFICE_NETWORKS: {error}") from None


def from_office_network() -> bool:
    """The request comes from the commune office's own network (OFFICE_NETWORKS).

    A whole office of citizens signs in through its one address: per-address
    limits would lock out the queue. The limits per phone, per code and the
    SMS budget still hold for them.
    """
    networks = office_networks(current_app.config["OFFICE_NETWORKS"])
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(client_ip())
    except ValueError:
        return False
    return any(address in network for network in networks)


class RouteLimiter(Limiter):
    """Flask-Limiter, whose per-request work runs only on requests a route's limit saw.

    Flask-Limiter 4.1 hooks a before_request check (for application, default,
    blueprint and meta limits), an after_request (deduct_when deductions and
    the X-RateLimit headers) and a teardown into every request, about 40 µs
    each time (`make bench`), and none of its options removes them:
    RATELIMIT_HEADERS_ENABLED=False still resolves the header limit, a
    request_filter still runs the hooks, and "no default limits" is already
    the case here. A route's own @limiter.limit is checked by its decorator's
    wrapper, not by the before_request hook, and leaves its state on the
    request context: that state is what the two other hooks need.

    So, once the blueprints are registered (only_where_asked), and only while
    the app sets no limit for every route, the before_request check goes and
    the after_request and teardown hooks run only on a request a limit looked
    at. Same storage, same rules, same headers on the limited routes.
    """

    def init_app(self, app, *args, **kwargs) -> None:
        super().init_app(app, *args, **kwargs)
        # One limiter serves every app a process creates (the tests make
        # many): a new app's storage starts alive, whatever the last one's did.
        self._storage_dead = False

    # Seconds between two checks of a storage marked dead, from the limits
    # counted by hand: Flask-Limiter checks again only on a route's limit, and
    # the status lookup (the busiest) has none, so its counts stayed per
    # process long after Redis was back.
    STORAGE_RECHECK_SECONDS = 2.0
    _next_storage_check = 0.0

    def _revive_storage(self) -> None:
        self._next_storage_check = time.monotonic() + self.STORAGE_RECHECK_SECONDS
        try:
            alive = self._storage is not None and self._storage.check()
        except Exception:
            alive = False
        if alive:
            self.logger.info("Rate limit storage recovered")
            self._storage_dead = False

    def only_where_asked(self, app) -> bool:
        """Trim the app-wide hooks (see the class); False, and nothing changed,
        when some limit applies to all routes or to a whole blueprint."""
        manager = self.limit_manager
        app_wide = (
            manager.application_limits
            or manager.default_limits
            or self._meta_limits
            or manager._blueprint_limits
        )
        if app_wide or self not in app.extensions.get("limiter", ()):
            return False
        before = app.before_request_funcs.get(None, [])
        before[:] = [f for f in before if f != self._check_request_limit]
        after = app.after_request_funcs.get(None, [])
        after[:] = [_on_limited(f, self) if _is_hook_of(f, self) else f for f in after]
        teardown = app.teardown_request_funcs.get(None, [])
        release = self._Limiter__release_context
        teardown[:] = [_on_limited(f, self) if f == release else f for f in teardown]
        return True

    def direct(self, call):
        """``call(strategy)`` for a limit counted by hand (FailureLimit, the
        drafts' limit), with Flask-Limiter's in-memory fallback: a shared
        storage (Redis) that cannot be reached makes the limits per process
        for a while, with a log line, instead of a 500. Flask-Limiter itself
        does the same for the routes' own limits and checks the storage again
        every so often.

        The strategy is taken once: another thread may mark the storage dead
        while this call waits on it, and the retry must then still go to the
        fallback (it raised, a 500, when it looked at the flag again)."""
        if self._storage_dead and time.monotonic() >= self._next_storage_check:
            self._revive_storage()
        strategy = self.limiter
        try:
            return call(strategy)
        except Exception:
            fallback = self._fallback_limiter
            if not self._in_memory_fallback_enabled or fallback is None or strategy is fallback:
                raise
            if not self._storage_dead:
                self.logger.warning(
                    "Rate limit storage unreachable - falling back to in-memory storage"
                )
                self._storage_dead = True
            return call(fallback)


def _is_hook_of(hook, owner: Limiter) -> bool:
    # Flask-Limiter registers partial(Limiter.__inject_headers, limiter).
    return isinstance(hook, partial) and hook.args == (owner,)


def _on_limited(hook, owner: Limiter):
    """`hook`, run only when a limit was checked in this request (its context exists)."""

    @wraps(hook)
    def only_when_limited(value):
        if hasattr(request_ctx, "_limiter_request_context"):
            return hook(value)
        return value

    return only_when_limited


limiter = RouteLimiter(key_func=client_ip)


class FailureLimit:
    """A limit on failed attempts only (wrong guesses of a code), per key.

    What @limiter.limit(..., deduct_when=...) does, in the same storage and
    under the same RATELIMIT_ENABLED switch, for the hottest endpoint (the
    status lookup): the decorator's per-request bookkeeping was a fifth of a
    cached lookup's time, here it is one counter read. The key is the
    client's address unless another is given (a dossier code: a budget that
    many addresses share). `limit` is a limit string or a config key.
    """

    def __init__(self, scope: str, limit: str) -> None:
        self.scope = scope
        self.limit = limit

    def _item(self):
        text = current_app.config.get(self.limit, self.limit)
        return _parsed(text)

    def retry_after(self, key: str | None = None) -> int | None:
        """None while attempts are left; else the seconds until one is."""
        if not limiter.enabled:
            return None
        item, key = self._item(), key or client_ip()
        if limiter.direct(lambda strategy: strategy.test(item, self.scope, key)):
            return None
        stats = limiter.direct(lambda strategy: strategy.get_window_stats(item, self.scope, key))
        return max(1, math.ceil(stats.reset_time - time.time()))

    def failed(self, key: str | None = None) -> None:
        if limiter.enabled:
            item, key = self._item(), key or client_ip()
            limiter.direct(lambda strategy: strategy.hit(item, self.scope, key))


@lru_cache(maxsize=32)
def _parsed(text: str):
    return parse_limit(text)
