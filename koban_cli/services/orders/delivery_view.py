"""`delivery show` and `delivery list`, in SQLAlchemy Core only: neither the ORM nor the models are imported.

How a delivery note is named (`delivery_row`) is here, and the writes (services/orders/deliveries.py) find
the note to change through it: one rule for `BL-…` and `PROV-BL-<id>`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from koban_cli.db.engine import Ledger
from koban_cli.db.tables import customer, delivery, delivery_line, order_line, product, sales_order
from koban_cli.domain.kinds import DELIVERY_STATUSES, Status
from koban_cli.errors import InvalidValue, not_found
from koban_cli.services import lookup

STATUSES = DELIVERY_STATUSES


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    """A delivery note in `delivery list`."""

    ref: str
    number: str | None
    status: Status
    order: str
    customer: str
    date: dt.date


@dataclass(frozen=True, slots=True)
class DeliveredLine:
    position: int
    order_line: int
    product: str
    description: str
    qty: Decimal
    ordered: Decimal
    unit: str


@dataclass(frozen=True, slots=True)
class DeliveryView:
    """A delivery note as `delivery show` gives it and as it is printed."""

    number: str | None
    ref: str
    status: Status
    order: str
    customer: str
    customer_name: str
    date: dt.date
    customer_ref: str | None
    lines: tuple[DeliveredLine, ...]


def delivery_row(db, ref: str):
    """The delivery note's row by its number, or a draft's by `PROV-BL-<id>` (any case, spaces around
    ignored); `db` is a Core connection or an ORM session."""
    draft = re.fullmatch(r"PROV-BL-(\d+)", ref.strip(), flags=re.IGNORECASE)
    if draft and int(draft.group(1)) > lookup.MAX_ID:  # names nothing, and must not reach the driver
        raise not_found("delivery", ref)
    where = delivery.c.id == int(draft.group(1)) if draft else delivery.c.number == ref
    found = db.execute(select(delivery).where(where)).first()
    if found is None or (draft and found.number):
        raise not_found("delivery", ref)
    return found


def show(ledger: Ledger, ref: str) -> DeliveryView:
    with ledger.read_core() as db:
        note = delivery_row(db, ref)
        order = db.execute(
            select(sales_order.c.number, sales_order.c.customer_ref, customer.c.code, customer.c.name)
            .select_from(sales_order)
            .join(customer, customer.c.id == sales_order.c.customer_id)
            .where(sales_order.c.id == note.order_id)
        ).one()
        rows = db.execute(
            select(
                delivery_line.c.position,
                order_line.c.position,
                product.c.ref,
                order_line.c.description,
                delivery_line.c.qty,
                order_line.c.qty,
                product.c.unit,
            )
            .select_from(delivery_line)
            .join(order_line, order_line.c.id == delivery_line.c.order_line_id)
            .join(product, product.c.id == delivery_line.c.product_id)
            .where(delivery_line.c.delivery_id == note.id)
            .order_by(delivery_line.c.position)
        )
        return DeliveryView(
            number=note.number,
            ref=lookup.delivery_ref(note),
            status=Status(note.status),
            order=order.number,
            customer=order.code,
            customer_name=order.name,
            date=note.date,
            customer_ref=order.customer_ref or None,
            lines=tuple(DeliveredLine(*row) for row in rows),
        )


def list_deliveries(ledger: Ledger, order: str | None = None, status: str | None = None) -> list[DeliveryRow]:
    if status and status not in STATUSES:
        raise InvalidValue(f'status "{status}" is not one of {", ".join(STATUSES)}')
    query = (
        select(
            delivery.c.id,
            delivery.c.number,
            delivery.c.status,
            sales_order.c.number.label("order_number"),
            customer.c.code,
            delivery.c.date,
        )
        .select_from(delivery)
        .join(sales_order, sales_order.c.id == delivery.c.order_id)
        .join(customer, customer.c.id == sales_order.c.customer_id)
        .order_by(delivery.c.id)
    )
    if status:
        query = query.where(delivery.c.status == status)
    with ledger.read_core() as db:
        if order:
            query = query.where(delivery.c.order_id == lookup.order_row(db, order).id)
        return [
            DeliveryRow(
                lookup.delivery_ref(note), note.number, Status(note.status), note.order_number, note.code, note.date
            )
            for note in db.execute(query)
        ]
