"""The Flask extensions, created unbound and initialised in create_app."""

from flask import request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
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


limiter = Limiter(key_func=client_ip)
