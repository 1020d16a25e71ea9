"""What the French e-invoicing reform makes an invoice state, read from the ledger once.

`facts` gives, for an invoice, the VAT regime of each line (domain/vat_regimes.py),
its unit, the category of the operation, the delivery address when it is not
the billing address, the buyer's order reference, the invoicing period, the
invoice a credit note corrects and the deposits a final invoice deducts. A
validated invoice freezes them in its snapshot (services/invoicing/issuing.py), so it
reprints identically whatever is edited later; a draft is printed from them
live. `missing_mentions` lists what the reform requires and the ledger lacks.

The queries are SQLAlchemy Core over db/tables.py and take `db`, an ORM
`Session` or a Core `Connection` (as services/lines.py): validation reads them
on Core, a draft's print on either. The invoice is a model object or a
`lines.Draft`; the company, customer and what is read are objects or rows alike.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal

from sqlalchemy import select

from koban_cli.db import tables
from koban_cli.domain import vat_regimes
from koban_cli.domain.countries import HOME, stored_code
from koban_cli.domain.kinds import InvoiceKind, LineKind, ProductKind
from koban_cli.domain.lines import VatPolicy
from koban_cli.domain.values import date_str
from koban_cli.domain.vat_regimes import VatRegime
from koban_cli.errors import InvalidValue
from koban_cli.services import lines as doc_lines

ADDRESS = ("address", "postcode", "city", "country")


def _row(db, table, row_id: int):
    return db.execute(select(table).where(table.c.id == row_id)).one()


def facts(db, doc, company, customer) -> dict:
    """`doc`: the invoice, a model object or a `lines.Draft` (its lines are read through it)."""
    lines = [line for line in doc_lines.lines_of(db, doc) if line.kind != LineKind.TEXT]
    invoice = doc_lines.values_of(doc)
    order = _row(db, tables.sales_order, invoice.order_id) if invoice.order_id else None
    order_lines = _order_lines(db, order, lines)
    products = _products(db, [line.product_id for line in lines] + [o.product_id for o in order_lines.values()])
    policy = VatPolicy.of_buyer(company.vat_exempt, customer)
    fallback = _fallback_kinds(lines, order_lines, products, order, db)
    inherited = _credited_regimes(db, invoice, lines)
    regimes, goods, units = [], [], []
    for line in lines:
        order_line = order_lines.get(line.order_line_id)
        product = products.get(line.product_id or (order_line.product_id if order_line else None))
        kind = product.kind if product else fallback.get(line.vat_rate, ProductKind.SERVICE)
        goods.append(kind == ProductKind.GOODS)
        regimes.append(inherited.get(line.id) or policy.line_regime(line.vat_rate, kind))
        units.append(_unit(line, product, order_line))
    regimes = vat_regimes.settled(regimes)
    periods = [(line.period_start, line.period_end) for line in lines if line.period_start]
    credited = _row(db, tables.invoice, invoice.credited_invoice_id) if invoice.credited_invoice_id else None
    return {
        "lines": {str(line.position): {"regime": r, "unit": u} for line, r, u in zip(lines, regimes, units)},
        "operation": vat_regimes.operation(goods),
        "customer_ref": (order.customer_ref if order else "") or None,
        "delivery": delivery_address(order, customer),
        "period": (
            {"start": date_str(min(p[0] for p in periods)), "end": date_str(max(p[1] for p in periods))}
            if periods and len(periods) == len(lines)
            else None
        ),
        "credited": {"number": credited.number, "date": date_str(credited.date)} if credited else None,
        "deposits": _deposits(db, lines) if invoice.kind != InvoiceKind.CREDIT_NOTE else [],
    }


def delivery_address(order, customer) -> dict | None:
    """The order's own delivery address, else the customer's; None when it is the billing address."""
    for source in (order, customer):
        if source is not None and (source.delivery_address or source.delivery_city):
            place = {key: getattr(source, f"delivery_{key}") or "" for key in ADDRESS}
            place["country"] = stored_code(place["country"] or customer.country)
            billing = {key: getattr(customer, key) or "" for key in ADDRESS} | {
                "country": stored_code(customer.country)
            }
            return None if place == billing else place
    return None


def missing_mentions(seller: dict, buyer: dict, regimes: list[str]) -> list[str]:
    """The mandatory mentions an invoice would lack, each naming what to set."""
    missing = []
    french = stored_code(buyer.get("country") or HOME) in ("FR", "MC")
    if french and buyer.get("kind", "company") == "company" and not buyer.get("siren"):
        missing.append(
            f"customer {buyer['code']} has no SIREN, mandatory on invoices to French businesses "
            f"(koban customer edit {buyer['code']} --siren …, or --individual for a consumer)"
        )
    needs_buyer_vat = [key for key in regimes if vat_regimes.REGIMES[key].buyer_vat_number]
    if needs_buyer_vat and not buyer.get("vat_number"):
        missing.append(
            f"customer {buyer['code']} has no VAT number, mandatory for regime {needs_buyer_vat[0]} "
            f"(koban customer edit {buyer['code']} --vat-number …)"
        )
    if set(regimes) & {VatRegime.K, VatRegime.AE, VatRegime.G} and not seller.get("vat_number"):
        missing.append("the company has no VAT number, mandatory on this invoice (koban company set --vat-number …)")
    return missing


def check_mentions(seller: dict, buyer: dict, document: dict, ref: str, strict: bool) -> None:
    """Refuse (strict mentions) or warn: a missing mention is the seller's to fix, not always a reason to stop."""
    regimes = [line["regime"] for line in document["lines"].values()]
    for problem in missing_mentions(seller, buyer, regimes):
        if strict:
            raise InvalidValue(f"{ref} cannot be validated: {problem}; or koban company set --no-strict-mentions")
        # services print nothing else; this one line on stderr is the warning the reform's rules call for
        print(f"Warning: {ref}: {problem}", file=sys.stderr)


def _order_lines(db, order, lines: list) -> dict[int, object]:
    table = tables.order_line
    if order is None:
        ids = {line.order_line_id for line in lines if line.order_line_id}
        if not ids:
            return {}
        return {o.id: o for o in db.execute(select(table).where(table.c.id.in_(ids)))}
    return {o.id: o for o in db.execute(select(table).where(table.c.order_id == order.id))}


def _products(db, ids: list[int | None]) -> dict[int, object]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    table = tables.product
    return {p.id: p for p in db.execute(select(table).where(table.c.id.in_(wanted)))}


def _fallback_kinds(lines, order_lines, products, order, db) -> dict[Decimal, str]:
    """The kind of a line without a product (a deposit, a deduction, a free line), per VAT rate: what most
    of the order's (else the invoice's) net at that rate is."""
    source = [o for o in order_lines.values() if o.kind != LineKind.TEXT] if order is not None else lines
    weight: dict[Decimal, dict[str, Decimal]] = {}
    for line in source:
        product = products.get(line.product_id)
        if product is None:
            continue
        kind = ProductKind.GOODS if product.kind == ProductKind.GOODS else ProductKind.SERVICE
        by_kind = weight.setdefault(line.vat_rate, {})
        by_kind[kind] = by_kind.get(kind, Decimal(0)) + abs(line.net)
    out = {rate: max(by_kind, key=by_kind.get) for rate, by_kind in weight.items()}
    if Decimal(0) not in out and out:  # a deposit at 0 % of an order taxed otherwise: its main kind
        total: dict[str, Decimal] = {}
        for by_kind in weight.values():
            for kind, amount in by_kind.items():
                total[kind] = total.get(kind, Decimal(0)) + amount
        out[Decimal(0)] = max(total, key=total.get)
    return out


def _credited_regimes(db, invoice, lines: list) -> dict[int, str]:
    """A credit note's lines bear the regimes the credited invoice froze, whatever changed since."""
    if not invoice.credited_invoice_id:
        return {}
    source = _row(db, tables.invoice, invoice.credited_invoice_id)
    frozen = json.loads(source.snapshot).get("document") if source.snapshot else None
    if not frozen:
        return {}
    out = {}
    for line in lines:
        if line.source_line_id:
            origin = db.execute(
                select(tables.invoice_line.c.position).where(tables.invoice_line.c.id == line.source_line_id)
            ).first()
            regime = frozen["lines"].get(str(origin.position), {}).get("regime") if origin else None
            if regime:
                out[line.id] = regime
    return out


def _unit(line, product, order_line) -> str:
    """The product's unit when the line counts it (qty x the product's price); a share billed as
    qty 1 x an amount counts one unit of nothing in particular."""
    if product is None:
        return "u"
    reference = order_line.unit_price if order_line is not None else product.price
    return product.unit if line.unit_price == reference else "u"


def _deposits(db, lines: list) -> list[dict]:
    ids = {line.deposit_line_id for line in lines if line.deposit_line_id}
    if not ids:
        return []
    invoice, line = tables.invoice.c, tables.invoice_line.c
    query = (
        select(invoice.number, invoice.date)
        .join(tables.invoice_line, line.invoice_id == invoice.id)
        .where(line.id.in_(ids), invoice.kind == InvoiceKind.DEPOSIT)
        .distinct()
        .order_by(invoice.number)
    )
    return [{"number": number, "date": date_str(date)} for number, date in db.execute(query)]
