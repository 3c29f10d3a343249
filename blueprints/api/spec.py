"""The API's OpenAPI 3.1 document, built from the routes that declare themselves.

Each view states its request and response schemas with @documented; the same
request schema is what json_body() checks, so the document cannot drift from
the code.
"""

OPERATIONS: list[dict] = []

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                "missing": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Photo client ids the server does not hold",
                },
            },
        }
    },
}

ANSWERS = {
    "type": "object",
    "maxProperties": 400,
    "propertyNames": {"pattern": r"^[a-z0-9-]+\.[a-z0-9_-]+$"},
    "additionalProperties": {"type": "string", "maxLength": 2000},
}
EDITED_AT = {
    "type": "object",
    "maxProperties": 400,
    "additionalProperties": {"type": "integer", "minimum": 0},
    "description": "Device time (ms since epoch) of each field's latest edit.",
}
PROCEDURE_IDS = {
    "type": "array",
    "maxItems": 8,
    "items": {"type": "string", "maxLength": 64},
}

COMMUNE = {
    "type": "object",
    "required": ["code", "name", "province_code", "province_name", "label"],
    "properties": {
        "code": {"type": "string", "pattern": "^[0-9]{5}$"},
        "name": {"type": "string"},
        "province_code": {"type": "integer"},
        "province_name": {"type": "string"},
        "label": {"type": "string"},
    },
}
UPLOAD = {
    "type": "object",
    "required": ["id", "attachment_id", "client_id", "position", "size", "width", "height"],
    "properties": {
        "id": {"type": "string"},
        "attachment_id": {"type": "string"},
        "client_id": {"type": "string"},
        "position": {"type": "integer"},
        "size": {"type": "integer"},
        "width": {"type": "integer"},
        "height": {"type": "integer"},
        "url": {"type": "string"},
    },
}
DRAFT = {
    "type": "object",
    "required": ["id", "commune", "group_id", "procedure_ids", "answers", "edited_at", "uploads"],
    "properties": {
        "id": {"type": "string"},
        "commune": COMMUNE,
        "group_id": {"type": ["string", "null"]},
        "procedure_ids": {"type": "array", "items": {"type": "string"}},
        "answers": ANSWERS,
        "edited_at": EDITED_AT,
        "step": {"type": ["string", "null"]},
        "uploads": {"type": "array", "items": UPLOAD},
        "updated_at": {"type": "string"},
        "dossier_code": {"type": ["string", "null"]},
    },
}
DRAFT_PUT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["commune_code"],
    "properties": {
        "commune_code": {"type": "string", "pattern": "^[0-9]{5}$"},
        "group_id": {"type": ["string", "null"], "maxLength": 32},
        "procedure_ids": PROCEDURE_IDS,
        "answers": ANSWERS,
        "edited_at": EDITED_AT,
        "step": {"type": ["string", "null"], "maxLength": 64},
    },
}
DRAFT_PATCH = {
    "type": "object",
    "additionalProperties": False,
    "properties": {k: v for k, v in DRAFT_PUT["properties"].items() if k != "commune_code"},
}
CHECK_RESULT = {
    "type": "object",
    "required": ["ok", "fields", "missing_attachments"],
    "properties": {
        "ok": {"type": "boolean"},
        "selection_error": {"type": ["string", "null"]},
        "duplicate": {
            "type": ["string", "null"],
            "description": "Có thể đã có hồ sơ cho trường hợp này: a warning, never a refusal",
        },
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        "warnings": {"type": "object", "additionalProperties": {"type": "string"}},
        "missing_attachments": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "title"],
                "properties": {"id": {"type": "string"}, "title": {"type": "string"}},
            },
        },
    },
}
CONFIRMATION_SENT = {
    "type": "object",
    "required": ["sent_to", "resend_after"],
    "properties": {
        "sent_to": {"type": "string"},
        "resend_after": {"type": "integer"},
        "sending": {"type": "boolean"},  # true: still on its way to the gateway
    },
}

# A delivery receipt from the SMS gateway (blueprints/api/receipts.py): the
# client reference we sent with the message and the gateway's word for it.
SMS_RECEIPT = {
    "type": "object",
    "required": ["reference", "status"],
    "properties": {
        "reference": {"type": "string", "minLength": 1, "maxLength": 40},
        "status": {"type": "string", "minLength": 1, "maxLength": 40},
    },
}
SMS_RECEIPT_RECORDED = {
    "type": "object",
    "required": ["reference", "status"],
    "properties": {"reference": {"type": "string"}, "status": {"type": "string"}},
}


def _b64url(max_length: int) -> dict:
    return {"type": "string", "pattern": "^[A-Za-z0-9_-]*={0,2}$", "maxLength": max_length}


# WebAuthn answers as PublicKeyCredential.toJSON() writes them (static/js/passkeys.js).
_CREDENTIAL_COMMON = {
    "id": _b64url(1400),
    "rawId": _b64url(1400),
    "type": {"const": "public-key"},
    "authenticatorAttachment": {"type": ["string", "null"], "maxLength": 32},
    "clientExtensionResults": {"type": "object", "maxProperties": 16},
}
PASSKEY_ASSERTION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "rawId", "type", "response"],
    "description": "The answer of navigator.credentials.get(), binary fields in base64url",
    "properties": {
        **_CREDENTIAL_COMMON,
        "response": {
            "type": "object",
            "additionalProperties": False,
            "required": ["clientDataJSON", "authenticatorData", "signature"],
            "properties": {
                "clientDataJSON": _b64url(4096),
                "authenticatorData": _b64url(4096),
                "signature": _b64url(1024),
                "userHandle": {"anyOf": [_b64url(128), {"type": "null"}]},
            },
        },
    },
}
PASSKEY_ATTESTATION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "rawId", "type", "response"],
    "description": "The answer of navigator.credentials.create(), binary fields in base64url",
    "properties": {
        **_CREDENTIAL_COMMON,
        "response": {
            "type": "object",
            "additionalProperties": False,
            "required": ["clientDataJSON", "attestationObject"],
            "properties": {
                "clientDataJSON": _b64url(4096),
                "attestationObject": _b64url(16384),
                "transports": {
                    "type": "array",
                    "maxItems": 8,
                    "items": {"type": "string", "maxLength": 16},
                },
            },
        },
    },
}
PASSKEY_NEW = {
    "type": "object",
    "additionalProperties": False,
    "required": ["credential"],
    "properties": {
        "credential": PASSKEY_ATTESTATION,
        "name": {"type": "string", "maxLength": 60},
    },
}
PASSKEY_SIGN_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["credential"],
    "properties": {"credential": PASSKEY_ASSERTION},
}
PASSKEY = {
    "type": "object",
    "required": ["id", "name", "created_at", "last_used_at", "backed_up"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "created_at": {"type": "string"},
        "last_used_at": {"type": ["string", "null"]},
        "backed_up": {"type": "boolean"},
    },
}
CREATION_OPTIONS = {
    "type": "object",
    "required": ["rp", "user", "challenge", "pubKeyCredParams"],
    "description": "PublicKeyCredentialCreationOptionsJSON for navigator.credentials.create()",
}
REQUEST_OPTIONS = {
    "type": "object",
    "required": ["rpId", "challenge"],
    "description": "PublicKeyCredentialRequestOptionsJSON for navigator.credentials.get()",
}
SIGNED_IN = {
    "type": "object",
    "required": ["next"],
    "properties": {"next": {"type": "string", "description": "Where to go now"}},
}
SUBMIT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["draft_id", "idempotency_key"],
    "description": "Confirmed by the SMS code, or by a passkey answering "
    "POST /drafts/{draft_id}/passkey-challenge: exactly one of the two.",
    "oneOf": [{"required": ["confirmation_code"]}, {"required": ["passkey_assertion"]}],
    "x-error": "Hãy nhập mã xác nhận trong tin nhắn, hoặc xác nhận bằng khóa đăng nhập "
    "(chỉ một trong hai cách).",
    "properties": {
        "draft_id": {"type": "string", "maxLength": 36},
        "idempotency_key": {"type": "string", "minLength": 16, "maxLength": 64},
        "confirmation_code": {"type": "string", "maxLength": 20},
        "passkey_assertion": PASSKEY_ASSERTION,
        "answers": ANSWERS,
        "edited_at": EDITED_AT,
        "photos": {
            "type": "array",
            "maxItems": 200,
            "items": {"type": "string", "maxLength": 64},
            "description": "Client ids of every photo on the device; all must be on the server",
        },
    },
}
EVENT = {
    "type": "object",
    "required": ["status", "label", "at"],
    "properties": {
        "status": {"type": "integer"},
        "label": {"type": "string"},
        "at": {"type": "string"},
        "procedure": {"type": ["string", "null"]},
        "note": {"type": ["string", "null"]},
    },
}
PROGRESS = {
    "type": "object",
    "required": ["procedure_id", "title", "agency", "status", "label", "due_date"],
    "properties": {
        "procedure_id": {"type": "string"},
        "title": {"type": "string"},
        "agency": {"type": "string"},
        "status": {"type": "integer"},
        "label": {"type": "string"},
        "due_date": {"type": "string", "format": "date"},
    },
}
DOSSIER_STATUS = {
    "type": "object",
    "required": ["code", "status", "label", "received_at", "due_date", "events", "progress"],
    "properties": {
        "code": {"type": "string"},
        "group_title": {"type": "string"},
        "status": {"type": "integer"},
        "label": {"type": "string"},
        "explanation": {"type": "string"},
        "received_at": {"type": "string"},
        "due_date": {"type": "string", "format": "date"},
        "due_text": {"type": "string"},
        "commune": {"type": "string"},
        "events": {"type": "array", "items": EVENT},
        "progress": {"type": "array", "items": PROGRESS},
    },
}
DOSSIER_CREATED = {
    "type": "object",
    "required": ["code", "url", "due_date"],
    "properties": {
        "code": {"type": "string"},
        "url": {"type": "string"},
        "due_date": {"type": "string", "format": "date"},
        "replayed": {"type": "boolean"},
    },
}
STATUS_LOOKUP = {
    "type": "object",
    "additionalProperties": False,
    "required": ["code", "phone_last4"],
    "properties": {
        "code": {"type": "string", "maxLength": 64},
        "phone_last4": {"type": "string", "maxLength": 8},
    },
}


def documented(method: str, path: str, summary: str, responses: dict, request=None, **extra):
    def decorate(view):
        OPERATIONS.append(
            {
                "method": method.lower(),
                "path": path,
                "summary": summary,
                "request": request,
                "responses": responses,
                **extra,
            }
        )
        return view

    return decorate


def _path_params(path: str) -> list[dict]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    return [
        {"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names
    ]


def openapi_document() -> dict:
    paths: dict = {}
    for op in OPERATIONS:
        responses = {}
        for status, schema in op["responses"].items():
            entry = {"description": str(status)}
            if schema is not None:
                media = op.get("response_media", "application/json")
                entry["content"] = {media: {"schema": schema}}
            responses[str(status)] = entry
        for status in ("400", "401", "404", "409", "413", "415", "429"):
            responses.setdefault(
                status,
                {"description": "Lỗi", "content": {"application/json": {"schema": ERROR}}},
            )
        operation = {"summary": op["summary"], "responses": responses}
        params = _path_params(op["path"]) + op.get("parameters", [])
        if params:
            operation["parameters"] = params
        if op["request"] is not None:
            media = op.get("request_media", "application/json")
            operation["requestBody"] = {
                "required": True,
                "content": {media: {"schema": op["request"]}},
            }
        paths.setdefault(op["path"], {})[op["method"]] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Dịch vụ công liên thông khai sinh, khai tử",
            "version": "1.0.0",
            "license": {"name": "GPL-3.0-or-later", "identifier": "GPL-3.0-or-later"},
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            }
        },
    }
