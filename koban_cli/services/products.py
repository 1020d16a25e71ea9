"""The product catalogue: goods, services and subscriptions.

The reads (`show_product`, `list_products`) are SQLAlchemy Core over db/tables.py and never import the
ORM; the writes import the model when they run. `product_view` makes the typed record the same way from a
model object and from a Core row.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from koban_cli.db import tables
from koban_cli.db.engine import Ledger
from koban_cli.domain import identity
from koban_cli.domain.accounting import check_account
from koban_cli.domain.kinds import BillingPeriod, ProductKind
from koban_cli.domain.money import Money
from koban_cli.errors import AlreadyExists, InvalidValue
from koban_cli.services import lookup, records

if TYPE_CHECKING:
    from koban_cli.db.models import Product

KINDS = tuple(ProductKind)
UNITS = ("u", "h", "day", "month", "kg", "m", "l", "year")
PERIODS = tuple(BillingPeriod)

# What each kind is unless told otherwise: goods are delivered from stock.
KIND_DEFAULTS = {
    ProductKind.GOODS: {"deliverable": True, "stock_tracked": True, "unit": "u", "period": None},
    ProductKind.SERVICE: {"deliverable": False, "stock_tracked": False, "unit": "h", "period": None},
    ProductKind.SUBSCRIPTION: {
        "deliverable": False,
        "stock_tracked": False,
        "unit": "month",
        "period": BillingPeriod.MONTHLY,
    },
}


def _check_choice(value: str | None, choices: tuple[str, ...], what: str) -> str | None:
    if value is not None and value not in choices:
        raise InvalidValue(f'{what} "{value}" is not one of {", ".join(choices)}')
    return value


def consistent(product: Product) -> Product:
    """The product, once its kind, unit, period and stock flags agree (else InvalidValue)."""
    _check_choice(product.kind, KINDS, "kind")
    _check_choice(product.unit, UNITS, "unit")
    _check_choice(product.period, PERIODS, "period")
    if product.kind == ProductKind.SUBSCRIPTION and (product.deliverable or product.stock_tracked):
        raise InvalidValue(f'subscription "{product.ref}" cannot be delivered or kept in stock')
    if product.stock_tracked and not product.deliverable:
        raise InvalidValue(f'product "{product.ref}" is kept in stock, so it must be deliverable')
    if product.kind != ProductKind.SUBSCRIPTION and product.period:
        raise InvalidValue(f'only a subscription has a billing period ("{product.ref}" is {product.kind})')
    return product


def _stored(changes: dict) -> dict:
    """The changes with a typed price or cost (Money, in the ledger's currency) as the amount stored."""
    return {
        key: value.amount_in(what=f"--{key}") if isinstance(value, Money) else value for key, value in changes.items()
    }


def add_product(
    ledger: Ledger, ref: str, name: str, price: Money, vat: Decimal, kind: str = ProductKind.GOODS, **options
) -> ProductRecord:
    """A new product; `options` are its other columns (`cost` as Money), None meaning the kind's default."""
    ref = identity.code(ref, "product reference")
    _check_choice(kind, KINDS, "kind")
    price = price.amount_in(what="--price")
    fields = KIND_DEFAULTS[kind] | {k: v for k, v in _stored(options).items() if v is not None}
    if fields.get("account") is not None:
        fields["account"] = check_account(fields["account"])
    from koban_cli.db.models import Product

    with ledger.write() as session:
        if session.execute(select(tables.product.c.id).where(tables.product.c.ref == ref)).first():
            raise AlreadyExists(f'product "{ref}" already exists (use: koban product edit {ref} …)')
        product = consistent(Product(ref=ref, name=identity.name(name), price=price, vat_rate=vat, kind=kind, **fields))
        session.add(product)
        return product_view(product)


def edit_product(ledger: Ledger, ref: str, **changes) -> ProductRecord:
    """Change the columns given (not None); `price` and `cost` as Money."""
    changes = _stored(changes)
    if changes.get("name") is not None:
        changes["name"] = identity.name(changes["name"])
    if changes.get("account") is not None:
        changes["account"] = check_account(changes["account"])
    with ledger.write() as session:
        product = lookup.product(session, ref)
        records.apply(product, changes)
        session.add(consistent(product))
        return product_view(product)


def show_product(ledger: Ledger, ref: str) -> ProductRecord:
    with ledger.read_core() as db:
        return product_view(lookup.product_row(db, ref))


def list_products(ledger: Ledger, kind: str | None = None) -> list[ProductRecord]:
    _check_choice(kind, KINDS, "kind")
    query = select(tables.product).order_by(tables.product.c.ref)
    if kind:
        query = query.where(tables.product.c.kind == kind)
    with ledger.read_core() as db:
        return [product_view(p) for p in db.execute(query)]


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """A product as `product show` and `product list` print it."""

    ref: str
    name: str
    kind: ProductKind
    price: Money
    vat_rate: Decimal
    unit: str
    period: BillingPeriod | None
    cost: Money | None
    deliverable: bool
    stock_tracked: bool
    alert_below: Decimal | None
    account: str | None  # None: the company's account for the kind


# The fields of `ProductRecord`, for the header of an empty CSV list.
VIEW_FIELDS = tuple(field.name for field in dataclasses.fields(ProductRecord))


def product_view(product: Product) -> ProductRecord:
    """The record of a product, a model object or a Core row."""
    return ProductRecord(
        ref=product.ref,
        name=product.name,
        kind=ProductKind(product.kind),
        price=Money.of(product.price),
        vat_rate=product.vat_rate,
        unit=product.unit,
        period=BillingPeriod(product.period) if product.period else None,
        cost=None if product.cost is None else Money.of(product.cost),
        deliverable=product.deliverable,
        stock_tracked=product.stock_tracked,
        alert_below=product.alert_below,
        account=product.account,
    )
