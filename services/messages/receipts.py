"""Delivery receipts from the SMS gateway: the message found by its reference
(the client reference sent with it, services.messages.notify), its status set.

A receipt may come before the worker has marked its own attempt (a gateway
that answers late but reports fast) or for a message whose attempt timed out
(delivery "unknown"): "delivered" then also marks it sent, so it is not sent
again. Final words (delivered, undelivered) are not overwritten by a late
"accepted".
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from domain import delivery
from extensions import db
from models import Notification
from models.base import utcnow

LOGGER = logging.getLogger("lienthong.notify")


class UnknownReference(Exception):
    pass


def record(reference: str, word: str) -> str:
    """Apply one receipt; the message's status after it. Raises
    UnknownReference for a reference no message has, ValueError for a word."""
    status = delivery.from_receipt(word)
    if status is None:
        raise ValueError(word)
    row = db.session.scalars(
        select(Notification).where(
            Notification.reference == reference, Notification.channel == "sms"
        )
    ).first()
    if row is None:
        raise UnknownReference(reference)
    if row.delivery_status in (delivery.DELIVERED, delivery.UNDELIVERED) and (
        status == delivery.ACCEPTED
    ):
        db.session.rollback()
        return row.delivery_status
    now = utcnow()
    values = {"delivery_status": status, "delivery_at": now}
    if status == delivery.DELIVERED and row.sent_at is None:
        values["sent_at"] = now  # on the phone: never again, whatever the attempt said
    if status == delivery.DELIVERED and row.challenge_id is not None:
        values["body"] = ""  # a code: kept no longer than needed
    db.session.execute(update(Notification).where(Notification.id == row.id).values(**values))
    db.session.commit()
    LOGGER.info("Receipt for message %s: %s", row.id, status)
    return status
