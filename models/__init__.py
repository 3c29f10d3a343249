"""Database models. Import from here so Alembic sees every table."""

from models.account import Citizen, OtpChallenge, PhoneCodeFailures
from models.commune import Commune
from models.dossier import (
    DailySequence,
    Dossier,
    DossierEvent,
    DuplicateDismissal,
    ProcedureProgress,
)
from models.draft import Draft, Upload
from models.office import Notification, Officer, OfficerAudit, Payment
from models.passkey import Passkey, WebAuthnChallenge
from models.session import UserSession
from models.vneid import VneidIdentity

__all__ = [
    "Citizen",
    "Commune",
    "DailySequence",
    "Dossier",
    "DossierEvent",
    "Draft",
    "Notification",
    "Officer",
    "OfficerAudit",
    "OtpChallenge",
    "Passkey",
    "Payment",
    "PhoneCodeFailures",
    "ProcedureProgress",
    "DuplicateDismissal",
    "Upload",
    "UserSession",
    "VneidIdentity",
    "WebAuthnChallenge",
]
