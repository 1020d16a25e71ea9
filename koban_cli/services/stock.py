"""Stock: the level of a product is the sum of its movements; each movement names its cause."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Iterable

from sqlalchemy import func, type_coerce
from sqlmodel import Session, select

from koban_cli.db.engine import Ledger
from koban_cli.db.models import Delivery, DeliveryLine, OrderLine, Product, SalesOrder, StockMove
from koban_cli.db.types import Quantity
from koban_cli.domain.values import ZERO, date_str, money_str, number_str
from koban_cli.errors import InvalidState, InvalidValue
from koban_cli.services import lookup

KINDS = ("receipt", "delivery", "adjustment", "return", "purchase")


def on_hand(session: Session, product_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
    query = select(StockMove.product_id, func.sum(StockMove.qty)).group_by(StockMove.product_id)
    if product_ids is not None:
        query = query.where(StockMove.product_id.in_(list(product_ids)))
    return dict(session.exec(query).all())


def delivered(
    session: Session, order_line_ids: Iterable[int] | None = None, statuses: tuple[str, ...] = ("validated",)
) -> dict[int, Decimal]:
    """`{order_line_id: qty delivered}` by deliveries in the given statuses."""
    query = (
        select(DeliveryLine.order_line_id, func.sum(DeliveryLine.qty))
        .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
        .where(Delivery.status.in_(statuses))
        .group_by(DeliveryLine.order_line_id)
    )
    if order_line_ids is not None:
        query = query.where(DeliveryLine.order_line_id.in_(list(order_line_ids)))
    return dict(session.exec(query).all())


def reserved(session: Session) -> dict[int, Decimal]:
    """Ordered by validated orders and not delivered yet, per product."""
    shipped = (
        select(DeliveryLine.order_line_id.label("line_id"), func.sum(DeliveryLine.qty).label("qty"))
        .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
        .where(Delivery.status == "validated")
        .group_by(DeliveryLine.order_line_id)
        .subquery()
    )
    query = (
        select(OrderLine.product_id, OrderLine.qty, type_coerce(func.coalesce(shipped.c.qty, 0), Quantity))
        .join(SalesOrder, SalesOrder.id == OrderLine.order_id)
        .join(Product, Product.id == OrderLine.product_id)
        .outerjoin(shipped, shipped.c.line_id == OrderLine.id)
        .where(SalesOrder.status.in_(("validated", "invoiced")), Product.stock_tracked)
    )
    out: dict[int, Decimal] = {}
    for product_id, qty, done in session.exec(query):
        left = qty - done
        if left > 0:
            out[product_id] = out.get(product_id, ZERO) + left
    return out


def _tracked(session: Session, ref: str) -> Product:
    product = lookup.product(session, ref)
    if not product.stock_tracked:
        raise InvalidState(f'product "{ref}" is not stock-tracked (koban product edit {ref} --stock)')
    return product


def move_in(ledger: Ledger, ref: str, qty: Decimal, date: dt.date, cost: Decimal | None = None, note: str = "") -> dict:
    with ledger.write() as session:
        product = _tracked(session, ref)
        session.add(StockMove(product_id=product.id, date=date, qty=qty, kind="receipt", note=note or "", cost=cost))
        session.flush()
        return {"ref": ref, "on_hand": number_str(on_hand(session, [product.id]).get(product.id, ZERO))}


def adjust(ledger: Ledger, ref: str, counted: Decimal, date: dt.date, note: str) -> dict:
    """An inventory count: one adjustment movement brings the level to what was counted."""
    if not note.strip():
        raise InvalidValue("an adjustment needs --note (why the count differs)")
    if counted < 0:
        raise InvalidValue(f'--to "{counted}" must not be negative')
    with ledger.write() as session:
        product = _tracked(session, ref)
        level = on_hand(session, [product.id]).get(product.id, ZERO)
        if counted == level:
            raise InvalidState(f'"{ref}" is already at {number_str(level)}; nothing to adjust')
        session.add(StockMove(product_id=product.id, date=date, qty=counted - level, kind="adjustment", note=note))
        return {"ref": ref, "on_hand": number_str(counted), "moved": number_str(counted - level)}


def levels(ledger: Ledger, ref: str | None = None) -> list[dict]:
    with ledger.read() as session:
        query = select(Product).where(Product.stock_tracked).order_by(Product.ref)
        if ref:
            query = query.where(Product.id == _tracked(session, ref).id)
        products = list(session.exec(query))
        have, wanted = on_hand(session), reserved(session)
    rows = []
    for product in products:
        level = have.get(product.id, ZERO)
        booked = wanted.get(product.id, ZERO)
        available = level - booked
        rows.append(
            {
                "product": product.ref,
                "name": product.name,
                "on_hand": number_str(level),
                "reserved": number_str(booked),
                "available": number_str(available),
                "alert_below": number_str(product.alert_below),
                "below_alert": product.alert_below is not None and available < product.alert_below,
            }
        )
    return rows


def moves(
    ledger: Ledger, ref: str | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[dict]:
    query = select(StockMove, Product.ref).join(Product).order_by(StockMove.date, StockMove.id)
    if date_from:
        query = query.where(StockMove.date >= date_from)
    if date_to:
        query = query.where(StockMove.date <= date_to)
    with ledger.read() as session:
        if ref:
            query = query.where(StockMove.product_id == lookup.product(session, ref).id)
        return [
            {
                "date": date_str(move.date),
                "product": product,
                "qty": number_str(move.qty),
                "kind": move.kind,
                "ref": move.ref or None,
                "note": move.note or None,
                "cost": money_str(move.cost),
            }
            for move, product in session.exec(query)
        ]
