"""The Flask extensions, created unbound and initialised in create_app."""

import ipaddress
import math
import time
from functools import lru_cache

from flask import current_app, request, session
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


limiter = Limiter(key_func=client_ip)


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
        if limiter.limiter.test(item, self.scope, key):
            return None
        reset_at = limiter.limiter.get_window_stats(item, self.scope, key).reset_time
        return max(1, math.ceil(reset_at - time.time()))

    def failed(self, key: str | None = None) -> None:
        if limiter.enabled:
            limiter.limiter.hit(self._item(), self.scope, key or client_ip())


@lru_cache(maxsize=32)
def _parsed(text: str):
    return parse_limit(text)
