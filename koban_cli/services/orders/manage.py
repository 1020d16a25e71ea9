"""Sales orders: made directly or from a quote, then invoiced and delivered.

Creating an order, editing its lines and validating it are SQLAlchemy Core
writes (`Ledger.write_core`, db/tables.py): these commands never import the
ORM. Cancelling still runs on the ORM session. Validating and cancelling move
what the order's products have reserved: both rebook them (stock.rebook).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import update

from koban_cli.db import tables
from koban_cli.db.engine import Ledger
from koban_cli.domain import identity
from koban_cli.domain.kinds import LineKind, Status
from koban_cli.errors import InvalidState
from koban_cli.services import lines as doc_lines
from koban_cli.services import lookup
from koban_cli.services.numbering import take_number
from koban_cli.services.operations import stock
from koban_cli.services.views import LineChanged, StatusChanged


@dataclass(frozen=True, slots=True)
class OrderMade:
    """A draft order just numbered."""

    ref: str
    number: str


def create(
    ledger: Ledger, customer: str, date: dt.date, customer_ref: str = "", note: str = "", delivery: dict | None = None
) -> OrderMade:
    """`delivery`: this order's own delivery address (delivery_address, _postcode, _city, _country), if any."""
    delivery = {key: value for key, value in (delivery or {}).items() if value}
    if delivery.get("delivery_country"):
        delivery["delivery_country"] = identity.country(delivery["delivery_country"])
    with ledger.write_core() as db:
        buyer = lookup.customer_row(db, customer)
        number = take_number(db, "order", date)
        db.execute(
            tables.insert(
                tables.sales_order,
                number=number,
                customer_id=buyer.id,
                date=date,
                customer_ref=customer_ref or "",
                note=note or "",
                **delivery,
            )
        )
        return OrderMade(number, number)


def _draft(db, number: str) -> doc_lines.Draft:
    """The order, locked, which must be a draft to be changed."""
    order = doc_lines.locked(db, doc_lines.ORDER, lookup.order_row(db, number))
    if order.row.status != Status.DRAFT:
        raise InvalidState(f"{order.row.number} is {order.row.status}: its lines, prices and quantities are locked")
    return order


def add_line(ledger: Ledger, number: str, spec: doc_lines.LineInput) -> LineChanged:
    return doc_lines.add_line(ledger, number, spec, _draft)


def remove_line(ledger: Ledger, number: str, position: int) -> None:
    doc_lines.remove_line(ledger, number, position, _draft)


def validate(ledger: Ledger, number: str) -> StatusChanged:
    with ledger.write_core() as db:
        order = _draft(db, number)
        lines = doc_lines.lines_of(db, order)
        if not any(line.kind != LineKind.TEXT for line in lines):
            raise InvalidState(f"{number} has no priced line; add one with: koban order add-line {number} …")
        validated = update(tables.sales_order).where(tables.sales_order.c.id == order.row.id)
        db.execute(validated.values(status=Status.VALIDATED))
        stock.rebook(db, [line.product_id for line in lines])  # its lines are reserved now
        return StatusChanged(number, number, Status.VALIDATED)


def cancel(ledger: Ledger, number: str) -> StatusChanged:
    """On the ORM session still: its imports are taken only when an order is cancelled."""
    from sqlmodel import select

    from koban_cli.db.models import Delivery, Invoice
    from koban_cli.services import billed
    from koban_cli.services.contracts import manage as contracts

    with ledger.write() as session:
        order = lookup.order(session, number)
        if order.status == Status.CANCELLED:
            raise InvalidState(f"{number} is already cancelled")
        contract = contracts.active_from_order(session, order.id)
        if contract:
            raise InvalidState(f"{number} has active contract {contract}; terminate or cancel it first")
        drafts = session.exec(
            select(Invoice.id).where(Invoice.order_id == order.id, Invoice.status == Status.DRAFT)
        ).all()
        if drafts:
            raise InvalidState(f"{number} has draft invoice PROV-{drafts[0]}; delete it first (koban invoice delete)")
        done = billed.invoiced(session, order)
        if done:
            raise InvalidState(f"{number} has {done:.2f} invoiced; credit its invoices first (koban invoice credit)")
        notes = session.exec(
            select(Delivery).where(Delivery.order_id == order.id, Delivery.status.in_((Status.DRAFT, Status.VALIDATED)))
        ).first()
        if notes:
            raise InvalidState(
                f"{number} has delivery {lookup.delivery_ref(notes)}; cancel it first "
                f"(koban delivery cancel {lookup.delivery_ref(notes)})"
            )
        was_booked = order.status in (Status.VALIDATED, Status.INVOICED)
        order.status = Status.CANCELLED
        session.add(order)
        if was_booked:  # what its lines reserved is released
            stock.rebook(session, [line.product_id for line in doc_lines.lines_of(session, order)])
        return StatusChanged(number, number, Status(order.status))
