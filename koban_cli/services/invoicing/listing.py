"""`invoice list`, in SQLAlchemy Core only: it runs all day, in scripts and at a terminal.

Like the remaining-to-invoice report (order_list.py), it imports neither the
ORM nor the models, and keeps money in integer cents from SQL to text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from koban_cli.db.engine import Ledger
from koban_cli.db.tables import cents, customer, invoice, payment, sales_order
from koban_cli.domain.kinds import INVOICE_STATUSES, InvoiceKind, Status
from koban_cli.domain.payments import days_late, payment_status
from koban_cli.domain.values import cents_str
from koban_cli.errors import InvalidValue, not_found

KINDS = tuple(InvoiceKind)
STATUSES = INVOICE_STATUSES


def list_invoices(
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
) -> list[dict]:
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


def _row(values, as_of: dt.date) -> dict:
    id_, number, kind, status, code, order_number, day, due, sent_at, net, gross, paid = values
    paid, gross = int(paid), int(gross)  # PostgreSQL sums integers as NUMERIC
    return {
        "ref": number or f"PROV-{id_}",
        "number": number,
        "kind": kind,
        "status": status,
        "payment_status": payment_status(Decimal(gross), Decimal(paid)),
        "customer": code,
        "order": order_number,
        "date": day.isoformat(),
        "due_date": due.isoformat() if due else None,
        "net": cents_str(net),
        "gross": cents_str(gross),
        "paid": cents_str(paid),
        "days_late": days_late(due, as_of, paid >= gross) if status == Status.VALIDATED else 0,
        "sent_at": sent_text(sent_at),
    }


def sent_text(moment: dt.datetime | None) -> str | None:
    """As `invoice show` gives it: UTC, to the second (SQLite hands the stored UTC time back naive)."""
    if moment is None:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()
