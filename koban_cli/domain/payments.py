"""Payment status and lateness of an invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def payment_status(gross: Decimal, paid: Decimal) -> str:
    if paid >= gross:
        return "paid"
    return "partially_paid" if paid > 0 else "unpaid"


def days_late(due: dt.date | None, as_of: dt.date, settled: bool) -> int:
    if settled or due is None or due >= as_of:
        return 0
    return (as_of - due).days
