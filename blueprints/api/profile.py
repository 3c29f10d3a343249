"""The citizen's kept details (services/identity/profile.py), for the wizard."""

from flask import jsonify

from blueprints.api import bp
from blueprints.api.common import ApiError, citizen_api, json_body
from blueprints.api.spec import documented
from services.identity import profile

PROFILE = {
    "type": "object",
    "properties": {
        "consent": {"type": "boolean"},
        "answers": {"type": "object", "additionalProperties": {"type": "string"}},
        "communes": {"type": "array", "items": {"type": "object"}},
    },
}
SAVE = {
    "type": "object",
    "required": ["answers"],
    "additionalProperties": False,
    "properties": {
        "answers": {
            "type": "object",
            "maxProperties": 20,
            "additionalProperties": {"type": "string", "maxLength": 1000},
        }
    },
}


@bp.get("/account/profile")
@documented("get", "/account/profile", "Thông tin của bạn đã lưu", {200: PROFILE, 401: None})
@citizen_api
def get_profile(citizen):
    response = jsonify(profile.as_json(citizen))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.put("/account/profile")
@documented(
    "put",
    "/account/profile",
    "Lưu thông tin của bạn cho lần nộp sau (bạn đồng ý khi gửi)",
    {200: PROFILE, 400: None, 401: None, 422: None},
    request=SAVE,
)
@citizen_api
def save_profile(citizen):
    body = json_body(SAVE)
    try:
        profile.save(citizen, body["answers"])
    except profile.ProfileProblem as problem:
        raise ApiError(422, "invalid_profile", problem.message, fields=problem.fields) from None
    return jsonify(profile.as_json(citizen))


@bp.delete("/account/profile")
@documented("delete", "/account/profile", "Xóa thông tin của bạn đã lưu", {200: PROFILE, 401: None})
@citizen_api
def forget_profile(citizen):
    profile.forget(citizen)
    return jsonify(profile.as_json(citizen))
