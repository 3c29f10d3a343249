"""Registering and using a software passkey through the API, as the pages do."""

from sqlalchemy import select

from extensions import db
from models import Passkey
from tests.conftest import Api
from tests.softkey import SoftKey


def register(api: Api, key: SoftKey | None = None, name: str = "Điện thoại của Lan") -> SoftKey:
    key = key or SoftKey()
    options = api.post("/passkeys/registration-options").get_json()
    response = api.post("/passkeys", json={"credential": key.create(options), "name": name})
    assert response.status_code == 201, response.get_json()
    return key


def sign_in_answer(api: Api, key: SoftKey, **lies) -> dict:
    options = api.post("/passkeys/sign-in-options").get_json()
    return key.get(options, **lies)


def stored(app, key: SoftKey) -> Passkey:
    with app.app_context():
        passkey = db.session.scalars(
            select(Passkey).where(Passkey.credential_id == key.credential_id)
        ).one()
        db.session.expunge(passkey)
        return passkey


def signed_in_citizen(client) -> int | None:
    with client.session_transaction() as session:
        return session.get("citizen_id")
