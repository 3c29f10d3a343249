"""The loopback OpenID provider (tests/oidc.py) and apps configured for it."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app import create_app
from extensions import db
from tests import conftest, databases
from tests.oidc import LoopbackProvider


@pytest.fixture(scope="module")
def rp_key(tmp_path_factory):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    path = tmp_path_factory.mktemp("rp") / "rp-key.pem"
    path.write_text(pem)
    return path


@pytest.fixture(scope="module")
def provider(tmp_path_factory, rp_key):
    p = LoopbackProvider(tmp_path_factory.mktemp("op"), ["http://localhost"], rp_key.read_text())
    p.start()
    yield p
    p.stop()


@pytest.fixture
def make_app(template_db, tmp_path, provider):
    made = []

    def make(**overrides):
        where = tmp_path / f"db{len(made)}"
        where.mkdir()
        uri = databases.copy_of(template_db, where)
        app = create_app(
            {**conftest.test_config(tmp_path, uri), **provider.app_config(), **overrides}
        )
        made.append((app, uri))
        return app

    yield make
    for app, uri in made:
        with app.app_context():
            db.engine.dispose()
        databases.drop(uri)


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(autouse=True)
def healthy(provider):
    provider.control()
    yield
    if provider.process is None:
        provider.start()
    provider.control()
