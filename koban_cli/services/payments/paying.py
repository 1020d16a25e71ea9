"""`invoice pay`: a payment received on a validated invoice, written on Core (no ORM to start).

The invoice's row is locked first, so two payments of one invoice queue and the second one sees what the
first one paid: together they never pay more than the invoice's gross.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert

from koban_cli.db import locks, tables
from koban_cli.db.engine import Ledger
from koban_cli.domain.kinds import PaymentStatus, Status
from koban_cli.domain.money import Money
from koban_cli.domain.payments import check_payment_date, payment_status
from koban_cli.domain.values import ZERO
from koban_cli.errors import InvalidState, InvalidValue
from koban_cli.services import billed, lookup


@dataclass(frozen=True, slots=True)
class PaymentRecorded:
    """A payment recorded on an invoice: all that is paid on it now, and its payment status."""

    ref: str
    number: str
    paid: Money
    payment_status: PaymentStatus


def pay(ledger: Ledger, ref: str, amount: Money, date: dt.date, method: str = "") -> PaymentRecorded:
    amount = amount.amount_in(what="--amount")
    with ledger.write_core() as connection:
        invoice = locks.locked(connection, tables.invoice, lookup.invoice_row(connection, ref).id)
        if invoice.status != Status.VALIDATED:
            raise InvalidState(f"{ref} is a draft; validate it before recording a payment")
        check_payment_date(invoice, date)
        paid = billed.paid_by_invoice(connection, [invoice.id]).get(invoice.id, ZERO)
        if paid + amount > invoice.gross:
            raise InvalidValue(f"{amount:.2f} is more than the {invoice.gross - paid:.2f} left to pay on {ref}")
        locks.pause("paying.pay")  # tests: another payment of the invoice runs meanwhile
        connection.execute(
            insert(tables.payment).values(invoice_id=invoice.id, date=date, amount=amount, method=method or "")
        )
        return PaymentRecorded(
            ref, invoice.number, Money.of(paid + amount), payment_status(invoice.gross, paid + amount)
        )
