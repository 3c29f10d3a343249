"""What became of a message at the SMS gateway, in the office's words.

The gateway's delivery receipts use their own words (GOV.UK Notify's callbacks:
delivered, permanent-failure, temporary-failure, technical-failure; many SMS
gateways: DELIVRD, UNDELIV, EXPIRED, REJECTD); they come down to ours.
"""

# Ours: None (not tried yet), then one of these.
UNKNOWN, ACCEPTED, DELIVERED, UNDELIVERED = "unknown", "accepted", "delivered", "undelivered"

LABELS = {
    None: "Chưa gửi",
    UNKNOWN: "Chưa rõ (tổng đài chưa trả lời; sẽ gửi lại cùng mã tin, không gửi trùng)",
    ACCEPTED: "Tổng đài đã nhận, chưa có báo đến máy",
    DELIVERED: "Đã đến máy công dân",
    UNDELIVERED: "Không đến được máy công dân",
}

_RECEIPT_WORDS = {
    "delivered": DELIVERED,
    "delivrd": DELIVERED,
    "permanent-failure": UNDELIVERED,
    "temporary-failure": UNDELIVERED,
    "technical-failure": UNDELIVERED,
    "failed": UNDELIVERED,
    "undelivered": UNDELIVERED,
    "undeliv": UNDELIVERED,
    "expired": UNDELIVERED,
    "rejectd": UNDELIVERED,
    "rejected": UNDELIVERED,
    "accepted": ACCEPTED,
    "sent": ACCEPTED,
    "sending": ACCEPTED,
    "pending": ACCEPTED,
}


def from_receipt(word: str) -> str | None:
    """Our status for a gateway's receipt word; None for a word we do not know."""
    return _RECEIPT_WORDS.get(str(word).strip().lower())


def label(status: str | None, sent: bool = False, failed: bool = False) -> str:
    if failed and status not in (DELIVERED, UNDELIVERED):
        return "Không gửi được (đã thử nhiều lần)"
    if status is None and sent:
        return "Đã gửi"
    return LABELS.get(status, LABELS[None])
