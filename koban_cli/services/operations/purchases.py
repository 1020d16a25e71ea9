"""Supplier purchase orders (CF-…), linked to a project; receiving brings goods into stock. The writes,
through the ORM; `purchase list` and `purchase show` read in services/operations/purchase_view.py (Core)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, select

from koban_cli.db import locks
from koban_cli.db.engine import Ledger
from koban_cli.db.models import Product, Purchase, PurchaseLine, StockMove
from koban_cli.domain.amounts import line_net
from koban_cli.domain.kinds import Status
from koban_cli.domain.money import Money
from koban_cli.errors import InvalidState, InvalidValue
from koban_cli.services import lookup
from koban_cli.services.numbering import take_number
from koban_cli.services.operations import projects
from koban_cli.services.operations.purchase_view import purchase_row


@dataclass(frozen=True, slots=True)
class PurchaseMade:
    """A new purchase order, its number and amount."""

    ref: str
    number: str
    amount: Money


@dataclass(frozen=True, slots=True)
class PurchaseReceived:
    """A purchase order received, with the stock movements it made."""

    ref: str
    number: str
    status: Status
    stock_moves: int


@dataclass(frozen=True, slots=True)
class PurchaseCancelled:
    """A purchase order cancelled."""

    ref: str
    number: str
    status: Status


def get(session: Session, number: str) -> Purchase:
    """The purchase order `number` names (see `purchase_view.purchase_row`), as a model object to change."""
    return session.get(Purchase, purchase_row(session, number).id)


def create(
    ledger: Ledger,
    project: str,
    supplier: str,
    date: dt.date,
    amount: Money | None = None,
    product: str | None = None,
    qty: Decimal | None = None,
    cost: Money | None = None,
    supplier_ref: str = "",
    description: str = "",
) -> PurchaseMade:
    if (amount is None) == (product is None):
        raise InvalidValue("give --amount, or --product with --qty and --cost")
    amount = None if amount is None else amount.amount_in(what="--amount")
    cost = None if cost is None else cost.amount_in(what="--cost")
    with ledger.write() as session:
        owner = projects.get(session, project)
        seller = lookup.supplier(session, supplier)
        if product:
            item = lookup.product(session, product)
            unit_cost = cost if cost is not None else item.cost
            if unit_cost is None:
                raise InvalidValue(f'give --cost: product "{product}" has no purchase cost')
            qty = qty or Decimal(1)
            line = PurchaseLine(
                purchase_id=0,
                product_id=item.id,
                description=description or item.name,
                qty=qty,
                cost=unit_cost,
                amount=line_net(qty, unit_cost),
            )
        else:
            line = PurchaseLine(
                purchase_id=0,
                description=description or f"Achat pour {project}",
                qty=Decimal(1),
                cost=amount,
                amount=amount,
            )
        purchase = Purchase(
            number=take_number(session, "purchase", date),
            supplier_id=seller.id,
            project_id=owner.id,
            date=date,
            supplier_ref=supplier_ref or "",
            amount=line.amount,
        )
        session.add(purchase)
        session.flush()
        line.purchase_id = purchase.id
        session.add(line)
        return PurchaseMade(purchase.number, purchase.number, Money(purchase.amount))


def receive(ledger: Ledger, number: str, date: dt.date) -> PurchaseReceived:
    """Stock-tracked goods of the purchase come into stock (purchase movements)."""
    with ledger.write() as session:
        purchase = get(session, number)
        if purchase.status == Status.RECEIVED:
            raise InvalidState(f"{number} was already received")
        if purchase.status != Status.ORDERED:
            raise InvalidState(f"{number} is {purchase.status}; only an ordered purchase is received")
        lines = session.exec(
            select(PurchaseLine, Product)
            .join(Product, Product.id == PurchaseLine.product_id)
            .where(PurchaseLine.purchase_id == purchase.id)
        ).all()
        moved = 0
        for line, product in lines:
            if product.stock_tracked:
                session.add(
                    StockMove(
                        product_id=product.id, date=date, qty=line.qty, kind="purchase", ref=number, cost=line.cost
                    )
                )
                moved += 1
        purchase.status = Status.RECEIVED
        session.add(purchase)
        return PurchaseReceived(number, number, Status.RECEIVED, moved)


def cancel(ledger: Ledger, number: str) -> PurchaseCancelled:
    """Cancel a purchase order not received yet: it no longer counts in its project's costs."""
    with ledger.write() as session:
        purchase = locks.row(session, get(session, number))
        if purchase.status != Status.ORDERED:
            raise InvalidState(f"{number} is {purchase.status}; only a purchase order not yet received is cancelled")
        purchase.status = Status.CANCELLED
        session.add(purchase)
        return PurchaseCancelled(number, number, Status.CANCELLED)
