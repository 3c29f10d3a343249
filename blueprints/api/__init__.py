"""The JSON API the wizard talks to: /api/v1."""

from flask import Blueprint, jsonify

from blueprints.api.common import ApiError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    return error.response()


from blueprints.api import (  # noqa: E402, F401
    catalog,
    dossiers,
    drafts,
    passkeys,
    profile,
    receipts,
    supplement,
    uploads,
)
from blueprints.api.spec import openapi_document  # noqa: E402


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
