"""The parts every document's view shares: its lines, its VAT breakdown, its parties.

Lines and VAT rows are typed values (Money, Decimal, dates, kinds); their
fields are the keys of SPEC §11, in order, and the edges turn them into text
(`cli/output.plain`, `render/formatting`). The views read any object with
attributes: a model object in a write, a Core row in a read. The queries here
are SQLAlchemy Core (db/tables.py) and take `db`, an ORM `Session` or a Core
`Connection`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from koban_cli.db.tables import invoice_line, order_line, product, quote_line
from koban_cli.domain.amounts import totals
from koban_cli.domain.kinds import LineKind, Status
from koban_cli.domain.money import Money
from koban_cli.domain.numbering import DEFAULT_PREFIXES
from koban_cli.domain.values import number_str

COMPANY_FIELDS = (
    "name",
    "address",
    "postcode",
    "city",
    "country",
    "siren",
    "vat_number",
    "iban",
    "bic",
    "email",
    "phone",
    "legal_form",
    "capital",
    "rcs",
    "logo",
    "payment_terms_days",
    "late_penalty_rate",
    "vat_exempt",
    "allow_negative_stock",
    "number_pattern",
    "global_sequence",
    "template_dir",
    "fiscal_year_end",
    "vat_on_debits",
    "strict_mentions",
    "reminder_levels",
)
CUSTOMER_FIELDS = (
    "code",
    "name",
    "email",
    "address",
    "postcode",
    "city",
    "country",
    "siren",
    "vat_number",
    "payment_terms_days",
    "kind",
    "vat_regime",
    "delivery_address",
    "delivery_postcode",
    "delivery_city",
    "delivery_country",
)
LINES = {"quote": (quote_line, "quote_id"), "order": (order_line, "order_id"), "invoice": (invoice_line, "invoice_id")}


def lines(db, kind: str, doc_id: int) -> list:
    """The lines of a quote, order or invoice (`kind`) as rows, in their order."""
    table, key = LINES[kind]
    return list(db.execute(select(table).where(table.c[key] == doc_id).order_by(table.c.position)))


def product_refs(db, lines) -> dict[int, str]:
    ids = {line.product_id for line in lines if line.product_id}
    if not ids:
        return {}
    return dict(db.execute(select(product.c.id, product.c.ref).where(product.c.id.in_(ids))).all())


@dataclass(frozen=True, slots=True)
class Line:
    """A document line as it reads; a text line has no amounts."""

    position: int
    kind: LineKind
    product: str | None
    description: str
    qty: Decimal | None
    unit_price: Money | None
    discount: Decimal | None
    vat_rate: Decimal | None
    net: Money | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class InvoiceLine(Line):
    """An invoice line, with the period it bills (a subscription's)."""

    period_start: dt.date | None
    period_end: dt.date | None


@dataclass(frozen=True, slots=True)
class OrderLine(Line):
    """An order line, with what of it is invoiced and, for goods, delivered."""

    qty_invoiced: Decimal | None
    qty_delivered: Decimal | None


@dataclass(frozen=True, slots=True)
class LineChanged:
    """A document's line added, changed or removed, by its position (from 1)."""

    ref: str
    position: int


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """A document moved to a new status."""

    ref: str
    number: str
    status: Status


@dataclass(frozen=True, slots=True)
class VatRow:
    rate: Decimal
    base: Money
    amount: Money


def line_fields(line, refs: dict[int, str]) -> tuple:
    """The fields of `Line` of a stored line, in order (a subclass adds its own after them)."""
    priced = line.kind != LineKind.TEXT
    return (
        line.position,
        LineKind(line.kind),
        refs.get(line.product_id),
        line.description,
        line.qty if priced else None,
        Money(line.unit_price) if priced else None,
        line.discount if priced else None,
        line.vat_rate if priced else None,
        Money(line.net) if priced else None,
        line.comment,
    )


def vat_rows(lines) -> tuple[VatRow, ...]:
    """The VAT breakdown per rate of the priced lines."""
    return vat_table(totals((line.vat_rate, line.net) for line in lines if line.kind != LineKind.TEXT))


def vat_table(result) -> tuple[VatRow, ...]:
    """The VAT rows of a `domain.amounts.totals` result."""
    return tuple(VatRow(r.rate, Money(r.base), Money(r.amount)) for r in result.vat)


def company_view(company) -> dict:
    from koban_cli.domain.accounting import DEFAULT_ACCOUNTS  # the chart's module is large: only this view needs it

    view = {key: getattr(company, key) for key in COMPANY_FIELDS}
    view["late_penalty_rate"] = number_str(company.late_penalty_rate)
    view["prefixes"] = DEFAULT_PREFIXES | json.loads(company.prefixes or "{}")
    view["accounts"] = DEFAULT_ACCOUNTS | json.loads(company.accounts or "{}")
    return view


def customer_view(customer) -> dict:
    """What an invoice freezes of its buyer (services/invoicing/issuing.py): the account is bookkeeping, not printed."""
    return {key: getattr(customer, key) for key in CUSTOMER_FIELDS}
