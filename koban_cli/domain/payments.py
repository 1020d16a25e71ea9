"""Payments of an invoice: when one may be dated, the payment status, lateness."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from koban_cli.domain.kinds import PaymentStatus
from koban_cli.errors import InvalidValue


def check_payment_date(invoice, date: dt.date) -> None:
    """A payment is never dated before the invoice it settles (`invoice`: a row or object with date and number)."""
    if date < invoice.date:
        raise InvalidValue(
            f"a payment of {invoice.number} cannot be dated {date.isoformat()}, before the invoice; "
            f"the earliest date allowed is {invoice.date.isoformat()}"
        )


def payment_status(gross: Decimal, paid: Decimal) -> PaymentStatus:
    if paid >= gross:
        return PaymentStatus.PAID
    return PaymentStatus.PARTIALLY_PAID if paid > 0 else PaymentStatus.UNPAID


def days_late(due: dt.date | None, as_of: dt.date, settled: bool) -> int:
    if settled or due is None or due >= as_of:
        return 0
    return (as_of - due).days
