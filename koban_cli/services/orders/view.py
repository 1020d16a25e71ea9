"""`order show`: an order with what is invoiced and delivered of it, in SQLAlchemy Core only.

Like the remaining-to-invoice report (order_list.py), it imports neither the
ORM nor the models. Where the order stands (billed quantities, lines and
deposits left) is `billed.settlement` and what is delivered `stock.delivered`:
the rules the writes follow, read through the same functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from koban_cli.db.engine import Ledger
from koban_cli.db.tables import (
    contract,
    customer,
    delivery,
    invoice,
    product,
    project,
    quote,
    sales_order,
    schedule_entry,
)
from koban_cli.domain.delivery import delivery_status
from koban_cli.domain.kinds import DeliveryStatus, InvoiceKind, LineKind, Status
from koban_cli.domain.money import Money
from koban_cli.domain.values import ZERO, round_qty
from koban_cli.services import billed, lookup, views
from koban_cli.services.operations import stock


@dataclass(frozen=True, slots=True)
class PlanEntry:
    """An invoice the order's billing plan foresees."""

    date: dt.date
    kind: InvoiceKind
    label: str
    amount: Money


@dataclass(frozen=True, slots=True)
class OrderView:
    """An order as `order show` gives it and as it is printed (SPEC §11)."""

    number: str
    customer: str
    date: dt.date
    status: Status
    note: str | None
    customer_name: str
    customer_ref: str | None
    quote: str | None
    net: Money
    tax: Money
    gross: Money
    invoiced: Money
    remaining: Money
    lines_remaining: Money
    deposits_undeducted: Money
    delivery_status: DeliveryStatus | None
    lines: tuple[views.OrderLine, ...]
    vat: tuple[views.VatRow, ...]
    invoices: tuple[str, ...]
    deliveries: tuple[str, ...]
    contracts: tuple[str, ...]
    project: str | None
    schedule: tuple[PlanEntry, ...]


def show(ledger: Ledger, number: str) -> OrderView:
    """The order `number` with its lines, invoiced and delivered quantities, invoices, deliveries and plan."""
    with ledger.read_core() as db:
        return view(db, lookup.order_row(db, number))


def view(db, order) -> OrderView:
    """The view of an order's row (see `lookup.order_row`); `db` is a Core connection or a session."""
    names = db.execute(
        select(customer.c.code, customer.c.name, quote.c.number.label("quote"))
        .select_from(sales_order)
        .join(customer, customer.c.id == sales_order.c.customer_id)
        .outerjoin(quote, quote.c.id == sales_order.c.quote_id)
        .where(sales_order.c.id == order.id)
    ).one()
    lines = views.lines(db, "order", order.id)
    settled = billed.settlement(db, order, lines)
    refs = views.product_refs(db, lines)
    deliverable = _deliverable(db, refs)
    shipped = stock.delivered(db, [line.id for line in lines])
    notes = db.execute(
        select(delivery.c.id, delivery.c.number, delivery.c.status)
        .where(delivery.c.order_id == order.id)
        .order_by(delivery.c.id)
    )
    invoices = db.execute(
        select(invoice.c.id, invoice.c.number).where(invoice.c.order_id == order.id).order_by(invoice.c.id)
    )
    schedule = db.execute(
        select(schedule_entry)
        .where(schedule_entry.c.order_id == order.id)
        .order_by(schedule_entry.c.date, schedule_entry.c.id)
    )
    return OrderView(
        number=order.number,
        customer=names.code,
        date=order.date,
        status=Status(order.status),
        note=order.note or None,
        customer_name=names.name,
        customer_ref=order.customer_ref or None,
        quote=names.quote,
        net=Money(order.net),
        tax=Money(order.tax),
        gross=Money(order.gross),
        invoiced=Money(billed.invoiced(db, order)),
        remaining=Money(settled.lines_left - settled.deposits_left),
        lines_remaining=Money(settled.lines_left),
        deposits_undeducted=Money(settled.deposits_left),
        delivery_status=delivery_status(
            [(line.qty, shipped.get(line.id, ZERO)) for line in lines if line.product_id in deliverable]
        ),
        lines=tuple(
            views.OrderLine(
                *views.line_fields(line, refs),
                round_qty(settled.qty_billed.get(line.id, ZERO)) if line.kind != LineKind.TEXT else None,
                shipped.get(line.id, ZERO) if line.product_id in deliverable else None,
            )
            for line in lines
        ),
        vat=views.vat_rows(lines),
        invoices=tuple(lookup.invoice_ref(row) for row in invoices),
        deliveries=tuple(lookup.delivery_ref(note) for note in notes if note.status != Status.CANCELLED),
        contracts=tuple(db.execute(select(contract.c.number).where(contract.c.order_id == order.id)).scalars()),
        project=db.execute(select(project.c.number).where(project.c.order_id == order.id)).scalars().first(),
        schedule=tuple(
            PlanEntry(entry.date, InvoiceKind(entry.kind), entry.label, Money(entry.amount)) for entry in schedule
        ),
    )


def _deliverable(db, refs: dict[int, str]) -> set[int]:
    """Which of the lines' products are delivered (a delivery note lists them)."""
    if not refs:
        return set()
    query = select(product.c.id).where(product.c.id.in_(list(refs)), product.c.deliverable.is_(True))
    return set(db.execute(query).scalars())
