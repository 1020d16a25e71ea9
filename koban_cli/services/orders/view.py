"""`order show`: an order with what is invoiced and delivered of it, in SQLAlchemy Core only.

Like the remaining-to-invoice report (order_list.py), it imports neither the
ORM nor the models. Where the order stands (billed quantities, lines and
deposits left) is `billed.settlement` and what is delivered `stock.delivered`:
the rules the writes follow, read through the same functions.
"""

from __future__ import annotations

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
from koban_cli.domain.kinds import LineKind, Status
from koban_cli.domain.values import ZERO, money_str, number_str, round_qty
from koban_cli.services import billed, lookup, views
from koban_cli.services.operations import stock


def show(ledger: Ledger, number: str) -> dict:
    """The order `number` with its lines, invoiced and delivered quantities, invoices, deliveries and plan."""
    with ledger.read_core() as db:
        return view(db, lookup.order_row(db, number))


def view(db, order) -> dict:
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
    line_views = []
    for line in lines:
        line_view = views.line_view(line, refs)
        priced = line.kind != LineKind.TEXT
        line_view["qty_invoiced"] = number_str(round_qty(settled.qty_billed.get(line.id, ZERO))) if priced else None
        line_view["qty_delivered"] = number_str(shipped.get(line.id, ZERO)) if line.product_id in deliverable else None
        line_views.append(line_view)
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
    return {
        "number": order.number,
        **views.header_view(order, names.code),
        "customer_name": names.name,
        "customer_ref": order.customer_ref or None,
        "quote": names.quote,
        **views.amounts_view(order),
        "invoiced": money_str(billed.invoiced(db, order)),
        "remaining": money_str(settled.lines_left - settled.deposits_left),
        "lines_remaining": money_str(settled.lines_left),
        "deposits_undeducted": money_str(settled.deposits_left),
        "delivery_status": delivery_status(
            [(line.qty, shipped.get(line.id, ZERO)) for line in lines if line.product_id in deliverable]
        ),
        "lines": line_views,
        "vat": views.vat_view(lines),
        "invoices": [lookup.invoice_ref(row) for row in invoices],
        "deliveries": [lookup.delivery_ref(note) for note in notes if note.status != Status.CANCELLED],
        "contracts": list(db.execute(select(contract.c.number).where(contract.c.order_id == order.id)).scalars()),
        "project": db.execute(select(project.c.number).where(project.c.order_id == order.id)).scalars().first(),
        "schedule": [
            {
                "date": entry.date.isoformat(),
                "kind": entry.kind,
                "label": entry.label,
                "amount": money_str(entry.amount),
            }
            for entry in schedule
        ],
    }


def _deliverable(db, refs: dict[int, str]) -> set[int]:
    """Which of the lines' products are delivered (a delivery note lists them)."""
    if not refs:
        return set()
    query = select(product.c.id).where(product.c.id.in_(list(refs)), product.c.deliverable.is_(True))
    return set(db.execute(query).scalars())
