"""A real OpenID provider on loopback for the VNeID tests: tests/oidc_provider
(the npm package oidc-provider, installed by `make oidc-provider`) run with
the machine's Node.js on a free port, stopped after.

Two relying parties are registered: one authenticating with a client
secret, one with a private-key JWT (its key made here).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from joserfc.jwk import RSAKey

HERE = Path(__file__).resolve().parent / "oidc_provider"
SECRET = "test-client-secret-that-is-long-enough-0123456789"  # noqa: S105


def _node() -> str:
    """The Node.js that make oidc-provider chose (the machine's, or one it
    installed when the machine's is older than 20.19)."""
    found = subprocess.run(
        ["bash", str(HERE.parent.parent / "scripts/node-for-provider.sh")],
        capture_output=True, text=True,
    )  # fmt: skip
    return found.stdout.strip() if found.returncode == 0 else shutil.which("node") or "node"


NODE = _node()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rsa_jwk(kid: str) -> dict:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig"}, private=True).as_dict(
        private=True
    )


class LoopbackProvider:
    def __init__(self, tmp: Path, redirect_bases: list[str], rp_key_pem: str = "") -> None:
        self.tmp = tmp
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.redirect_bases = redirect_bases
        self.rp_key_pem = rp_key_pem
        self.process: subprocess.Popen | None = None
        self.signing_keys = [rsa_jwk("key-1")]

    def clients(self) -> list[dict]:
        common = {
            "redirect_uris": [f"{b}/dang-nhap/vneid/ve" for b in self.redirect_bases],
            "post_logout_redirect_uris": [
                f"{b}/dang-nhap/vneid/da-dang-xuat" for b in self.redirect_bases
            ],
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
            "require_auth_time": True,
        }
        clients = [
            {"client_id": "rp-secret", "client_secret": SECRET, **common,
             "token_endpoint_auth_method": "client_secret_basic"},
        ]  # fmt: skip
        if self.rp_key_pem:  # the private-key JWT client, with the public half of its key
            public = RSAKey.import_key(self.rp_key_pem).as_dict(private=False)
            clients.append(
                {"client_id": "rp-jwt", **common, "token_endpoint_auth_method": "private_key_jwt",
                 "token_endpoint_auth_signing_alg": "RS256", "jwks": {"keys": [public]}}
            )  # fmt: skip
        return clients

    def start(self) -> None:
        if not (HERE / "node_modules" / "oidc-provider").is_dir():
            raise RuntimeError("the test OpenID provider is not installed: make oidc-provider")
        keys = self.tmp / f"jwks-{time.monotonic_ns()}.json"
        keys.write_text(json.dumps({"keys": self.signing_keys}))
        env = {
            **os.environ,
            "PORT": str(self.port),
            "CLIENTS_JSON": json.dumps(self.clients()),
            "JWKS_FILE": str(keys),
            "TEST_CONTROL": "1",
        }
        self.log = open(self.tmp / "provider.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [NODE, str(HERE / "provider.mjs")], env=env, stdout=self.log, stderr=self.log
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1)
                return
            except requests.ConnectionError:
                if self.process.poll() is not None:
                    raise RuntimeError((self.tmp / "provider.log").read_text()) from None
                time.sleep(0.1)
        raise RuntimeError("the test OpenID provider did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self.process is not None:
            self.log.close()
        self.process = None

    def rotate(self) -> None:
        """A new signing key first; the old one is still published."""
        self.stop()
        self.signing_keys.insert(0, rsa_jwk(f"key-{len(self.signing_keys) + 1}"))
        self.start()

    def control(self, delay_ms: int = 0, fail: str = "") -> None:
        requests.get(
            f"{self.issuer}/__control", params={"delay_ms": delay_ms, "fail": fail}, timeout=5
        )

    def app_config(self, auth: str = "client_secret_basic", key_file: str = "") -> dict:
        if auth == "private_key_jwt":
            return {
                "VNEID_ISSUER": self.issuer,
                "VNEID_CLIENT_ID": "rp-jwt",
                "VNEID_CLIENT_AUTH": "private_key_jwt",
                "VNEID_PRIVATE_KEY_FILE": key_file,
                "VNEID_TIMEOUT_SECONDS": 2,
            }
        return {
            "VNEID_ISSUER": self.issuer,
            "VNEID_CLIENT_ID": "rp-secret",
            "VNEID_CLIENT_SECRET": SECRET,
            "VNEID_TIMEOUT_SECONDS": 2,
        }


def sign_in_at_provider(authorize_url: str, login: str, cancel: bool = False) -> str:
    """Play the citizen at the provider's pages: returns the callback URL the
    provider sends the browser back to (code, state and iss in its query)."""
    browser = requests.Session()
    answer = browser.get(authorize_url, timeout=5)
    assert answer.url.split("?")[0].rsplit("/", 2)[-2] == "interaction", answer.text
    form = {"login": login, "password": login}
    if cancel:
        form["cancel"] = "1"
    answer = browser.post(answer.url, data=form, allow_redirects=False, timeout=5)
    for _ in range(10):
        location = urljoin(answer.url, answer.headers["Location"])
        if urlsplit(location).port != urlsplit(authorize_url).port:
            return location
        answer = browser.get(location, allow_redirects=False, timeout=5)
    raise AssertionError("the provider never sent the browser back")


def start(client) -> str:
    answer = client.get("/dang-nhap/vneid/bat-dau")
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def sign_in(client, login="muc2"):
    callback = sign_in_at_provider(start(client), login)
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}"), callback
