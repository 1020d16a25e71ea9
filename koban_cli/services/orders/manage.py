"""Sales orders: made directly or from a quote, then invoiced and delivered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import select

from koban_cli.db.engine import Ledger
from koban_cli.db.models import (
    Delivery,
    Invoice,
    SalesOrder,
)
from koban_cli.domain import identity
from koban_cli.domain.kinds import LineKind, Status
from koban_cli.errors import InvalidState
from koban_cli.services import billed, lookup
from koban_cli.services import lines as doc_lines
from koban_cli.services.contracts import manage as contracts
from koban_cli.services.numbering import take_number
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
    with ledger.write() as session:
        buyer = lookup.customer(session, customer)
        order = SalesOrder(
            number=take_number(session, "order", date),
            customer_id=buyer.id,
            date=date,
            customer_ref=customer_ref or "",
            note=note or "",
            **delivery,
        )
        session.add(order)
        return OrderMade(order.number, order.number)


def add_line(ledger: Ledger, number: str, spec: doc_lines.LineInput) -> LineChanged:
    with ledger.write() as session:
        order = lookup.order(session, number)
        _require_draft(order)
        (line,) = doc_lines.append(session, order, [doc_lines.resolve(session, spec)])
        return LineChanged(number, line.position)


def remove_line(ledger: Ledger, number: str, position: int) -> None:
    with ledger.write() as session:
        order = lookup.order(session, number)
        _require_draft(order)
        doc_lines.remove(session, order, position, number)


def _require_draft(order: SalesOrder) -> None:
    if order.status != Status.DRAFT:
        raise InvalidState(f"{order.number} is {order.status}: its lines, prices and quantities are locked")


def validate(ledger: Ledger, number: str) -> StatusChanged:
    with ledger.write() as session:
        order = lookup.order(session, number)
        _require_draft(order)
        if not any(line.kind != LineKind.TEXT for line in doc_lines.lines_of(session, order)):
            raise InvalidState(f"{number} has no priced line; add one with: koban order add-line {number} …")
        order.status = Status.VALIDATED
        session.add(order)
        return StatusChanged(number, number, Status(order.status))


def cancel(ledger: Ledger, number: str) -> StatusChanged:
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
        order.status = Status.CANCELLED
        session.add(order)
        return StatusChanged(number, number, Status(order.status))
