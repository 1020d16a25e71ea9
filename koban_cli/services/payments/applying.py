"""`invoice apply`: a validated credit note settles an open invoice of the same customer.

Payments are never updated nor deleted (SQLite triggers), so an application is two new payments of
method `credit`: one on the invoice, one (a refund) on the credit note, of the same amount, never more
than either has open; `credit_application` links them. Both documents are locked first (the credit note,
then the invoice), so two applications at once queue and the second one sees what the first one took.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from koban_cli.db import locks
from koban_cli.db.engine import Ledger
from koban_cli.db.models import CreditApplication, Customer, Invoice, Payment
from koban_cli.domain.kinds import InvoiceKind, PaymentMethod, PaymentStatus, Status
from koban_cli.domain.money import Money
from koban_cli.domain.payments import check_payment_date, payment_status
from koban_cli.domain.values import ZERO
from koban_cli.errors import InvalidState, InvalidValue
from koban_cli.services import billed, lookup

METHOD = PaymentMethod.CREDIT


@dataclass(frozen=True, slots=True)
class Applied:
    """A credit note applied to an invoice: the amount, what is left open on each, their payment status."""

    ref: str
    invoice: str
    credit_note: str
    date: dt.date
    amount: Money
    invoice_left: Money
    credit_note_left: Money
    invoice_payment_status: PaymentStatus
    credit_note_payment_status: PaymentStatus


def apply(ledger: Ledger, credit_ref: str, invoice_ref: str, date: dt.date, amount: Money | None = None) -> Applied:
    amount = None if amount is None else amount.amount_in(what="--amount")
    with ledger.write() as session:
        credit = lookup.invoice(session, credit_ref)
        invoice = lookup.invoice(session, invoice_ref)
        # the credit note first, then the invoice: the order `invoice validate` locks a credit note and the
        # invoice it corrects in, so the two never wait on each other
        locks.row(session, credit)
        if invoice.id != credit.id:
            locks.row(session, invoice)
        _check_documents(session, credit, invoice, credit_ref, invoice_ref)
        check_payment_date(invoice, date)
        check_payment_date(credit, date)
        paid = billed.paid_by_invoice(session, [credit.id, invoice.id])
        credit_open = credit.gross - paid.get(credit.id, ZERO)
        invoice_open = invoice.gross - paid.get(invoice.id, ZERO)
        if credit_open <= 0:
            raise InvalidState(
                f"{credit_ref} has nothing left to apply (its {credit.gross:.2f} were refunded or applied)"
            )
        if invoice_open <= 0:
            raise InvalidState(f"{invoice_ref} is already paid")
        room = min(credit_open, invoice_open)
        if amount is not None and amount > room:
            which = (
                f"{credit_ref} has {credit_open:.2f} left"
                if credit_open <= invoice_open
                else (f"{invoice_ref} has {invoice_open:.2f} left to pay")
            )
            raise InvalidValue(f"--amount {amount:.2f} is more than can be applied: {which}")
        applied = room if amount is None else amount
        locks.pause("applying.apply")  # tests: another application runs meanwhile
        payment = Payment(invoice_id=invoice.id, date=date, amount=applied, method=METHOD)
        refund = Payment(invoice_id=credit.id, date=date, amount=applied, method=METHOD)
        session.add_all([payment, refund])
        session.flush()
        session.add(
            CreditApplication(
                credit_note_id=credit.id,
                invoice_id=invoice.id,
                date=date,
                amount=applied,
                payment_id=payment.id,
                refund_id=refund.id,
            )
        )
        return Applied(
            invoice.number,
            invoice.number,
            credit.number,
            date,
            Money.of(applied),
            Money.of(invoice_open - applied),
            Money.of(credit_open - applied),
            payment_status(invoice.gross, invoice.gross - invoice_open + applied),
            payment_status(credit.gross, credit.gross - credit_open + applied),
        )


def _check_documents(session, credit: Invoice, invoice: Invoice, credit_ref: str, invoice_ref: str) -> None:
    if credit.kind != InvoiceKind.CREDIT_NOTE:
        raise InvalidValue(
            f"{credit_ref} is not a credit note; give the credit note first: koban invoice apply AV-… FA-…"
        )
    if credit.status != Status.VALIDATED:
        raise InvalidState(f"{credit_ref} is a draft; validate it before applying it")
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        raise InvalidValue(f"{invoice_ref} is a credit note; a credit note settles an invoice (FA-…)")
    if invoice.status != Status.VALIDATED:
        raise InvalidState(f"{invoice_ref} is a draft; validate it before settling it")
    if credit.customer_id != invoice.customer_id:
        owner = session.get(Customer, credit.customer_id).code
        other = session.get(Customer, invoice.customer_id).code
        raise InvalidValue(
            f"{credit_ref} is for customer {owner} and {invoice_ref} for {other}; "
            "a credit note settles invoices of its own customer"
        )
