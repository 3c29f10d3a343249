"""schemathesis against /api/v1/openapi.json, in-process over WSGI, as a signed-in citizen.

Every documented operation gets generated requests, once with random path
parameters and once with the ids of a real draft, photo and dossier of the
citizen (so the fuzzing reaches past the 404s): no 5xx, and every status,
content type and body must be the one the document promises.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

import blueprints.api  # noqa: F401  (registers the documented routes)
from blueprints.api.spec import OPERATIONS
from extensions import db
from models import Upload
from tests.api.flow import complete_draft
from tests.office.helpers import create_submitted_dossier

# Bounded so the whole suite stays quick: examples per operation and mode.
MAX_EXAMPLES = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

OPS = sorted({(op["path"], op["method"]) for op in OPERATIONS})


@pytest.fixture
def signed_in(app, api):
    """The citizen's cookie and CSRF header, and real ids to put in paths."""
    draft_id = complete_draft(api)
    with app.app_context():
        code = create_submitted_dossier(phone=api.client.phone)
        upload_id = db.session.scalars(
            db.select(Upload.id).where(Upload.draft_id == draft_id)
        ).first()
    headers = {
        # The checks read bodies as sent; a gzip body (the app compresses what
        # the client accepts) would only test schemathesis' decoding.
        "Accept-Encoding": "identity",
        "X-CSRFToken": api._headers()["X-CSRFToken"],
        "Cookie": f"session={api.client.get_cookie('session').value}",
    }
    return headers, {"draft_id": draft_id, "code": code, "upload_id": upload_id}


@pytest.fixture
def schema(app):
    from extensions import limiter

    # Hundreds of requests from one client: the limits would answer most of
    # them with 429 and the fuzzing would stop at the door.
    limiter.enabled = False
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    limiter.enabled = True


def run(operation, headers, path_parameters, mode):
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same examples on every run: no flaky CI
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case):
        response = case.call(headers=headers)
        checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])
        case.validate_response(response, checks=checks, headers=headers)

    try:
        check()
    except Unsatisfiable:
        # Negative mode on an operation whose only inputs are free strings
        # (no body, no typed query): nothing can be made invalid there.
        if mode is not GenerationMode.NEGATIVE:
            raise


@pytest.mark.parametrize(("path", "method"), OPS, ids=[f"{m} {p}" for p, m in OPS])
def test_fuzzed_requests_get_documented_answers_and_no_5xx(schema, signed_in, path, method):
    headers, real = signed_in
    operation = schema[path][method.upper()]
    params = [p.name for p in operation.path_parameters]
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        run(operation, headers, None, mode)
        if params:
            run(operation, headers, {name: real[name] for name in params}, mode)


def test_every_api_route_is_in_the_document(app):
    documented = {(p, m) for p, m in OPS}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi":
            continue
        path = rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
        path = path.replace("{int:", "{")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {rule.rule} is not documented"
