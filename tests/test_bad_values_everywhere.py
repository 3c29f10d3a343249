"""Every route, every role, hostile values: never a 5xx.

The routes come from app.url_map and the query and form names from the code
(every ``args.get("…")`` / ``form.get("…")`` under blueprints/), so a new route
or a new parameter is walked without touching this file. Each request carries a
valid CSRF token, so the values reach the view instead of stopping at the door.
schemathesis (tests/api/test_fuzz_openapi.py) covers the JSON API's documented
shapes; this covers the pages, the office and the values that schema cannot
describe (digits that are not ASCII, numbers past 64 bits, deep nesting).
"""

import inspect
import re
from pathlib import Path

import pytest

from commands import enable_commune
from extensions import db, limiter
from models import Dossier, Passkey, Upload
from tests.helpers import sign_in_as
from tests.office.helpers import (
    add_started_draft,
    create_officer,
    create_submitted_dossier,
    officer_client,
)

ROOT = Path(__file__).resolve().parent.parent
COMMUNE_CODE_ROUTES = {
    "counter.show",
    "counter.image",
    "citizen.commune_landing",
    "api.commune",
    "helping.help_page",
}
OFFICE_ROLES = ["tu-phap", "cong-an", "bhxh", "ldtbxh", "quan-tri"]

HOSTILE = [
    "99999999999999999999999",
    "²",
    "①②③④",
    "١٢٣٤",
    "1e309",
    "nul\x00byte",
    "\u200b",
    "0",
]
DEEP = "[" * 2000 + "]" * 2000
DEEP_OBJECT = '{"a":' * 2000 + "1" + "}" * 2000

_READ = re.compile(r"""(args|form)\.(?:get|getlist)\(\s*["']([^"']+)["']""")


def names_read(kind: str, path: Path | None = None) -> set[str]:
    files = [path] if path else (ROOT / "blueprints").rglob("*.py")
    found = set()
    for file in files:
        for where, name in _READ.findall(file.read_text()):
            if where == kind:
                found.add(name)
    return found


QUERY_NAMES = sorted(names_read("args") - {"v"})
FORM_NAMES = sorted(names_read("form"))


def names_of_view(app, rule, kind: str) -> list[str]:
    """The names the view's own module reads: each is also sent alone, so a
    400 for one cannot hide a crash on another."""
    module = inspect.getmodule(inspect.unwrap(app.view_functions[rule.endpoint]))
    return sorted(names_read(kind, Path(module.__file__)) - {"v"})


def _things(phone: str) -> dict:
    code = create_submitted_dossier(phone=phone)
    dossier = db.session.scalars(db.select(Dossier).where(Dossier.code == code)).one()
    upload_id = db.session.scalars(
        db.select(Upload.id).where(Upload.dossier_id == dossier.id)
    ).first()
    draft = add_started_draft(dossier.citizen_id)
    draft.paper_token = "ABCDEFGHJKMN"
    passkey = Passkey(
        credential_id=b"\x01" * 16,
        citizen_id=dossier.citizen_id,
        user_handle=b"\x02" * 16,
        public_key=b"not-a-real-key",
        aaguid="00000000-0000-0000-0000-000000000000",
        name="Điện thoại",
    )
    db.session.add(passkey)
    db.session.commit()
    draft_upload = db.session.scalars(db.select(Upload.id).where(Upload.draft_id == draft.id)).one()
    return {
        "citizen_id": dossier.citizen_id,
        "code": code,
        "draft_id": draft.id,
        "upload_id": draft_upload,
        "dossier_upload_id": upload_id,
        "passkey_id": passkey.id,
        "kind": "kiem-soat",  # a slip (the control sheet exists for every dossier)
        "attachment_id": "to-khai-khai-sinh",  # a filled form every birth draft has
        "token": draft.paper_token,
        # The commune admin's officer pages: an officer of the commune, one change.
        "officer_id": create_officer("bhxh", "05665", "bhxh-the-gioi").id,
        "what": "khoa",
    }


@pytest.fixture
def world(app):
    limiter.enabled = False  # thousands of requests from one address
    with app.app_context():
        enable_commune("02143", "Cán bộ xã khác", "0123 456 789", "Giờ hành chính")
        things = _things("+84912345678")
    # Another device of the same citizen: the one the devices page can sign out.
    things["session_id"] = sign_in_as(app, app.test_client(), citizen_id=things["citizen_id"])
    yield things
    limiter.enabled = True


def clients(app, world):
    anonymous = app.test_client()
    citizen = app.test_client()
    sign_in_as(app, citizen, citizen_id=world["citizen_id"])
    yield "anonymous", anonymous, False
    yield "citizen", citizen, False
    for role in OFFICER_ROLES_CACHE:
        yield role, officer_client(app, role), True


OFFICER_ROLES_CACHE = OFFICE_ROLES


def path_values(rule, world, hostile: str | None) -> dict:
    values = {}
    for name in rule.arguments:
        if hostile is not None:
            values[name] = hostile
        elif name == "upload_id" and rule.rule.startswith(("/can-bo/", "/api/v1/dossiers")):
            values[name] = world["dossier_upload_id"]
        elif name == "code" and rule.endpoint in COMMUNE_CODE_ROUTES:
            values[name] = "05665"
        else:
            values[name] = world[name]
    return values


def build_url(app, rule, values: dict) -> str | None:
    converter_rules = {n: c for n, c in rule._converters.items()}
    with app.test_request_context():
        try:
            return app.url_for(rule.endpoint, **values)
        except Exception:
            # An <int:…> part cannot be built from a non-number: send it raw.
            url = rule.rule
            for name in converter_rules:
                url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(values[name]), url)
            return url


def routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def csrf_token(client) -> str:
    return client.get("/api/v1/csrf-token").get_json()["token"]


def send(client, method, url, token, *, query=None, form=None, json_text=None):
    headers = {"X-CSRFToken": token}
    kwargs = {"query_string": query or {}, "headers": headers}
    if method != "GET":
        if json_text is not None:
            kwargs["data"] = json_text
            kwargs["content_type"] = "application/json"
        else:
            kwargs["data"] = {**(form or {}), "csrf_token": token}
    response = client.open(url, method=method, **kwargs)
    status = response.status_code
    response.close()
    return status


def test_hostile_values_in_every_route_get_no_5xx_for_any_role(app, world):
    crashes = []
    for who, client, is_officer in clients(app, world):
        token = csrf_token(client)
        for rule, method in routes(app):
            if is_officer != rule.rule.startswith("/can-bo/"):
                continue  # officers only meet citizens' pages as anyone does
            real_url = build_url(app, rule, path_values(rule, world, None))
            attempts = []
            for value in HOSTILE:
                every = {name: value for name in QUERY_NAMES}
                attempts.append((real_url, {"query": every}))
                for name in names_of_view(app, rule, "args"):
                    attempts.append((real_url, {"query": {name: value}}))
                if method != "GET":
                    for name in names_of_view(app, rule, "form"):
                        attempts.append((real_url, {"form": {name: value}}))
                    attempts.append((real_url, {"form": {n: value for n in FORM_NAMES}}))
                    attempts.append((real_url, {"json_text": f'"{value}"'}))
                if rule.arguments:
                    url = build_url(app, rule, path_values(rule, world, value))
                    attempts.append((url, {}))
            if method != "GET":
                attempts.append((real_url, {"json_text": DEEP}))
                attempts.append((real_url, {"json_text": DEEP_OBJECT}))
            for url, kwargs in attempts:
                status = send(client, method, url, token, **kwargs)
                if status >= 500:
                    crashes.append(f"{who}: {method} {url} {kwargs!r:.80} -> {status}")
    assert not crashes, "\n".join(dict.fromkeys(crashes))
