"""The life of an invoice after drafting: validation, deletion, credit notes (payments: payments/paying.py).

Validation runs SQLAlchemy Core statements over db/tables.py: `invoice validate` on `Ledger.write_core()`
(its process never imports the ORM), and bill-due's automatic contracts through `validate_draft` inside
their ORM session, with the same rules (the invoice is then a model object, kept in step with what is
written; as services/lines.py does). Deleting a draft and drafting a credit note stay on the ORM.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, type_coerce, update
from sqlalchemy.engine import Connection

from koban_cli.db import locks, tables, transaction
from koban_cli.db.engine import Ledger
from koban_cli.db.integrity_sql import stored_content
from koban_cli.db.types import MoneyColumn
from koban_cli.domain import billing
from koban_cli.domain.kinds import InvoiceKind, LineKind, Status
from koban_cli.domain.money import Money
from koban_cli.domain.values import ZERO
from koban_cli.errors import InvalidState, InvalidValue, OverCrediting, OverInvoicing
from koban_cli.services import billed, lookup, order_status
from koban_cli.services import lines as doc_lines
from koban_cli.services.invoicing import issuing
from koban_cli.services.invoicing.issuing import link
from koban_cli.services.numbering import take_number

_INVOICE = tables.invoice.c


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
    """Give the definitive number, freeze the totals and set the due date (on Core: no ORM to start)."""
    with ledger.write_core() as db:
        row = locks.locked(db, tables.invoice, lookup.invoice_row(db, ref).id)  # two clients validating it: one waits
        issuing.check_validation_date(date, ref)
        issued = validate_draft(db, doc_lines.Draft(doc_lines.INVOICE, row), ref, date)
        return Validated(
            issued.number,
            issued.number,
            ref,
            issued.date,
            issued.due_date,
            Money.of(issued.net),
            Money.of(issued.gross),
        )


@dataclass(frozen=True, slots=True)
class Issued:
    """What validation wrote of an invoice."""

    number: str
    date: dt.date
    due_date: dt.date | None
    net: Decimal
    gross: Decimal


def validate_draft(db, doc, ref: str, date: dt.date, customer=None) -> Issued:
    """Validation inside the caller's transaction: `db` a Core Connection and `doc` a `lines.Draft` of the
    invoice's row, locked (`invoice validate`), or an ORM Session and the model object (contract bill-due).
    `customer`: the invoice's customer when the caller holds it (bill-due), else read here."""
    invoice = doc_lines.values_of(doc)
    if invoice.status != Status.DRAFT:
        raise InvalidState(f"{ref} is already validated as {invoice.number}")
    lines = doc_lines.lines_of(db, doc)
    if not any(line.kind != LineKind.TEXT for line in lines):
        raise InvalidState(f"{ref} has no priced line; add one with: koban invoice add-line {ref} …")
    doc_lines.refresh_totals(db, doc, lines)
    if isinstance(doc, doc_lines.Draft):  # its row is as read: the totals as refresh_totals wrote them
        invoice = db.execute(select(tables.invoice).where(_INVOICE.id == invoice.id)).one()
        doc = doc_lines.Draft(doc_lines.INVOICE, invoice)
    issuing.check_credit_note_date(db, invoice, date)
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    order = None
    if credit:
        source = locks.locked(db, tables.invoice, invoice.credited_invoice_id)
        _check_credit_room(db, invoice, source, ref)
    elif invoice.order_id:
        order = locks.locked(db, tables.sales_order, invoice.order_id)
        _check_order_room(db, invoice, order, ref)
    locks.pause("invoices.validate")
    locks.chain_head(db)  # before the number: numbers and chain links follow one order
    customer = customer or issuing.customer_of(db, invoice)
    written = {"number": take_number(db, "credit_note" if credit else "invoice", date, chronological=True)}
    written["date"] = date
    if not credit:
        terms = customer.payment_terms_days
        terms = lookup.company(db).payment_terms_days if terms is None else terms
        written["due_date"] = date + dt.timedelta(days=terms)
    written |= issuing.freeze(db, doc, invoice.id, customer)
    db.execute(update(tables.invoice).where(_INVOICE.id == invoice.id).values(**written))
    chained = _chain(db, invoice.id)
    locks.pause("invoices.chained")
    chained["status"] = Status.VALIDATED
    db.execute(update(tables.invoice).where(_INVOICE.id == invoice.id).values(**chained))
    if doc is invoice:  # a model object: it holds what was written, so the ORM has nothing more to write
        from sqlalchemy.orm.attributes import set_committed_value

        for name, value in (written | chained).items():
            set_committed_value(invoice, name, value)
    if invoice.order_id:
        if order is None:  # a credit note of an order's invoice
            order = db.execute(select(tables.sales_order).where(tables.sales_order.c.id == invoice.order_id)).one()
        order_status.refresh(db, doc_lines.Draft(doc_lines.ORDER, order))
    return Issued(written["number"], date, written.get("due_date", invoice.due_date), invoice.net, invoice.gross)


def _chain(db, invoice_id: int) -> dict:
    """Link the invoice to the previous one: its hash covers the stored values (see `koban verify`)."""
    work = transaction.of(db)
    previous = (
        work.chain_head
        or db.execute(
            select(_INVOICE.chain_index, _INVOICE.chain_hash)
            .where(_INVOICE.chain_index.is_not(None))
            .order_by(_INVOICE.chain_index.desc())
            .limit(1)
        ).first()
    )
    connection = db if isinstance(db, Connection) else db.connection()
    index = (previous[0] if previous else 0) + 1
    chain_hash = link(previous[1] if previous else None, stored_content(connection, invoice_id))
    work.chain_head = (index, chain_hash)  # the head, within this transaction
    return {"chain_index": index, "chain_hash": chain_hash}


def _check_order_room(db, invoice, order, ref: str) -> None:
    if order.status not in (Status.VALIDATED, Status.INVOICED):
        raise InvalidState(f"{ref} bills {order.number}, which is {order.status}")
    done = billed.invoiced(db, order)
    if done + invoice.net > order.net:
        raise OverInvoicing(
            f"{ref} ({invoice.net:.2f}) would take {order.number} to {done + invoice.net:.2f}, "
            f"above its net {order.net:.2f}; delete the draft"
        )


def _check_credit_room(db, credit, source, ref: str) -> None:
    others = db.execute(
        select(type_coerce(func.coalesce(func.sum(_INVOICE.net), 0), MoneyColumn)).where(
            _INVOICE.credited_invoice_id == source.id, _INVOICE.status == Status.VALIDATED
        )
    ).scalar_one()
    if others + credit.net > source.net:
        raise OverCrediting(
            f"{ref} would credit {others + credit.net:.2f} on {source.number}, more than its net {source.net:.2f}"
        )


def delete(ledger: Ledger, ref: str) -> None:
    from sqlmodel import select

    from koban_cli.db.models import ContractPeriod, ScheduleEntry

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
    from koban_cli.db.models import SalesOrder
    from koban_cli.services.invoicing.drafts import draft  # drafting's imports, for this command only

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
