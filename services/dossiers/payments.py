"""Fees: what the catalog says is due, and how the citizen pays it.

Payment goes through a provider. Today there is one, "office": the citizen
pays in cash at the one-stop desk and the officer confirms it. An online
provider (e.g. the national portal's payment platform) implements the same
interface later: ``instructions`` for the citizen, and it confirms by itself
through its callback instead of an officer.
"""

from __future__ import annotations

from typing import Protocol

from domain.catalog import CATALOG
from domain.numbers import whole_number
from models import Payment
from models.base import utcnow


class PaymentProvider(Protocol):
    name: str
    confirmed_by_officer: bool

    def instructions(self, payment: Payment) -> str:
        """What the citizen reads: how and where to pay."""
        ...

    def mark_paid(self, payment: Payment, reference: str | None = None) -> None: ...


class OfficePayment:
    name = "office"
    confirmed_by_officer = True

    def instructions(self, payment: Payment) -> str:
        amount = f"{payment.amount:,}".replace(",", ".")
        return (
            f"Nộp {amount} đồng ({payment.reason}) tại Bộ phận một cửa của UBND xã, "
            "trong giờ hành chính. Mang theo mã hồ sơ."
        )

    def mark_paid(self, payment: Payment, reference: str | None = None) -> None:
        payment.status = "paid"
        payment.paid_at = utcnow()
        payment.reference = reference


PROVIDERS: dict[str, PaymentProvider] = {"office": OfficePayment()}


def provider(name: str = "office") -> PaymentProvider:
    return PROVIDERS[name]


def suggested_fee(procedure_id: str, answers: dict) -> tuple[int, str]:
    """The catalog's fee for this procedure plus paid copies of the extract."""
    procedure = CATALOG["procedures"][procedure_id]
    amount = int(procedure["fee"]["amount"])
    reasons = [procedure["title"]] if amount else []
    copies = answers.get("ban-sao.so_ban_sao") or "0"
    copy_fee = CATALOG["fees"]["copy"]["amount"]
    copies = whole_number(copies, 1, 1000)
    if procedure["agency"] == "tu-phap" and copies:
        amount += copies * copy_fee
        reasons.append(f"{copies} bản sao trích lục")
    return amount, ", ".join(reasons)
