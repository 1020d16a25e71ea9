"""`invoice list`, in SQLAlchemy Core only: it runs all day, in scripts and at a terminal.

Like the remaining-to-invoice report (order_list.py), it imports neither the
ORM nor the models, and keeps money in integer cents from SQL: a row is an
`InvoiceRow` (a NamedTuple, as cheap as the tuple SQL gives) that `cli/invoices.py`
turns into text, one comprehension over 50,000 rows.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import func, select

from koban_cli.db.engine import Ledger
from koban_cli.db.tables import cents, customer, invoice, payment, sales_order
from koban_cli.domain.kinds import INVOICE_STATUSES, InvoiceKind, PaymentStatus, Status
from koban_cli.domain.payments import days_late, payment_status
from koban_cli.errors import InvalidValue, not_found

KINDS = tuple(InvoiceKind)
STATUSES = INVOICE_STATUSES


class InvoiceRow(NamedTuple):
    """One invoice or credit note of `invoice list`: amounts in integer cents, `sent_at` as stored."""

    ref: str
    number: str | None
    kind: str
    status: str
    payment_status: PaymentStatus
    customer: str
    order: str | None
    date: dt.date
    due_date: dt.date | None
    net_cents: int
    gross_cents: int
    paid_cents: int
    days_late: int
    sent_at: dt.datetime | None


def invoice_rows(
    ledger: Ledger,
    as_of: dt.date,
    order: str | None = None,
    customer_code: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    unpaid: bool = False,
    overdue: bool = False,
) -> list[InvoiceRow]:
    """Invoices and credit notes, oldest first, with what is paid and the days late on `as_of`."""
    if status and status not in STATUSES:
        raise InvalidValue(f'status "{status}" is not one of {", ".join(STATUSES)}')
    if kind and kind not in KINDS:
        raise InvalidValue(f'kind "{kind}" is not one of {", ".join(KINDS)}')
    paid = (
        select(payment.c.invoice_id, func.sum(cents(payment.c.amount)).label("amount"))
        .group_by(payment.c.invoice_id)
        .subquery()
    )
    paid_cents = func.coalesce(paid.c.amount, 0)
    query = (
        select(
            invoice.c.id,
            invoice.c.number,
            invoice.c.kind,
            invoice.c.status,
            customer.c.code,
            sales_order.c.number,
            invoice.c.date,
            invoice.c.due_date,
            invoice.c.sent_at,
            cents(invoice.c.net),
            cents(invoice.c.gross),
            paid_cents,
        )
        .join(customer, customer.c.id == invoice.c.customer_id)
        .outerjoin(sales_order, sales_order.c.id == invoice.c.order_id)
        .outerjoin(paid, paid.c.invoice_id == invoice.c.id)
        .order_by(invoice.c.date, invoice.c.id)
    )
    if status:
        query = query.where(invoice.c.status == status)
    if kind:
        query = query.where(invoice.c.kind == kind)
    if date_from:
        query = query.where(invoice.c.date >= date_from)
    if date_to:
        query = query.where(invoice.c.date <= date_to)
    if unpaid or overdue:
        query = query.where(
            invoice.c.status == Status.VALIDATED,
            invoice.c.kind != InvoiceKind.CREDIT_NOTE,
            paid_cents < cents(invoice.c.gross),
        )
    if overdue:
        query = query.where(invoice.c.due_date < as_of)
    with ledger.read_core() as connection:
        if order:
            query = query.where(invoice.c.order_id == _id(connection, sales_order, "number", order, "order"))
        if customer_code:
            query = query.where(invoice.c.customer_id == _id(connection, customer, "code", customer_code, "customer"))
        return [_row(values, as_of) for values in connection.execute(query)]


def _id(connection, table, key: str, value: str, what: str) -> int:
    found = connection.execute(select(table.c.id).where(table.c[key] == value)).scalar()
    if found is None:
        raise not_found(what, value)
    return found


def _row(values, as_of: dt.date) -> InvoiceRow:
    id_, number, kind, status, code, order_number, day, due, sent_at, net, gross, paid = values
    paid, gross = int(paid), int(gross)  # PostgreSQL sums integers as NUMERIC
    return InvoiceRow._make(  # the tuple as it is, without the keyword handling of InvoiceRow(...)
        (
            number or f"PROV-{id_}",
            number,
            kind,
            status,
            payment_status(gross, paid),  # cents compare as the amounts do
            code,
            order_number,
            day,
            due,
            int(net),
            gross,
            paid,
            days_late(due, as_of, paid >= gross) if status == Status.VALIDATED else 0,
            sent_at,
        )
    )
