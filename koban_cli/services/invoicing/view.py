"""`invoice show`: an invoice or credit note as it reads, in SQLAlchemy Core only.

Like `invoice list` (invoice_list.py), it imports neither the ORM nor the
models: the rows come from db/tables.py, what is paid from billed.py (the
same sums the writes check), the words from views.py. The document an
invoice is printed from starts from this view (services/documents.py).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select

from koban_cli.db.engine import Ledger
from koban_cli.db.tables import contract, customer, invoice, invoice_line, project, sales_order
from koban_cli.domain.kinds import InvoiceKind, PaymentStatus, Status
from koban_cli.domain.money import Money
from koban_cli.domain.payments import days_late, payment_status
from koban_cli.domain.values import ZERO
from koban_cli.services import billed, lookup, views


@dataclass(frozen=True, slots=True)
class InvoiceView:
    """An invoice or credit note as `invoice show` gives it and as it is printed (SPEC §11)."""

    ref: str
    number: str | None
    kind: InvoiceKind
    status: Status
    payment_status: PaymentStatus
    order: str | None
    contract: str | None
    customer: str
    customer_name: str
    date: dt.date
    due_date: dt.date | None
    days_late: int
    net: Money
    tax: Money
    gross: Money
    paid: Money
    sent_at: dt.datetime | None
    send_error: str | None
    project: str | None
    lines: tuple[views.InvoiceLine, ...]
    vat: tuple[views.VatRow, ...]
    credits: str | None
    credit_notes: tuple[str, ...]
    deposits_deducted: tuple[str, ...]
    note: str | None


def show(ledger: Ledger, ref: str, as_of: dt.date) -> InvoiceView:
    """The invoice `ref` (number or `PROV-<id>`) with its lines, VAT, payments and days late on `as_of`."""
    with ledger.read_core() as db:
        return view(db, lookup.invoice_row(db, ref), as_of)


def view(db, row, as_of: dt.date) -> InvoiceView:
    """The view of an invoice's row (see `lookup.invoice_row`); `db` is a Core connection or a session."""
    names = _names(db, row.id)
    lines = views.lines(db, "invoice", row.id)
    refs = views.product_refs(db, lines)
    paid = billed.paid_by_invoice(db, [row.id]).get(row.id, ZERO)
    credit_notes = db.execute(
        select(invoice.c.id, invoice.c.number).where(invoice.c.credited_invoice_id == row.id).order_by(invoice.c.id)
    )
    settled = paid >= row.gross
    return InvoiceView(
        ref=lookup.invoice_ref(row),
        number=row.number,
        kind=InvoiceKind(row.kind),
        status=Status(row.status),
        payment_status=payment_status(row.gross, paid),
        order=names.order,
        contract=names.contract,
        customer=names.code,
        customer_name=names.name,
        date=row.date,
        due_date=row.due_date,
        days_late=days_late(row.due_date, as_of, settled) if row.status == Status.VALIDATED else 0,
        net=Money(row.net),
        tax=Money(row.tax),
        gross=Money(row.gross),
        paid=Money(paid),
        sent_at=row.sent_at,
        send_error=row.send_error,
        project=names.project,
        lines=tuple(
            views.InvoiceLine(*views.line_fields(line, refs), line.period_start, line.period_end) for line in lines
        ),
        vat=views.vat_rows(lines),
        credits=names.credits,
        credit_notes=tuple(lookup.invoice_ref(note) for note in credit_notes),
        deposits_deducted=tuple(deducted_deposits(db, lines)),
        note=row.note or None,
    )


def _names(db, invoice_id: int):
    """What the invoice names, in one query: its customer's code and name, the numbers of its order,
    contract, project and of the invoice it credits (None where it names none)."""
    credited = invoice.alias("credited")
    query = (
        select(
            customer.c.code,
            customer.c.name,
            sales_order.c.number.label("order"),
            contract.c.number.label("contract"),
            project.c.number.label("project"),
            credited.c.number.label("credits"),
        )
        .select_from(invoice)
        .join(customer, customer.c.id == invoice.c.customer_id)
        .outerjoin(sales_order, sales_order.c.id == invoice.c.order_id)
        .outerjoin(contract, contract.c.id == invoice.c.contract_id)
        .outerjoin(project, project.c.id == invoice.c.project_id)
        .outerjoin(credited, credited.c.id == invoice.c.credited_invoice_id)
        .where(invoice.c.id == invoice_id)
    )
    return db.execute(query).one()


def deducted_deposits(db, lines) -> list[str]:
    """The numbers of the deposit invoices whose lines these lines deduct."""
    ids = {line.deposit_line_id for line in lines if line.deposit_line_id}
    if not ids:
        return []
    query = (
        select(invoice.c.number)
        .join(invoice_line, invoice_line.c.invoice_id == invoice.c.id)
        .where(invoice_line.c.id.in_(ids))
        .distinct()
        .order_by(invoice.c.number)
    )
    return list(db.execute(query).scalars())


def frozen(snapshot: str | None) -> dict | None:
    """What a validated invoice froze at issue (seller, buyer, e-invoicing facts, language; see
    services/invoicing/issuing.py), or None when it holds nothing."""
    return json.loads(snapshot) if snapshot else None
