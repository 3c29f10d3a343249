"""Delivery receipts from the SMS gateway: POST /api/v1/sms/receipts.

The gateway is not a browser: no session, no CSRF token. It proves itself with
``Authorization: Bearer <SMS_RECEIPT_TOKEN>`` (compared in constant time); with
no token configured every receipt is refused. A receipt only ever names a
message by its random reference, never by phone number.
"""

import hmac

from flask import current_app, jsonify, request

from blueprints.api import bp
from blueprints.api.common import ApiError, json_body
from blueprints.api.spec import SMS_RECEIPT, SMS_RECEIPT_RECORDED, documented
from extensions import csrf
from services.messages import receipts


def _authenticated() -> bool:
    expected = current_app.config.get("SMS_RECEIPT_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    if not expected or not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given[len("Bearer ") :].encode(), expected.encode())


@bp.post("/sms/receipts")
@csrf.exempt
@documented(
    "post",
    "/sms/receipts",
    "Báo nhận tin nhắn từ tổng đài SMS (xác thực bằng SMS_RECEIPT_TOKEN)",
    {200: SMS_RECEIPT_RECORDED, 401: None, 404: None, 422: None},
    request=SMS_RECEIPT,
)
def sms_receipt():
    if not _authenticated():
        raise ApiError(
            401,
            "unauthorized",
            "Thiếu hoặc sai khóa xác thực của tổng đài SMS (Authorization: Bearer ...).",
            headers={"WWW-Authenticate": "Bearer"},
        )
    body = json_body(SMS_RECEIPT)
    try:
        status = receipts.record(body["reference"], body["status"])
    except receipts.UnknownReference:
        raise ApiError(404, "unknown_reference", "Không có tin nhắn nào mang mã tin này.") from None
    except ValueError:
        raise ApiError(
            422,
            "unknown_status",
            "Trạng thái không được hỗ trợ. Hãy gửi delivered, permanent-failure, "
            "temporary-failure, technical-failure hoặc accepted.",
        ) from None
    return jsonify({"reference": body["reference"], "status": status})
