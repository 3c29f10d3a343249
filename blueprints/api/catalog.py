from flask import jsonify, request
from flask_wtf.csrf import generate_csrf

from blueprints.api import bp
from blueprints.api.common import ApiError, not_found
from blueprints.api.spec import COMMUNE, documented
from domain.catalog import CATALOG, catalog_json
from domain.communes import get_commune, list_communes, search_communes
from domain.numbers import whole_number
from extensions import limiter
from services.dossiers.drafts import commune_json


@bp.get("/catalog")
@documented("get", "/catalog", "Danh mục thủ tục liên thông", {200: {"type": "object"}})
def catalog():
    response = jsonify(catalog_json())
    response.headers["Cache-Control"] = "no-cache"
    response.set_etag(CATALOG["version"])
    return response.make_conditional(request)


@bp.get("/communes")
@limiter.limit("120/minute")
@documented(
    "get",
    "/communes",
    "Tìm xã, phường theo tên (không cần dấu) hoặc mã",
    {200: {"type": "object", "properties": {"results": {"type": "array", "items": COMMUNE}}}},
    parameters=[
        {"name": "q", "in": "query", "required": False, "schema": {"type": "string"}},
        {
            "name": "tinh",
            "in": "query",
            "required": False,
            "schema": {"type": "integer"},
            "description": "Every commune of one province: the phone keeps them for offline search",
        },
    ],
)
def communes():
    province = request.args.get("tinh")
    if province is not None:
        # A province code is a whole number; anything else is a mistake to
        # report, not a reason to answer with a name search for "".
        province = whole_number(province, 1, 999)
        if province is None:
            raise ApiError(400, "invalid_request", "Mã tỉnh, thành phố phải là số.")
        found = list_communes(province)
        response = jsonify({"results": [commune_json(c.code_str) for c in found]})
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response
    query = request.args.get("q", "")[:80]
    return jsonify({"results": [commune_json(c.code_str) for c in search_communes(query)]})


@bp.get("/communes/<code>")
@documented("get", "/communes/{code}", "Một xã, phường theo mã", {200: COMMUNE})
def commune(code: str):
    if not (code.isdigit() and len(code) == 5) or get_commune(code) is None:
        raise not_found("xã, phường có mã này")
    return jsonify(commune_json(code))


@bp.get("/csrf-token")
@documented(
    "get",
    "/csrf-token",
    "Mã chống giả mạo (CSRF) mới cho phiên hiện tại",
    {200: {"type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}}},
)
def csrf_token():
    return jsonify({"token": generate_csrf()})
