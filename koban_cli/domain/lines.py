"""Building a document line: the one rule every path follows (CLI, CSV import, contracts, bill-due).

A priced line copies its product's name, price and VAT rate unless typed
values override them; the VAT policy then decides the rate that is really
charged, from the company, the buyer and what is sold (domain/vat_regimes.py:
a VAT-exempt company, art. 293 B du CGI, charges 0 % on every line; goods to
an EU business with a VAT number, exports, services abroad are at 0 % too). The net is qty x unit price x (1 - discount),
rounded once, so the line is true to the cent by construction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal

from koban_cli.domain import vat_regimes
from koban_cli.domain.amounts import line_net
from koban_cli.domain.countries import stored_code
from koban_cli.domain.kinds import CustomerKind, LineKind, ProductKind
from koban_cli.domain.money import Money
from koban_cli.domain.values import HUNDRED, ZERO, round_money
from koban_cli.domain.vat_regimes import VatRegime
from koban_cli.domain.wording import spelt
from koban_cli.errors import InvalidValue


@dataclass(frozen=True)
class VatPolicy:
    """What the company charges a buyer: `exempt` is the franchise en base (every line at 0 %); the buyer's
    country, kind and VAT number (or its forced regime) decide the rest, per product kind."""

    exempt: bool = False
    country: str = "FR"
    individual: bool = False
    buyer_vat_number: str = ""
    forced: str | None = None

    @classmethod
    def of_buyer(cls, exempt: bool, customer) -> VatPolicy:
        """The policy of a company (`exempt` or not) towards a customer (a row or a model)."""
        return cls(
            exempt=exempt,
            country=stored_code(customer.country),
            individual=customer.kind == CustomerKind.INDIVIDUAL,
            buyer_vat_number=customer.vat_number or "",
            forced=customer.vat_regime,
        )

    def regime(self, kind: str = ProductKind.SERVICE) -> str:
        """S, E, K, AE, G or O for a line of a product of this kind (goods | service | subscription)."""
        return vat_regimes.regime_of(
            self.exempt, self.country, self.individual, self.buyer_vat_number, kind == ProductKind.GOODS, self.forced
        )

    def rate(self, rate: Decimal, kind: str = ProductKind.SERVICE) -> Decimal:
        return rate if self.regime(kind) == VatRegime.S else ZERO

    def line_regime(self, rate: Decimal, kind: str = ProductKind.SERVICE) -> str:
        """The regime a stored line bears (S at 0 % is Z)."""
        return vat_regimes.line_regime(self.regime(kind), rate)


@dataclass(frozen=True)
class ProductTerms:
    """What a line copies from a product."""

    id: int
    name: str
    price: Decimal
    vat_rate: Decimal
    kind: str = ProductKind.SERVICE  # the product's kind: goods | service | subscription

    @classmethod
    def of(cls, product) -> ProductTerms:
        """What a line copies from a product (a row or a model)."""
        return cls(product.id, product.name, product.price, product.vat_rate, product.kind)


@dataclass(frozen=True)
class Line:
    """A line about to be written on a quote, an order, an invoice or a credit note."""

    description: str
    qty: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    net: Decimal
    discount: Decimal = ZERO
    kind: str = "free"  # product | free | text
    product_id: int | None = None
    comment: str | None = None
    order_line_id: int | None = None
    deposit_line_id: int | None = None
    source_line_id: int | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None

    def fields(self, *names: str) -> dict:
        """The stored columns (all of them, or the ones named)."""
        return {name: getattr(self, name) for name in names or COLUMNS}


COLUMNS = tuple(field.name for field in fields(Line))


def priced(
    description: str,
    qty: Decimal,
    unit_price: Decimal,
    vat_rate: Decimal,
    policy: VatPolicy,
    discount: Decimal = ZERO,
    product_id: int | None = None,
    product_kind: str = ProductKind.SERVICE,
    **extra,
) -> Line:
    """A priced line whose net is qty x unit price x (1 - discount), at the rate the company charges."""
    return Line(
        description=description,
        qty=qty,
        unit_price=unit_price,
        vat_rate=policy.rate(vat_rate, product_kind),
        net=line_net(qty, unit_price, discount),
        discount=discount,
        kind=LineKind.PRODUCT if product_id else LineKind.FREE,
        product_id=product_id,
        **extra,
    )


def text_line(text: str, comment: str | None = None) -> Line:
    """A section or comment line: no amount, never invoiced."""
    return Line(
        description=text, qty=ZERO, unit_price=ZERO, vat_rate=ZERO, net=ZERO, kind=LineKind.TEXT, comment=comment
    )


def from_input(
    policy: VatPolicy,
    product: ProductTerms | None = None,
    description: str | None = None,
    price: Money | Decimal | None = None,
    vat: Decimal | None = None,
    qty: Decimal = Decimal(1),
    discount: Decimal = ZERO,
    comment: str | None = None,
) -> Line:
    """A line as a user or a file describes it: a product (typed values override its own), or a free line.

    A typed price is Money, in the ledger's currency (InvalidValue otherwise); a bulk import passes the
    Decimal its parser stored (services/imports/kinds.py, kept bare for speed)."""
    if isinstance(price, Money):
        price = price.amount_in(what="unit price")
    if product is None:
        missing = missing_without_product(description, price, vat)
        if missing:
            raise InvalidValue(f"a line without a product needs {', '.join(missing)}")
        return priced(description, qty, price, vat, policy, discount, comment=comment)
    return priced(
        description or product.name,
        qty,
        product.price if price is None else price,
        product.vat_rate if vat is None else vat,
        policy,
        discount,
        product.id,
        product.kind,
        comment=comment,
    )


def missing_without_product(description: str | None, price: Money | Decimal | None, vat: Decimal | None) -> list[str]:
    """Which of description, price and vat a line without a product lacks (nothing typed, or empty text)."""
    given = (("description", description), ("price", price), ("vat", vat))
    return [name for name, value in given if value is None or (isinstance(value, str) and not value)]


def prorated(
    description: str,
    qty: Decimal,
    period_price: Decimal,
    every: str,
    vat_rate: Decimal,
    policy: VatPolicy,
    days: int,
    full_days: int,
    discount: Decimal = ZERO,
    product_id: int | None = None,
    product_kind: str = ProductKind.SUBSCRIPTION,
    **extra,
) -> Line:
    """A period cut short: qty x price x (1 - discount) x days / days of the period, rounded once to the
    cent, billed as qty 1 x that amount with the contracted quantity and the proration spelt out."""
    net = round_money(qty * period_price * (HUNDRED - discount) / HUNDRED * days / full_days)
    return Line(
        description=f"{description}, {spelt(qty, period_price, discount, every)}, prorata {days}/{full_days} jours",
        qty=Decimal(1),
        unit_price=net,
        vat_rate=policy.rate(vat_rate, product_kind),
        net=net,
        kind=LineKind.PRODUCT if product_id else LineKind.FREE,
        product_id=product_id,
        **extra,
    )
