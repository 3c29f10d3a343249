"""Check API responses against the published OpenAPI document."""

import re

import jsonschema

from blueprints.api.spec import openapi_document

_DOC = None


def _doc():
    global _DOC
    if _DOC is None:
        _DOC = openapi_document()
    return _DOC


def _template_for(path: str) -> str:
    for template in _doc()["paths"]:
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            return template
    raise AssertionError(f"{path} is not in the OpenAPI document")


def assert_matches_spec(method: str, path: str, response) -> None:
    """The status is documented for the operation and the JSON body fits its schema."""
    path = path.split("?")[0].removeprefix("/api/v1")
    operation = _doc()["paths"][_template_for(path)].get(method.lower())
    assert operation is not None, f"{method} {path} is not documented"
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, f"{response.status_code} not documented for {method} {path}"
    content = documented.get("content", {}).get("application/json")
    if content is not None:
        jsonschema.validate(response.get_json(), content["schema"])
