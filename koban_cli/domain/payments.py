"""Payment status and lateness of an invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from koban_cli.domain.kinds import PaymentStatus


def payment_status(gross: Decimal, paid: Decimal) -> PaymentStatus:
    if paid >= gross:
        return PaymentStatus.PAID
    return PaymentStatus.PARTIALLY_PAID if paid > 0 else PaymentStatus.UNPAID


def days_late(due: dt.date | None, as_of: dt.date, settled: bool) -> int:
    if settled or due is None or due >= as_of:
        return 0
    return (as_of - due).days
