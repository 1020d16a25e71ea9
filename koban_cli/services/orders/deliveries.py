"""Delivery notes: deliverable order lines leave stock when the note is validated. The writes, through the
ORM; `delivery show` and `delivery list` read in services/orders/delivery_view.py (Core, no ORM).

Every check of what is left to deliver runs after locking the order row, and every status check after
locking the delivery row (`db.locks`; no-ops on SQLite), so concurrent clients on PostgreSQL queue there
and the second one sees what the first wrote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, select

from koban_cli.db import locks
from koban_cli.db.engine import Ledger
from koban_cli.db.models import Delivery, DeliveryLine, OrderLine, Product, SalesOrder, StockMove
from koban_cli.domain.kinds import Status, StockMoveKind
from koban_cli.domain.values import ZERO, number_str
from koban_cli.errors import InsufficientStock, InvalidState, InvalidValue, OverDelivery
from koban_cli.services import lookup
from koban_cli.services.numbering import take_number
from koban_cli.services.operations import stock
from koban_cli.services.orders.delivery_view import delivery_row


@dataclass(frozen=True, slots=True)
class DeliveryDrafted:
    """A draft delivery note (`ref` PROV-BL-<id>, no number yet) and how many lines it took."""

    ref: str
    number: None
    order: str
    lines: int


@dataclass(frozen=True, slots=True)
class QtySet:
    """A draft delivery line's new quantity."""

    ref: str
    position: int
    qty: Decimal


@dataclass(frozen=True, slots=True)
class DeliveryValidated:
    """A delivery note numbered on `date`."""

    ref: str
    number: str
    date: dt.date


@dataclass(frozen=True, slots=True)
class DraftDropped:
    """A draft delivery note deleted (`status` is "deleted")."""

    ref: str
    status: str


@dataclass(frozen=True, slots=True)
class DeliveryCancelled:
    """A validated delivery note cancelled, its goods back in stock."""

    ref: str
    number: str
    status: Status


def get(session: Session, ref: str) -> Delivery:
    """The delivery note `ref` names (see `delivery_view.delivery_row`), as a model object to change."""
    return session.get(Delivery, delivery_row(session, ref).id)


def _lines(session: Session, delivery: Delivery) -> list[DeliveryLine]:
    return list(
        session.exec(
            select(DeliveryLine).where(DeliveryLine.delivery_id == delivery.id).order_by(DeliveryLine.position)
        )
    )


def _deliverable(session: Session, order: SalesOrder) -> list[tuple[OrderLine, Product]]:
    return list(
        session.exec(
            select(OrderLine, Product)
            .join(Product, Product.id == OrderLine.product_id)
            .where(OrderLine.order_id == order.id, Product.deliverable)
            .order_by(OrderLine.position)
        ).all()
    )


def _left(session: Session, line: OrderLine, exclude: DeliveryLine | None = None) -> Decimal:
    """Quantity still to deliver on an order line, draft notes counted (except `exclude`)."""
    done = stock.delivered(session, [line.id], (Status.DRAFT, Status.VALIDATED)).get(line.id, ZERO)
    return line.qty - done + (exclude.qty if exclude else ZERO)


def create(ledger: Ledger, number: str, date: dt.date, picks: dict[int, Decimal] | None = None) -> DeliveryDrafted:
    with ledger.write() as session:
        order = locks.row(session, lookup.order(session, number))  # what is left is read after the lock
        if order.status not in (Status.VALIDATED, Status.INVOICED):
            raise InvalidState(f"{number} is {order.status}; only a validated order is delivered")
        lines = {line.position: (line, product) for line, product in _deliverable(session, order)}
        wanted = []
        if picks:
            for position, qty in picks.items():
                if position not in lines:
                    raise InvalidValue(
                        f"line {position} of {number} is not a deliverable product line "
                        f"(deliverable lines: {', '.join(map(str, lines)) or 'none'})"
                    )
                line, product = lines[position]
                left = _left(session, line)
                if qty > left:
                    raise OverDelivery(
                        f"line {position} of {number}: {number_str(qty)} asked, {number_str(left)} left to deliver"
                    )
                wanted.append((line, product, qty))
        else:
            wanted = [(line, product, _left(session, line)) for line, product in lines.values()]
            wanted = [item for item in wanted if item[2] > 0]
        if not wanted:
            raise InvalidState(f"{number} has nothing left to deliver")
        locks.pause("deliveries.create")
        delivery = Delivery(order_id=order.id, date=date)
        session.add(delivery)
        session.flush()
        for position, (line, product, qty) in enumerate(wanted, start=1):
            session.add(
                DeliveryLine(
                    delivery_id=delivery.id, position=position, order_line_id=line.id, product_id=product.id, qty=qty
                )
            )
        return DeliveryDrafted(lookup.delivery_ref(delivery), None, number, len(wanted))


def _draft_line(session: Session, ref: str, position: int) -> tuple[Delivery, DeliveryLine]:
    delivery = locks.row(session, get(session, ref))
    if delivery.status != Status.DRAFT:
        raise InvalidState(f"{ref} is {delivery.status}; only a draft delivery can be changed")
    line = next((l for l in _lines(session, delivery) if l.position == position), None)
    if line is None:
        raise InvalidValue(f"{ref} has no line {position}")
    return delivery, line


def set_qty(ledger: Ledger, ref: str, position: int, qty: Decimal) -> QtySet:
    with ledger.write() as session:
        delivery, line = _draft_line(session, ref, position)
        locks.order(session, delivery.order_id)
        order_line = session.get(OrderLine, line.order_line_id)
        left = _left(session, order_line, exclude=line)
        if qty > left:
            raise OverDelivery(f"line {position} of {ref}: {number_str(qty)} asked, {number_str(left)} left to deliver")
        locks.pause("deliveries.set")
        line.qty = qty
        session.add(line)
        return QtySet(ref, position, qty)


def remove_line(ledger: Ledger, ref: str, position: int) -> None:
    with ledger.write() as session:
        delivery, line = _draft_line(session, ref, position)
        session.delete(line)
        session.flush()
        for later in _lines(session, delivery):
            if later.position > position:
                later.position -= 1
                session.add(later)
                session.flush()


def validate(ledger: Ledger, ref: str, date: dt.date) -> DeliveryValidated:
    """Number the note, record what left, and write one stock exit per stock-tracked line."""
    with ledger.write() as session:
        delivery = locks.row(session, get(session, ref))  # the status seen after the lock: validated once
        if delivery.status != Status.DRAFT:
            raise InvalidState(f"{ref} is {delivery.status}; only a draft delivery is validated")
        locks.order(session, delivery.order_id)  # every note of the order is checked against the others
        lines = _lines(session, delivery)
        if not lines:
            raise InvalidState(f"{ref} has no line")
        done = stock.delivered(session, [l.order_line_id for l in lines])
        asked: dict[int, Decimal] = {}
        for line in lines:
            order_line = session.get(OrderLine, line.order_line_id)
            asked[line.order_line_id] = asked.get(line.order_line_id, ZERO) + line.qty
            if done.get(line.order_line_id, ZERO) + asked[line.order_line_id] > order_line.qty:
                raise OverDelivery(
                    f"line {line.position} of {ref} would deliver more than the {number_str(order_line.qty)} ordered"
                )
        products = {p.id: p for p in session.exec(select(Product).where(Product.id.in_([l.product_id for l in lines])))}
        # notes of other orders, same goods; every product of the note, tracked or not, as rebook locks them
        locks.rows(session, products.values())
        _check_stock(session, lines, products)
        locks.pause("deliveries.validate")
        delivery.number = take_number(session, "delivery", date)
        delivery.date, delivery.status = date, Status.VALIDATED
        session.add(delivery)
        for line in lines:
            if products[line.product_id].stock_tracked:
                session.add(
                    StockMove(
                        product_id=line.product_id,
                        date=date,
                        qty=-line.qty,
                        kind=StockMoveKind.DELIVERY,
                        ref=delivery.number,
                        delivery_line_id=line.id,
                    )
                )
        stock.rebook(session, products)  # what it delivered is no longer reserved
        return DeliveryValidated(delivery.number, delivery.number, date)


def _check_stock(session: Session, lines: list[DeliveryLine], products: dict[int, Product]) -> None:
    if lookup.company(session).allow_negative_stock:
        return
    needed: dict[int, Decimal] = {}
    for line in lines:  # the same product on two lines counts once, in total
        if products[line.product_id].stock_tracked:
            needed[line.product_id] = needed.get(line.product_id, ZERO) + line.qty
    have = stock.on_hand(session, needed)
    for product_id, qty in needed.items():
        if have.get(product_id, ZERO) < qty:
            product = products[product_id]
            raise InsufficientStock(
                f'not enough "{product.ref}" in stock: {number_str(qty)} to deliver, '
                f"{number_str(have.get(product_id, ZERO))} on hand (koban stock in {product.ref} QTY, "
                f"or company set --allow-negative-stock)"
            )


def cancel(ledger: Ledger, ref: str, date: dt.date) -> DraftDropped | DeliveryCancelled:
    """A draft is dropped; a validated note is cancelled and its goods come back (return movements)."""
    with ledger.write() as session:
        delivery = locks.row(session, get(session, ref))  # cancelled once, and never while being validated
        lines = _lines(session, delivery)
        if delivery.status == Status.CANCELLED:
            raise InvalidState(f"{ref} is already cancelled")
        if delivery.status == Status.DRAFT:
            for line in lines:
                session.delete(line)
            session.flush()
            session.delete(delivery)
            return DraftDropped(ref, "deleted")
        exits = session.exec(
            select(StockMove).where(
                StockMove.delivery_line_id.in_([l.id for l in lines]), StockMove.kind == StockMoveKind.DELIVERY
            )
        ).all()
        locks.pause("deliveries.cancel")
        for move in exits:
            session.add(
                StockMove(
                    product_id=move.product_id,
                    date=date,
                    qty=-move.qty,
                    kind="return",
                    ref=delivery.number,
                    note=f"Annulation de {delivery.number}",
                    delivery_line_id=move.delivery_line_id,
                )
            )
        delivery.status = Status.CANCELLED
        session.add(delivery)
        stock.rebook(session, [line.product_id for line in lines])  # what it delivered is reserved again
        return DeliveryCancelled(ref, delivery.number, Status.CANCELLED)
