"""The life of an invoice after drafting: validation, deletion, credit notes (payments: payments/paying.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, type_coerce
from sqlmodel import Session, select

from koban_cli.db import locks, transaction
from koban_cli.db.engine import Ledger
from koban_cli.db.integrity_sql import stored_content
from koban_cli.db.models import (
    ContractPeriod,
    Customer,
    Invoice,
    SalesOrder,
    ScheduleEntry,
)
from koban_cli.db.types import MoneyColumn
from koban_cli.domain import billing
from koban_cli.domain.kinds import InvoiceKind, LineKind, Status
from koban_cli.domain.money import Money
from koban_cli.domain.values import ZERO
from koban_cli.errors import InvalidState, InvalidValue, OverCrediting, OverInvoicing
from koban_cli.services import billed, lookup, order_status
from koban_cli.services import lines as doc_lines
from koban_cli.services.invoicing import issuing
from koban_cli.services.invoicing.drafts import draft
from koban_cli.services.invoicing.issuing import link
from koban_cli.services.numbering import take_number


@dataclass(frozen=True, slots=True)
class Validated:
    """A draft just validated: its definitive number, the reference it had, its dates and frozen totals."""

    ref: str
    number: str
    provisional_ref: str
    date: dt.date
    due_date: dt.date | None  # a credit note has none
    net: Money
    gross: Money


@dataclass(frozen=True, slots=True)
class CreditNoteDrafted:
    """A draft credit note just written: its PROV- reference, the invoice it credits, its totals."""

    ref: str
    number: str | None
    kind: InvoiceKind
    credits: str
    net: Money
    gross: Money


def validate(ledger: Ledger, ref: str, date: dt.date) -> Validated:
    """Give the definitive number, freeze the totals and set the due date."""
    with ledger.write() as session:
        invoice = locks.row(session, lookup.invoice(session, ref))  # two clients validating it: one waits
        issuing.check_validation_date(date, ref)
        validate_draft(session, invoice, ref, date)
        return Validated(
            invoice.number,
            invoice.number,
            ref,
            invoice.date,
            invoice.due_date,
            Money.of(invoice.net),
            Money.of(invoice.gross),
        )


def validate_draft(session: Session, invoice: Invoice, ref: str, date: dt.date) -> None:
    """Validation inside the caller's transaction (also used by contract bill-due)."""
    if invoice.status != Status.DRAFT:
        raise InvalidState(f"{ref} is already validated as {invoice.number}")
    lines = doc_lines.lines_of(session, invoice)
    if not any(line.kind != LineKind.TEXT for line in lines):
        raise InvalidState(f"{ref} has no priced line; add one with: koban invoice add-line {ref} …")
    doc_lines.refresh_totals(session, invoice, lines)
    issuing.check_credit_note_date(session, invoice, date)
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        locks.row(session, session.get(Invoice, invoice.credited_invoice_id))
        _check_credit_room(session, invoice, ref)
    elif invoice.order_id:
        locks.order(session, invoice.order_id)
        _check_order_room(session, invoice, ref)
    locks.pause("invoices.validate")
    locks.chain_head(session)  # before the number: numbers and chain links follow one order
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    invoice.number = take_number(session, "credit_note" if credit else "invoice", date, chronological=True)
    invoice.date = date
    if not credit:
        customer = session.get(Customer, invoice.customer_id)
        terms = customer.payment_terms_days
        terms = lookup.company(session).payment_terms_days if terms is None else terms
        invoice.due_date = date + dt.timedelta(days=terms)
    issuing.freeze(session, invoice)
    session.add(invoice)
    session.flush()
    _chain(session, invoice)
    locks.pause("invoices.chained")
    invoice.status = Status.VALIDATED  # written by the next flush, with whatever comes next
    if invoice.order_id:
        order_status.refresh(session, session.get(SalesOrder, invoice.order_id))


def _chain(session: Session, invoice: Invoice) -> None:
    """Link the invoice to the previous one: its hash covers the stored values (see `koban verify`)."""
    work = transaction.of(session)
    previous = (
        work.chain_head
        or session.exec(
            select(Invoice.chain_index, Invoice.chain_hash)
            .where(Invoice.chain_index.is_not(None))
            .order_by(Invoice.chain_index.desc())
            .limit(1)
        ).first()
    )
    invoice.chain_index = (previous[0] if previous else 0) + 1
    invoice.chain_hash = link(previous[1] if previous else None, stored_content(session.connection(), invoice.id))
    work.chain_head = (invoice.chain_index, invoice.chain_hash)  # the head, within this transaction


def _check_order_room(session: Session, invoice: Invoice, ref: str) -> None:
    order = session.get(SalesOrder, invoice.order_id)
    if order.status not in (Status.VALIDATED, Status.INVOICED):
        raise InvalidState(f"{ref} bills {order.number}, which is {order.status}")
    done = billed.invoiced(session, order)
    if done + invoice.net > order.net:
        raise OverInvoicing(
            f"{ref} ({invoice.net:.2f}) would take {order.number} to {done + invoice.net:.2f}, "
            f"above its net {order.net:.2f}; delete the draft"
        )


def _check_credit_room(session: Session, credit: Invoice, ref: str) -> None:
    source = session.get(Invoice, credit.credited_invoice_id)
    others = session.exec(
        select(type_coerce(func.coalesce(func.sum(Invoice.net), 0), MoneyColumn)).where(
            Invoice.credited_invoice_id == source.id, Invoice.status == Status.VALIDATED
        )
    ).one()
    if others + credit.net > source.net:
        raise OverCrediting(
            f"{ref} would credit {others + credit.net:.2f} on {source.number}, more than its net {source.net:.2f}"
        )


def delete(ledger: Ledger, ref: str) -> None:
    with ledger.write() as session:
        invoice = locks.row(session, lookup.invoice(session, ref))
        if invoice.status != Status.DRAFT:
            raise InvalidState(
                f"{ref} is validated and can never be deleted; "
                f"correct it with a credit note (koban invoice credit {ref})"
            )
        # What the draft was made for becomes due again: its contract period, its planned entry.
        for period in session.exec(select(ContractPeriod).where(ContractPeriod.invoice_id == invoice.id)):
            session.delete(period)
        for entry in session.exec(select(ScheduleEntry).where(ScheduleEntry.invoice_id == invoice.id)):
            entry.invoice_id = None
            session.add(entry)
        doc_lines.remove_all(session, invoice)
        session.delete(invoice)


def credit(
    ledger: Ledger,
    ref: str,
    date: dt.date,
    amount: Money | None = None,
    picks: dict[int, Decimal] | None = None,
    reason: str = "",
) -> CreditNoteDrafted:
    """Draft a credit note (avoir) for all, an amount, or chosen lines of a validated invoice."""
    if amount is not None and picks:
        raise InvalidValue("give --amount or --line, not both")
    asked = None if amount is None else amount.amount_in(what="--amount")
    with ledger.write() as session:
        source = locks.row(session, lookup.invoice(session, ref))
        if source.kind == InvoiceKind.CREDIT_NOTE:
            raise InvalidState(f"{ref} is a credit note; credit the invoice it corrects instead")
        if source.status != Status.VALIDATED:
            raise InvalidState(f"{ref} is a draft; change or delete it instead (koban invoice delete {ref})")
        issuing.check_credit_date(source, date)
        source_lines = [line for line in doc_lines.lines_of(session, source) if line.kind != LineKind.TEXT]
        used = billed.credit_usage(session, source_lines)
        if source.kind == InvoiceKind.DEPOSIT:  # a deposit is credited only for what no invoice has deducted yet
            order = session.get(SalesOrder, source.order_id)
            left = {d.deposit_line_id: d.amount for d in billed.open_deposits(session, order)}
            credited = sum((used.get(line.id, (ZERO, ZERO))[1] for line in source_lines), ZERO)
            used = {line.id: (used.get(line.id, (ZERO, ZERO))[0], line.net - left[line.id]) for line in source_lines}
            available = sum(left.get(line.id, ZERO) for line in source_lines)
            deducted = source.net - available - credited
            if deducted > 0 and ((available <= 0 and not picks) or (asked and asked > available)):
                raise OverCrediting(
                    f"{ref} has {available:.2f} left to credit: the rest of the deposit was deducted by "
                    f"a later invoice of {order.number} (credit that invoice instead)"
                )
        lines = [
            billed.billable(
                line,
                used,
                order_line_id=line.order_line_id,
                source_line_id=line.id,
                deposit_line_id=line.id if source.kind == InvoiceKind.DEPOSIT else line.deposit_line_id,
            )
            for line in source_lines
        ]
        new_lines = billing.credit_lines(lines, ref, amount=amount, picks=picks)
        order = session.get(SalesOrder, source.order_id) if source.order_id else None
        note = reason or f"Avoir sur facture {source.number}"
        credit_note = draft(session, source.customer_id, InvoiceKind.CREDIT_NOTE, date, new_lines, order, note, source)
        credit_note.project_id = source.project_id  # a project's credit notes count against what it invoiced
        return CreditNoteDrafted(
            lookup.invoice_ref(credit_note),
            None,
            InvoiceKind.CREDIT_NOTE,
            source.number,
            Money.of(credit_note.net),
            Money.of(credit_note.gross),
        )
