"""`purchase list` and `purchase show`, in SQLAlchemy Core only: neither the ORM nor the models are imported.

How a purchase order is named (`purchase_row`) is here, and the writes (services/operations/purchases.py)
find the order to change through it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from koban_cli.db.engine import Ledger
from koban_cli.db.tables import product, project, purchase, purchase_line, supplier
from koban_cli.domain.kinds import Status
from koban_cli.domain.money import Money
from koban_cli.errors import NotFound
from koban_cli.services import lookup


@dataclass(frozen=True, slots=True)
class PurchaseRow:
    """A purchase order as `purchase list` gives it."""

    number: str
    supplier: str
    project: str | None
    date: dt.date
    supplier_ref: str | None
    status: Status
    amount: Money


@dataclass(frozen=True, slots=True)
class PurchaseLineRow:
    """A line of a purchase order."""

    product: str | None
    description: str
    qty: Decimal
    cost: Money
    amount: Money


@dataclass(frozen=True, slots=True)
class PurchaseView(PurchaseRow):
    """`purchase show`: the purchase order's row, then its lines."""

    lines: tuple[PurchaseLineRow, ...]


def purchase_row(db, number: str):
    """The purchase order's row by its number; `db` is a Core connection or an ORM session."""
    found = db.execute(select(purchase).where(purchase.c.number == number)).first()
    if found is None:
        raise NotFound(f'purchase order "{number}" does not exist (see: koban purchase list)')
    return found


def _fields(row, supplier_code: str, project_number: str | None) -> tuple:
    """The fields of a `PurchaseRow`, in order."""
    return (
        row.number,
        supplier_code,
        project_number,
        row.date,
        row.supplier_ref or None,
        Status(row.status),
        Money(row.amount),
    )


def list_purchases(ledger: Ledger, number: str | None = None) -> list[PurchaseRow]:
    """Every purchase order, oldest first; of the project `number` only, when given."""
    query = (
        select(purchase, supplier.c.code.label("supplier_code"), project.c.number.label("project_number"))
        .join(supplier, supplier.c.id == purchase.c.supplier_id)
        .outerjoin(project, project.c.id == purchase.c.project_id)
        .order_by(purchase.c.id)
    )
    with ledger.read_core() as db:
        if number:
            query = query.where(purchase.c.project_id == lookup.project_row(db, number).id)
        return [PurchaseRow(*_fields(row, row.supplier_code, row.project_number)) for row in db.execute(query)]


def show(ledger: Ledger, number: str) -> PurchaseView:
    with ledger.read_core() as db:
        found = purchase_row(db, number)
        code = db.execute(select(supplier.c.code).where(supplier.c.id == found.supplier_id)).scalar_one()
        owner = (
            db.execute(select(project.c.number).where(project.c.id == found.project_id)).scalar_one()
            if found.project_id
            else None
        )
        lines = db.execute(select(purchase_line).where(purchase_line.c.purchase_id == found.id)).all()
        refs = dict(db.execute(select(product.c.id, product.c.ref)).all())
        return PurchaseView(
            *_fields(found, code, owner),
            lines=tuple(
                PurchaseLineRow(refs.get(l.product_id), l.description, l.qty, Money(l.cost), Money(l.amount))
                for l in lines
            ),
        )
