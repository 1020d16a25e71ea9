"""Editing the lines of a draft document, the same way on quotes, orders and invoices."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Iterable

from sqlmodel import Session, select

from koban_cli.db.models import Customer, Invoice, InvoiceLine, OrderLine, Product, Quote, QuoteLine, SalesOrder
from koban_cli.domain import lines as domain_lines
from koban_cli.domain.amounts import totals
from koban_cli.domain.kinds import InvoiceKind, LineKind, ProductKind, Status
from koban_cli.domain.money import Money
from koban_cli.domain.values import ZERO
from koban_cli.errors import InvalidValue, NotADraft
from koban_cli.services import lookup

Document = Quote | SalesOrder | Invoice
Line = QuoteLine | OrderLine | InvoiceLine

LINE_TABLE = {Quote: (QuoteLine, "quote_id"), SalesOrder: (OrderLine, "order_id"), Invoice: (InvoiceLine, "invoice_id")}


@dataclass(frozen=True)
class LineInput:
    """A line as the user describes it: a product, a free line, or a text line."""

    product: str | None = None
    description: str | None = None
    price: Money | None = None  # per unit excl. tax, in the ledger's currency
    vat: Decimal | None = None
    qty: Decimal = Decimal(1)
    discount: Decimal = ZERO
    comment: str | None = None
    text: str | None = None


def vat_policy(session: Session, customer: Customer | None = None) -> domain_lines.VatPolicy:
    """The company's VAT policy towards a buyer (a French business when none is named)."""
    exempt = lookup.company(session).vat_exempt
    if customer is None:
        return domain_lines.VatPolicy(exempt=exempt)
    return domain_lines.VatPolicy.of_buyer(exempt, customer)


def resolve(session: Session, spec: LineInput) -> domain_lines.Line:
    """The line to store: product values copied, then overridden by what was typed (domain.lines)."""
    if spec.text is not None:
        if spec.product or spec.price is not None:
            raise InvalidValue("a text line has no product or price; use --text alone")
        return domain_lines.text_line(spec.text, spec.comment)
    product = domain_lines.ProductTerms.of(lookup.product(session, spec.product)) if spec.product else None
    if product is None:
        missing = [f"--{name}" for name in domain_lines.missing_without_product(spec.description, spec.price, spec.vat)]
        if missing:
            raise InvalidValue(
                f"a free line needs {', '.join(missing)} (or use --product REF, or --text for a comment)"
            )
    return domain_lines.from_input(
        vat_policy(session), product, spec.description, spec.price, spec.vat, spec.qty, spec.discount, spec.comment
    )


def lines_of(session: Session, doc: Document) -> list:
    """The document's line objects in order, to change them; a read takes them as rows (`views.lines`)."""
    table, key = LINE_TABLE[type(doc)]
    return list(session.exec(select(table).where(getattr(table, key) == doc.id).order_by(table.position)))


def require_draft(doc: Document, ref: str) -> None:
    if doc.status != Status.DRAFT:
        raise NotADraft(f"{ref} is {doc.status}; only a draft can be changed")


def append(session: Session, doc: Document, values: Iterable[domain_lines.Line], new_document: bool = False) -> list:
    """Add lines after the last one and refresh the document's totals."""
    table, key = LINE_TABLE[type(doc)]
    columns = set(table.model_fields)
    values = _charged(session, doc, values)
    existing = [] if new_document else lines_of(session, doc)
    position = existing[-1].position if existing else 0
    added = []
    for value in values:
        position += 1
        fields = {name: v for name, v in value.fields().items() if name in columns}
        line = table(**fields, position=position, **{key: doc.id})
        session.add(line)
        added.append(line)
    refresh_totals(session, doc, existing + added)
    return added


def _charged(session: Session, doc: Document, values: Iterable[domain_lines.Line]) -> list[domain_lines.Line]:
    """A new line bears the VAT its buyer's regime charges (0 % to an EU business, an export...), whichever
    path built it. Lines copied from another line (billed from an order, a deposit deducted, a credit note)
    keep the rate of the line they copy: the rate was decided when that line was made."""
    values = list(values)
    if getattr(doc, "kind", None) == InvoiceKind.CREDIT_NOTE:
        return values
    policy = vat_policy(session, session.get(Customer, doc.customer_id))
    out = []
    for value in values:
        copied = value.order_line_id or value.deposit_line_id or value.source_line_id
        if value.kind == LineKind.TEXT or copied or not value.vat_rate:
            out.append(value)
            continue
        product = session.get(Product, value.product_id) if value.product_id else None
        rate = policy.rate(value.vat_rate, product.kind if product else ProductKind.SERVICE)
        out.append(value if rate == value.vat_rate else replace(value, vat_rate=rate))
    return out


def remove(session: Session, doc: Document, position: int, ref: str) -> None:
    lines = lines_of(session, doc)
    target = next((line for line in lines if line.position == position), None)
    if target is None:
        raise InvalidValue(f"{ref} has no line {position} (it has {len(lines)})")
    session.delete(target)
    session.flush()
    kept = [line for line in lines if line is not target]
    for line in kept:
        if line.position > position:
            line.position -= 1
            session.add(line)
            session.flush()  # one at a time: (document, position) is unique
    refresh_totals(session, doc, kept)


def refresh_totals(session: Session, doc: Document, lines: list) -> None:
    result = totals((line.vat_rate, line.net) for line in lines if line.kind != LineKind.TEXT)
    doc.net, doc.tax, doc.gross = result.net, result.tax, result.gross
    session.add(doc)


def copy_fields(line: Line) -> dict:
    """What a line carries over when a quote becomes an order."""
    return {
        name: getattr(line, name)
        for name in ("kind", "product_id", "description", "qty", "unit_price", "discount", "vat_rate", "net", "comment")
    }
