"""The OpenID Connect relying party for VNeID, on Authlib.

Authlib does the protocol: discovery from VNEID_ISSUER, the authorization
code flow with PKCE (S256), `state` and `nonce` kept in the session, and the
ID token's checks (signature from the issuer's JWKS, fetched again when an
unknown key id appears, so a rotated key works; issuer, audience, expiry,
nonce). This module only configures it and names the failures.
"""

from __future__ import annotations

from pathlib import Path

from authlib.integrations.flask_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from flask import Flask, current_app

NAME = "vneid"


def configured(config) -> bool:
    if not (config.get("VNEID_ISSUER") and config.get("VNEID_CLIENT_ID")):
        return False
    if config.get("VNEID_CLIENT_AUTH") == "private_key_jwt":
        return bool(config.get("VNEID_PRIVATE_KEY_FILE"))
    return bool(config.get("VNEID_CLIENT_SECRET"))


def init_app(app: Flask) -> None:
    config = app.config
    if not configured(config):
        app.extensions["vneid"] = None
        return
    kwargs = {
        "scope": config["VNEID_SCOPES"],
        "code_challenge_method": "S256",
        "default_timeout": config["VNEID_TIMEOUT_SECONDS"],
    }
    auth_methods = None
    secret = config["VNEID_CLIENT_SECRET"]
    if config["VNEID_CLIENT_AUTH"] == "private_key_jwt":
        secret = Path(config["VNEID_PRIVATE_KEY_FILE"]).read_text()
        kwargs["token_endpoint_auth_method"] = "private_key_jwt"  # noqa: S105 (a method name)
        auth_methods = [PrivateKeyJWT()]
    else:
        kwargs["token_endpoint_auth_method"] = config["VNEID_CLIENT_AUTH"]
    oauth = OAuth(app)
    oauth.register(
        NAME,
        client_id=config["VNEID_CLIENT_ID"],
        client_secret=secret,
        server_metadata_url=f"{config['VNEID_ISSUER']}/.well-known/openid-configuration",
        client_kwargs=kwargs,
        client_auth_methods=auth_methods,
    )
    app.extensions["vneid"] = oauth.create_client(NAME)
    from urllib.parse import urlsplit

    from services.web import allow_form_target

    issuer = urlsplit(config["VNEID_ISSUER"])
    allow_form_target(app, f"{issuer.scheme}://{issuer.netloc}")


def client():
    """The registered client, or None while VNeID is not configured."""
    return current_app.extensions.get("vneid")
