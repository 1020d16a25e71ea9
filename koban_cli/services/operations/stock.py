"""Stock: the level of a product is the sum of its movements; each movement names its cause.

Written in SQLAlchemy Core over db/tables.py. The sums (`on_hand`, `delivered`,
`reserved`) take `db`, an ORM `Session` (a delivery being written) or a Core
`Connection` (`stock show`, which never imports the ORM): both `execute()` a
Core select, so writes and reads share one implementation.

`reserved` is the rule of what validated orders hold; `product.reserved` stores its value per product
(`rebook`, called by every write that moves it, in the same transaction), so `stock show` reads one
column instead of summing every order line; `koban verify` compares the two.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from sqlalchemy import bindparam, case, func, insert, select, type_coerce, update

from koban_cli.db import locks, transaction
from koban_cli.db.engine import Ledger
from koban_cli.db.tables import delivery, delivery_line, order_line, product, sales_order, stock_move
from koban_cli.db.types import QuantityColumn
from koban_cli.domain.kinds import Status, StockMoveKind
from koban_cli.domain.money import Money
from koban_cli.domain.values import ZERO, number_str
from koban_cli.errors import InvalidState, InvalidValue, not_found

KINDS = tuple(StockMoveKind)


@dataclass(frozen=True, slots=True)
class Received:
    """Goods brought into stock: the product's level after the receipt."""

    ref: str
    on_hand: Decimal


@dataclass(frozen=True, slots=True)
class Adjusted:
    """An inventory count: the level counted and the movement that brought the stock to it."""

    ref: str
    on_hand: Decimal
    moved: Decimal


@dataclass(frozen=True, slots=True)
class StockLevel:
    """A stock-tracked product's level: on hand, reserved by orders not delivered yet, available."""

    product: str
    name: str
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    alert_below: Decimal | None
    below_alert: bool


@dataclass(frozen=True, slots=True)
class Movement:
    """One stock movement with its cause and document."""

    date: dt.date
    product: str
    qty: Decimal
    kind: StockMoveKind
    ref: str | None
    note: str | None
    cost: Money | None


def on_hand(db, product_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
    """`{product_id: level}`, the sum of each product's movements; all products when `product_ids` is None."""
    query = select(stock_move.c.product_id, func.sum(stock_move.c.qty)).group_by(stock_move.c.product_id)
    if product_ids is not None:
        query = query.where(stock_move.c.product_id.in_(list(product_ids)))
    return dict(db.execute(query).all())


def delivered(
    db, order_line_ids: Iterable[int] | None = None, statuses: tuple[str, ...] = (Status.VALIDATED,)
) -> dict[int, Decimal]:
    """`{order_line_id: qty delivered}` by deliveries in the given statuses."""
    query = (
        select(delivery_line.c.order_line_id, func.sum(delivery_line.c.qty))
        .join(delivery, delivery.c.id == delivery_line.c.delivery_id)
        .where(delivery.c.status.in_(statuses))
        .group_by(delivery_line.c.order_line_id)
    )
    if order_line_ids is not None:
        query = query.where(delivery_line.c.order_line_id.in_(list(order_line_ids)))
    return dict(db.execute(query).all())


_FEW = 20  # products a write may touch without counting the catalogue (an order, a delivery)


def _count(db, table) -> int:
    return db.execute(select(func.count()).select_from(table)).scalar_one()


def reserved(db, product_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
    """THE reservation rule: ordered by validated orders and not delivered yet, per product (tracked or not),
    what each line has left to deliver (nothing when more was delivered than ordered), summed in SQL over
    the stored thousandths; products with nothing reserved are left out. All products when `product_ids`
    is None. `product.reserved` stores it (`rebook`); `stock show` reads that."""
    wanted = None if product_ids is None else sorted(set(product_ids))
    if wanted is not None and len(wanted) > _FEW and len(wanted) * 5 > _count(db, product):
        # a fifth of the catalogue or more (an import): reading every line once is cheaper than one index
        # lookup per line of these products (about 14 against 3 µs a line on SQLite)
        every = reserved(db)
        return {product_id: every[product_id] for product_id in wanted if product_id in every}
    shipped = (
        select(delivery_line.c.order_line_id.label("line_id"), func.sum(delivery_line.c.qty).label("qty"))
        .join(delivery, delivery.c.id == delivery_line.c.delivery_id)
        .where(delivery.c.status == Status.VALIDATED)
        .group_by(delivery_line.c.order_line_id)
    )
    if wanted is not None:  # what was shipped of these products' lines only (ix_order_line_product_id)
        lines = select(order_line.c.id).where(order_line.c.product_id.in_(wanted))
        shipped = shipped.where(delivery_line.c.order_line_id.in_(lines))
    shipped = shipped.subquery()
    left = order_line.c.qty - func.coalesce(shipped.c.qty, 0)
    booked = func.sum(case((left > 0, left), else_=0))
    # Every line: grouped by `product_id + 0`, which no index serves, so that SQLite reads the table through
    # (else it walks ix_order_line_product_id to group without a sort: a lookup per line, 3x slower).
    key = order_line.c.product_id if wanted is not None else order_line.c.product_id + 0
    query = (
        select(key, type_coerce(booked, QuantityColumn))
        .join(sales_order, sales_order.c.id == order_line.c.order_id)
        .outerjoin(shipped, shipped.c.line_id == order_line.c.id)
        .where(sales_order.c.status.in_((Status.VALIDATED, Status.INVOICED)))
        .group_by(key)
        .having(booked > 0)
    )
    if wanted is not None:
        query = query.where(order_line.c.product_id.in_(wanted))
    # free lines (no product) make a group of their own, left out here
    return {product_id: qty for product_id, qty in db.execute(query) if product_id is not None}


def rebook(db, product_ids: Iterable[int] | None = None) -> None:
    """Store the reservation rule's value in `product.reserved` for these products (all when None), in the
    caller's transaction; `db` is an ORM Session (flushed first) or a Core Connection.

    Every write that moves a reservation calls it once for the products it touched, after its changes: an
    order validated or cancelled, a delivery validated or cancelled, orders imported. The product rows are
    locked first, by ascending id (PostgreSQL, READ COMMITTED): a second client rebooking one of them waits
    for the first to commit, then computes from what it committed, so neither value is lost. On SQLite the
    writer already holds the whole database (FOR UPDATE is not rendered there).
    """
    transaction.flushed(db)  # the session's pending changes are what the rule must see
    stored = select(product.c.id, product.c.reserved).order_by(product.c.id).with_for_update(key_share=True)
    if product_ids is not None:
        wanted = sorted({product_id for product_id in product_ids if product_id is not None})
        if not wanted:
            return
        stored = stored.where(product.c.id.in_(wanted))
    was = dict(db.execute(stored).all())
    now = reserved(db, was if product_ids is not None else None)
    locks.pause("stock.rebook")
    changed = [{"key": key, "qty": now.get(key, ZERO)} for key, qty in was.items() if now.get(key, ZERO) != qty]
    if changed:
        db.execute(update(product).where(product.c.id == bindparam("key")).values(reserved=bindparam("qty")), changed)


def _product(db, ref: str):
    """The product row (`id`, `stock_tracked`) users call `ref`."""
    found = db.execute(select(product.c.id, product.c.stock_tracked).where(product.c.ref == ref)).first()
    if found is None:
        raise not_found("product", ref)
    return found


def _tracked(db, ref: str) -> int:
    """The id of the stock-tracked product `ref`."""
    found = _product(db, ref)
    if not found.stock_tracked:
        raise InvalidState(f'product "{ref}" is not stock-tracked (koban product edit {ref} --stock)')
    return found.id


def _move(db, product_id: int, date: dt.date, qty: Decimal, kind: str, note: str, cost: Decimal | None = None):
    db.execute(
        insert(stock_move).values(
            product_id=product_id, date=date, qty=qty, kind=kind, ref="", note=note, cost=cost, delivery_line_id=None
        )
    )


def move_in(
    ledger: Ledger, ref: str, qty: Decimal, date: dt.date, cost: Money | None = None, note: str = ""
) -> Received:
    unit_cost = None if cost is None else cost.amount_in(what="--cost")
    with ledger.write_core() as connection:
        product_id = _tracked(connection, ref)
        _move(connection, product_id, date, qty, StockMoveKind.RECEIPT, note or "", unit_cost)
        return Received(ref, on_hand(connection, [product_id]).get(product_id, ZERO))


def adjust(ledger: Ledger, ref: str, counted: Decimal, date: dt.date, note: str) -> Adjusted:
    """An inventory count: one adjustment movement brings the level to what was counted."""
    if not note.strip():
        raise InvalidValue("an adjustment needs --note (why the count differs)")
    if counted < 0:
        raise InvalidValue(f'--to "{counted}" must not be negative')
    with ledger.write_core() as connection:
        product_id = _tracked(connection, ref)
        level = on_hand(connection, [product_id]).get(product_id, ZERO)
        if counted == level:
            raise InvalidState(f'"{ref}" is already at {number_str(level)}; nothing to adjust')
        _move(connection, product_id, date, counted - level, StockMoveKind.ADJUSTMENT, note)
        return Adjusted(ref, counted, counted - level)


def levels(ledger: Ledger, ref: str | None = None) -> list[StockLevel]:
    query = (
        select(product.c.id, product.c.ref, product.c.name, product.c.alert_below, product.c.reserved)
        .where(product.c.stock_tracked)
        .order_by(product.c.ref)
    )
    with ledger.read_core() as connection:
        if ref:
            query = query.where(product.c.id == _tracked(connection, ref))
        products = connection.execute(query).all()
        have = on_hand(connection)
    rows = []
    for product_id, product_ref, name, alert_below, stored in products:
        level = have.get(product_id, ZERO)
        booked = stored or ZERO  # nothing reserved reads as the rule's nothing (0, not 0.000)
        available = level - booked
        below = alert_below is not None and available < alert_below
        rows.append(StockLevel(product_ref, name, level, booked, available, alert_below, below))
    return rows


def moves(
    ledger: Ledger, ref: str | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[Movement]:
    move = stock_move.c
    query = (
        select(move.date, product.c.ref, move.qty, move.kind, move.ref, move.note, move.cost)
        .join(product, product.c.id == move.product_id)
        .order_by(move.date, move.id)
    )
    if date_from:
        query = query.where(move.date >= date_from)
    if date_to:
        query = query.where(move.date <= date_to)
    with ledger.read_core() as connection:
        if ref:
            query = query.where(move.product_id == _product(connection, ref).id)
        return [
            Movement(
                date,
                product_ref,
                qty,
                StockMoveKind(kind),
                move_ref or None,
                note or None,
                None if cost is None else Money(cost),
            )
            for date, product_ref, qty, kind, move_ref, note, cost in connection.execute(query)
        ]
