"""Every route that takes an id or a code: someone else's gets 404, never the thing.

The routes are read from app.url_map, so a new route with an id and no entry
in CASES (or PUBLIC) fails test_every_route_with_an_id_or_code_has_an_access_case.
"""

import uuid

import pytest

from commands import enable_commune
from extensions import db
from models import Citizen, Dossier, Passkey, Upload
from tests.helpers import sign_in_as
from tests.office.helpers import (
    act,
    add_started_draft,
    add_upload,
    create_officer,
    create_submitted_dossier,
    officer_client,
)

OTHER_COMMUNE = "02143"
FORM = "to-khai-khai-sinh"  # the filled form every birth draft and dossier has
OWNER_PHONE = "+84912345678"
INTRUDER_PHONE = "+84987654321"

# Routes whose <code> is a commune's public code or a file name: nothing personal.
PUBLIC = {
    "static",
    "citizen.commune_landing",
    "api.commune",
    "counter.show",
    "counter.image",
    "helping.help_page",
}

# endpoint -> whose thing it is: the citizen's draft, dossier or passkey, or an
# office dossier. upload_id follows the draft or the dossier.
CASES = {
    "citizen.resume_draft": "draft",
    "citizen.delete_draft": "draft",
    "citizen.dossier_page": "dossier",
    "citizen.supplement_page": "dossier",
    "citizen.withdraw": "dossier",
    "account.remove_passkey": "passkey",
    "account.rename_passkey": "passkey",
    "account.end_session": "session",
    "api.send_confirmation_code": "draft",
    "api.put_draft": "draft",
    "api.get_draft": "draft",
    "api.patch_draft": "draft",
    "api.check": "draft",
    "api.passkey_challenge": "draft",
    "api.create_upload": "draft",
    "api.delete_upload": "draft",
    "api.get_upload": "draft",
    "api.my_dossier": "dossier",
    "api.add_supplement_photo": "dossier",
    "api.remove_supplement_photo": "dossier",
    "office.dossier_page": "office",
    "office.photo": "office",
    "office.act": "office",
    "citizen.slip": "dossier_slip",
    "office.slip": "office_slip",
    "papers.draft_form": "draft",
    "office.dossier_form": "office",
    "office.scanned": "paper",
    "office.token_form": "paper",
    "office.staff_change": "staff",
    "office.not_duplicate": "office",
    "office.counter_draft": "counter",
    "office.counter_photo": "counter",
    "office.counter_photo_remove": "counter",
    "office.counter_photo_file": "counter",
    "office.counter_code": "counter",
    "office.counter_declaration": "counter",
    "office.counter_file": "counter",
}
# An officer's: by dossier code, paper token or counter draft.
OFFICE_KINDS = ("office", "office_slip", "paper", "counter")


def rules_with_ids(app):
    return [r for r in app.url_map.iter_rules() if r.arguments]


def test_every_route_with_an_id_or_code_has_an_access_case(app):
    missing = {r.endpoint for r in rules_with_ids(app)} - PUBLIC - set(CASES)
    assert not missing, f"add these routes to tests/test_access.py CASES: {sorted(missing)}"


def add_session_row(citizen_id: int) -> int:
    from services.identity import sessions

    _token, row = sessions.open_row(db.session.get(Citizen, citizen_id), "Chrome trên Android")
    db.session.commit()
    return row.id


def _citizen_things(phone: str, commune: str = "05665") -> dict:
    """A submitted dossier with photos and an open draft with a photo."""
    code = create_submitted_dossier(phone=phone, commune=commune)
    dossier = db.session.scalars(db.select(Dossier).where(Dossier.code == code)).one()
    dossier_upload = db.session.scalars(
        db.select(Upload.id).where(Upload.dossier_id == dossier.id)
    ).first()
    draft = add_started_draft(dossier.citizen_id)
    draft.paper_token = uuid.uuid4().hex[:12].upper().replace("0", "2").replace("1", "3")
    db.session.add(
        Passkey(
            credential_id=uuid.uuid4().bytes,
            citizen_id=dossier.citizen_id,
            user_handle=uuid.uuid4().bytes,
            public_key=b"not-a-real-key",
            aaguid=str(uuid.UUID(int=0)),
            name="Điện thoại",
        )
    )
    db.session.commit()
    draft_upload = db.session.scalars(db.select(Upload.id).where(Upload.draft_id == draft.id)).one()
    passkey_id = db.session.scalars(
        db.select(Passkey.id).where(Passkey.citizen_id == dossier.citizen_id)
    ).one()
    session_id = add_session_row(dossier.citizen_id)
    # An accepted dossier of the same citizen, so its receipt slip exists.
    accepted = create_submitted_dossier(phone=phone, commune=commune)
    act(accepted, "tu-phap", "accept")
    return {
        "dossier_slip": {"code": accepted, "kind": "tiep-nhan"},
        "office_slip": {"code": accepted, "kind": "tiep-nhan"},
        "session": {"session_id": session_id},
        "citizen_id": dossier.citizen_id,
        "draft": {"draft_id": draft.id, "upload_id": draft_upload, "attachment_id": FORM},
        "dossier": {"code": code, "upload_id": dossier_upload},
        "office": {"code": code, "upload_id": dossier_upload, "attachment_id": FORM},
        "paper": {"token": draft.paper_token, "attachment_id": FORM},
        "passkey": {"passkey_id": passkey_id},
        "counter": _counter_draft(commune),
        # An officer account of the commune, as its admin's page names it.
        "staff": {
            "officer_id": create_officer("bhxh", commune, f"bhxh-{phone[-4:]}").id,
            "what": "khoa",
        },  # fmt: skip
    }


def _counter_draft(commune: str) -> dict:
    """A dossier being filed at this commune's counter, with one page."""
    from services.desk import filing

    desk = create_officer("tu-phap", commune, f"quay-{commune}")
    draft = filing.start(desk, "khai-sinh", ["dang-ky-khai-sinh", "dang-ky-thuong-tru"], "")
    add_upload(draft.citizen_id, draft.id, "giay-chung-sinh")
    db.session.commit()
    upload_id = db.session.scalars(db.select(Upload.id).where(Upload.draft_id == draft.id)).one()
    return {"draft_id": draft.id, "upload_id": upload_id}


@pytest.fixture
def world(app):
    with app.app_context():
        enable_commune(OTHER_COMMUNE, "Cán bộ xã khác", "0123 456 789", "Giờ hành chính")
        owner = _citizen_things(OWNER_PHONE)
        intruder = _citizen_things(INTRUDER_PHONE, commune=OTHER_COMMUNE)
    return {"owner": owner, "intruder": intruder}


def citizen_client(app, citizen_id: int):
    client = app.test_client()
    sign_in_as(app, client, citizen_id=citizen_id)
    return client


def request(client, method: str, url: str):
    """Send with a valid CSRF token and a body that passes the schema, so only
    the ownership check can refuse."""
    if method == "GET":
        return client.get(url)
    token = client.get("/api/v1/csrf-token").get_json()["token"]
    kwargs = {"headers": {"X-CSRFToken": token}}
    if url.startswith("/api/"):
        kwargs["json"] = {"commune_code": "05665"} if method == "PUT" else {}
    else:
        kwargs["data"] = {}
    return client.open(url, method=method, **kwargs)


def cases(app):
    for rule in rules_with_ids(app):
        if rule.endpoint in PUBLIC:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def intruder_client(app, world, kind: str):
    if kind == "staff":  # another commune's admin
        return officer_client(app, "quan-tri", OTHER_COMMUNE)
    if kind in OFFICE_KINDS:
        return officer_client(app, "tu-phap", OTHER_COMMUNE)
    return citizen_client(app, world["intruder"]["citizen_id"])


def url_for_rule(app, rule, values: dict) -> str:
    with app.test_request_context():
        return app.url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})


def test_someone_elses_id_or_code_is_a_404_on_every_route(app, world):
    wrong = []
    for rule, method in cases(app):
        kind = CASES[rule.endpoint]
        url = url_for_rule(app, rule, world["owner"][kind])
        response = request(intruder_client(app, world, kind), method, url)
        if response.status_code != 404:
            wrong.append(f"{method} {rule.rule} -> {response.status_code}")
    assert not wrong


def test_ones_own_parent_with_someone_elses_photo_is_a_404(app, world):
    for rule, method in cases(app):
        if "upload_id" not in rule.arguments:
            continue
        kind = CASES[rule.endpoint]
        values = {**world["intruder"][kind], "upload_id": world["owner"][kind]["upload_id"]}
        url = url_for_rule(app, rule, values)
        response = request(intruder_client(app, world, kind), method, url)
        assert response.status_code == 404, f"{method} {rule.rule} -> {response.status_code}"


def test_the_owner_reaches_the_same_pages_so_the_404s_above_mean_something(app, world):
    for rule, method in cases(app):
        if method != "GET":
            continue
        kind = CASES[rule.endpoint]
        client = (
            officer_client(app, "tu-phap")
            if kind in OFFICE_KINDS
            else citizen_client(app, world["owner"]["citizen_id"])
        )
        response = client.get(url_for_rule(app, rule, world["owner"][kind]))
        response.close()
        assert response.status_code in (200, 302), f"GET {rule.rule} -> {response.status_code}"
