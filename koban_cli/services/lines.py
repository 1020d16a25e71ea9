"""Editing the lines of a draft document, the same way on quotes, orders and invoices.

Every function takes `db`, an ORM `Session` or a Core `Connection`, and runs
SQLAlchemy Core statements over db/tables.py on either (as numbering does):
a command that edits an order or a quote never imports the ORM, and the ORM
writes (invoice drafts, credit notes, bill-due, contracts) call the same
rules. On a Session, what is pending is flushed before the statements run, and
the objects the caller holds are kept true to what was written (a document's
totals are set, the line objects a removal renumbers are expired).

A document is a model object (Quote, SalesOrder, Invoice) or, on Core, a
`Draft`: its row and the tables it lives in.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Callable, Iterable

from sqlalchemy import delete, inspect, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql import TableClause

from koban_cli.db import locks, tables, transaction
from koban_cli.db.engine import Ledger
from koban_cli.domain import lines as domain_lines
from koban_cli.domain.amounts import totals
from koban_cli.domain.kinds import InvoiceKind, LineKind, ProductKind, Status
from koban_cli.domain.money import Money
from koban_cli.domain.values import ZERO
from koban_cli.errors import InvalidValue, NotADraft
from koban_cli.services import lookup, views


@dataclass(frozen=True)
class Tables:
    """Where a kind of document and its lines are stored."""

    name: str  # as views.lines names it
    document: TableClause
    lines: TableClause
    key: str  # the line's column naming its document


QUOTE = Tables("quote", tables.quote, tables.quote_line, "quote_id")
ORDER = Tables("order", tables.sales_order, tables.order_line, "order_id")
INVOICE = Tables("invoice", tables.invoice, tables.invoice_line, "invoice_id")
_BY_NAME = {kind.document.name: kind for kind in (QUOTE, ORDER, INVOICE)}


@dataclass(frozen=True)
class Draft:
    """A document read as a Core row (`lookup.order_row`…), with the tables it lives in."""

    tables: Tables
    row: Any


def locked(db, kind: Tables, row) -> Draft:
    """The document of `row` locked (FOR NO KEY UPDATE on PostgreSQL) and read again, as a Draft: what a
    write then checks of it (still a draft?) holds until it commits, so a validation of the same document
    waits for it, or it for the validation, and never slips between the check and the write."""
    return Draft(kind, locks.locked(db, kind.document, row.id))


def _parts(doc) -> tuple[Tables, Any]:
    """The document's tables and its values (the row of a Draft, else the model object itself)."""
    if isinstance(doc, Draft):
        return doc.tables, doc.row
    return _BY_NAME[doc.__tablename__], doc


def values_of(doc) -> Any:
    """A document's values: the row of a Draft, else the model object itself."""
    return doc.row if isinstance(doc, Draft) else doc


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


def vat_policy(db, customer=None) -> domain_lines.VatPolicy:
    """The company's VAT policy towards a buyer (a row or a model; a French business when none is named)."""
    exempt = lookup.company(db).vat_exempt
    if customer is None:
        return domain_lines.VatPolicy(exempt=exempt)
    return domain_lines.VatPolicy.of_buyer(exempt, customer)


def resolve(db, spec: LineInput) -> domain_lines.Line:
    """The line to store: product values copied, then overridden by what was typed (domain.lines)."""
    if spec.text is not None:
        if spec.product or spec.price is not None:
            raise InvalidValue("a text line has no product or price; use --text alone")
        return domain_lines.text_line(spec.text, spec.comment)
    product = domain_lines.ProductTerms.of(lookup.product_row(db, spec.product)) if spec.product else None
    if product is None:
        missing = [f"--{name}" for name in domain_lines.missing_without_product(spec.description, spec.price, spec.vat)]
        if missing:
            raise InvalidValue(
                f"a free line needs {', '.join(missing)} (or use --product REF, or --text for a comment)"
            )
    return domain_lines.from_input(
        vat_policy(db), product, spec.description, spec.price, spec.vat, spec.qty, spec.discount, spec.comment
    )


def add_line(ledger: Ledger, ref: str, spec: LineInput, draft: Callable) -> views.LineChanged:
    """`<document> add-line`, on Core: the line typed (`resolve`) appended to the draft `draft(db, ref)` finds."""
    with ledger.write_core() as db:
        doc = draft(db, ref)
        locks.pause("lines.add_line")
        (position,) = append(db, doc, [resolve(db, spec)])
        return views.LineChanged(ref, position)


def remove_line(ledger: Ledger, ref: str, position: int, draft: Callable) -> None:
    """`<document> remove-line`, on Core."""
    with ledger.write_core() as db:
        remove(db, draft(db, ref), position, ref)


def lines_of(db, doc) -> list:
    """The document's lines in order, as Core rows (their attributes are the models')."""
    kind, values = _parts(doc)
    transaction.flushed(db)
    return views.lines(db, kind.name, values.id)


def require_draft(doc, ref: str) -> None:
    status = _parts(doc)[1].status
    if status != Status.DRAFT:
        raise NotADraft(f"{ref} is {status}; only a draft can be changed")


def append(db, doc, values: Iterable[domain_lines.Line], new_document: bool = False) -> list[int]:
    """Add lines after the last one and refresh the document's totals; the positions they took."""
    kind, document = _parts(doc)
    transaction.flushed(db)
    table = kind.lines
    values = _charged(db, document, values)
    existing = [] if new_document else _amounts(db, kind, document.id)
    position = existing[-1].position if existing else 0
    columns = set(table.c.keys())
    rows = []
    for value in values:
        position += 1
        fields = {name: v for name, v in value.fields().items() if name in columns}
        rows.append({**tables.DEFAULTS[table.name], **fields, "position": position, kind.key: document.id})
    if rows:
        db.execute(table.insert(), rows)
    refresh_totals(db, doc, existing + values)
    return [row["position"] for row in rows]


def _amounts(db, kind: Tables, doc_id: int) -> list:
    """What the totals and positions need of a document's lines, in order."""
    c = kind.lines.c
    query = select(c.id, c.position, c.kind, c.vat_rate, c.net).where(c[kind.key] == doc_id).order_by(c.position)
    return list(db.execute(query))


def _charged(db, document, values: Iterable[domain_lines.Line]) -> list[domain_lines.Line]:
    """A new line bears the VAT its buyer's regime charges (0 % to an EU business, an export...), whichever
    path built it. Lines copied from another line (billed from an order, a deposit deducted, a credit note)
    keep the rate of the line they copy: the rate was decided when that line was made."""
    values = list(values)
    if getattr(document, "kind", None) == InvoiceKind.CREDIT_NOTE:
        return values
    charged = [
        value
        for value in values
        if not (value.kind == LineKind.TEXT or value.order_line_id or value.deposit_line_id or value.source_line_id)
        and value.vat_rate
    ]
    if not charged:
        return values
    buyer = db.execute(select(tables.customer).where(tables.customer.c.id == document.customer_id)).one()
    policy = vat_policy(db, buyer)
    ids = {value.product_id for value in charged if value.product_id}
    product = tables.product.c
    kinds = dict(db.execute(select(product.id, product.kind).where(product.id.in_(ids))).all()) if ids else {}
    out, charged_ids = [], {id(value) for value in charged}
    for value in values:
        if id(value) not in charged_ids:
            out.append(value)
            continue
        rate = policy.rate(value.vat_rate, kinds.get(value.product_id, ProductKind.SERVICE))
        out.append(value if rate == value.vat_rate else replace(value, vat_rate=rate))
    return out


def remove(db, doc, position: int, ref: str) -> None:
    """Remove line `position`; the lines after it move up one, one at a time ((document, position) is unique)."""
    kind, document = _parts(doc)
    transaction.flushed(db)
    lines = _amounts(db, kind, document.id)
    target = next((line for line in lines if line.position == position), None)
    if target is None:
        raise InvalidValue(f"{ref} has no line {position} (it has {len(lines)})")
    table = kind.lines
    db.execute(delete(table).where(table.c.id == target.id))
    kept = []
    for line in lines:
        if line.position > position:
            db.execute(update(table).where(table.c.id == line.id).values(position=line.position - 1))
        if line is not target:
            kept.append(line)
    if not isinstance(db, Connection):
        for held in _held_lines(db, kind, document.id):  # Core deleted or renumbered them under the session
            (db.expunge if inspect(held).identity == (target.id,) else db.expire)(held)
    refresh_totals(db, doc, kept)


def remove_all(db, doc) -> None:
    """Delete every line of the document (a draft deleted with them)."""
    kind, document = _parts(doc)
    transaction.flushed(db)
    db.execute(delete(kind.lines).where(kind.lines.c[kind.key] == document.id))
    if not isinstance(db, Connection):
        for held in _held_lines(db, kind, document.id):  # Core deleted them under the session
            db.expunge(held)


def _held_lines(session, kind: Tables, doc_id: int) -> list:
    """The line objects of the document the session holds, found without loading any (an expired one is
    read again from the database when next used)."""
    return [
        held
        for held in session.identity_map.values()
        if getattr(held, "__tablename__", None) == kind.lines.name and inspect(held).dict.get(kind.key) == doc_id
    ]


def refresh_totals(db, doc, lines: list) -> None:
    """The document's net, tax and gross from its lines (rows, objects or domain lines), written. A model
    object is given them as written (so the ORM has nothing more to write), which lets a later call skip the
    write when they did not change; a Draft's row is as read, so its totals are always written."""
    kind, document = _parts(doc)
    result = totals((line.vat_rate, line.net) for line in lines if line.kind != LineKind.TEXT)
    if document is doc and (document.net, document.tax, document.gross) == (result.net, result.tax, result.gross):
        return
    transaction.flushed(db)
    table = kind.document
    db.execute(
        update(table).where(table.c.id == document.id).values(net=result.net, tax=result.tax, gross=result.gross)
    )
    if document is doc:  # a model object
        from sqlalchemy.orm.attributes import set_committed_value

        for name in ("net", "tax", "gross"):
            set_committed_value(document, name, getattr(result, name))


def copy_fields(line) -> dict:
    """What a line carries over when a quote becomes an order."""
    return {
        name: getattr(line, name)
        for name in ("kind", "product_id", "description", "qty", "unit_price", "discount", "vat_rate", "net", "comment")
    }
