"""Quotes, and their acceptance into a validated order.

Creating a quote, editing its lines, showing and listing quotes run on
SQLAlchemy Core (`Ledger.write_core`, `Ledger.read_core`, db/tables.py) and
never import the ORM; sending, refusing and accepting still run on the ORM
session, imported when they are called.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from koban_cli.db import locks, tables
from koban_cli.db.engine import Ledger
from koban_cli.domain.kinds import QUOTE_STATUSES, LineKind, Status
from koban_cli.domain.money import Money
from koban_cli.errors import InvalidState, InvalidValue
from koban_cli.services import lines as doc_lines
from koban_cli.services import lookup, views
from koban_cli.services.numbering import take_number
from koban_cli.services.operations import stock
from koban_cli.services.views import LineChanged, StatusChanged

STATUSES = QUOTE_STATUSES
VALIDITY = relativedelta(days=30)


@dataclass(frozen=True, slots=True)
class QuoteMade:
    """A draft quote just numbered."""

    ref: str
    number: str


@dataclass(frozen=True, slots=True)
class QuoteAccepted:
    """A quote accepted: the validated order it became (`ref`, `number`) and the quote's number."""

    ref: str
    number: str
    quote: str


@dataclass(frozen=True, slots=True)
class QuoteRow:
    """A quote in `quote list`; `status` is `expired` once a draft or sent quote is past its validity."""

    number: str
    customer: str
    date: dt.date
    valid_until: dt.date | None
    status: Status
    net: Money
    tax: Money
    gross: Money


def create(
    ledger: Ledger, customer: str, date: dt.date, valid_until: dt.date | None = None, note: str = ""
) -> QuoteMade:
    valid_until = valid_until or date + VALIDITY
    if valid_until < date:
        raise InvalidValue(f"--valid-until {valid_until} is before the quote date {date}")
    with ledger.write_core() as db:
        buyer = lookup.customer_row(db, customer)
        number = take_number(db, "quote", date)
        db.execute(
            tables.insert(
                tables.quote, number=number, customer_id=buyer.id, date=date, valid_until=valid_until, note=note or ""
            )
        )
        return QuoteMade(number, number)


def _draft(db, number: str) -> doc_lines.Draft:
    """The quote, locked, which must be a draft to be changed."""
    quote = doc_lines.locked(db, doc_lines.QUOTE, lookup.quote_row(db, number))
    doc_lines.require_draft(quote, number)
    return quote


def add_line(ledger: Ledger, number: str, spec: doc_lines.LineInput) -> LineChanged:
    return doc_lines.add_line(ledger, number, spec, _draft)


def remove_line(ledger: Ledger, number: str, position: int) -> None:
    doc_lines.remove_line(ledger, number, position, _draft)


def _move(ledger: Ledger, number: str, allowed: tuple[str, ...], new_status: Status) -> StatusChanged:
    with ledger.write() as session:
        quote = lookup.quote(session, number)
        if quote.status not in allowed:
            raise InvalidState(f"{number} is {quote.status}; it cannot be marked {new_status}")
        quote.status = new_status
        session.add(quote)
        return StatusChanged(number, number, new_status)


def send(ledger: Ledger, number: str) -> StatusChanged:
    with ledger.read() as session:
        if not [
            line for line in doc_lines.lines_of(session, lookup.quote(session, number)) if line.kind != LineKind.TEXT
        ]:
            raise InvalidState(f"{number} has no priced line; add one with: koban quote add-line {number} …")
    return _move(ledger, number, (Status.DRAFT, Status.SENT), Status.SENT)


def refuse(ledger: Ledger, number: str) -> StatusChanged:
    return _move(ledger, number, (Status.DRAFT, Status.SENT), Status.REFUSED)


def accept(ledger: Ledger, number: str, date: dt.date) -> QuoteAccepted:
    """The quote becomes a validated order carrying every one of its lines."""
    from koban_cli.db.models import OrderLine, SalesOrder

    with ledger.write() as session:
        quote = locks.row(session, lookup.quote(session, number))  # a line added meanwhile waits, or is read
        if quote.status not in (Status.DRAFT, Status.SENT):
            raise InvalidState(f"{number} is {quote.status}; only a draft or sent quote can be accepted")
        if quote.valid_until and date > quote.valid_until:
            raise InvalidState(
                f"{number} expired on {quote.valid_until}; if it was accepted in time, use --date YYYY-MM-DD"
            )
        lines = doc_lines.lines_of(session, quote)
        if not any(line.kind != LineKind.TEXT for line in lines):
            raise InvalidState(f"{number} has no priced line to order")
        order = SalesOrder(
            number=take_number(session, "order", date),
            customer_id=quote.customer_id,
            date=date,
            status=Status.VALIDATED,
            quote_id=quote.id,
            note=quote.note,
            net=quote.net,
            tax=quote.tax,
            gross=quote.gross,
        )
        session.add(order)
        session.flush()
        for line in lines:
            session.add(OrderLine(order_id=order.id, position=line.position, **doc_lines.copy_fields(line)))
        stock.rebook(session, [line.product_id for line in lines])  # a validated order: its lines are reserved
        quote.status = Status.ACCEPTED
        session.add(quote)
        return QuoteAccepted(order.number, order.number, number)


def display_status(quote, today: dt.date) -> Status:
    if quote.status in (Status.DRAFT, Status.SENT) and quote.valid_until and quote.valid_until < today:
        return Status.EXPIRED
    return Status(quote.status)


@dataclass(frozen=True, slots=True)
class QuoteView:
    """A quote as `quote show` gives it and as it is printed (SPEC §11)."""

    number: str
    customer: str
    date: dt.date
    status: str
    note: str | None
    valid_until: dt.date | None
    net: Money
    tax: Money
    gross: Money
    order: str | None
    lines: tuple[views.Line, ...]
    vat: tuple[views.VatRow, ...]


def show(ledger: Ledger, number: str, today: dt.date) -> QuoteView:
    with ledger.read_core() as db:
        quote = lookup.quote_row(db, number)
        customer = db.execute(select(tables.customer.c.code).where(tables.customer.c.id == quote.customer_id)).scalar()
        lines = views.lines(db, "quote", quote.id)
        order = db.execute(
            select(tables.sales_order.c.number).where(tables.sales_order.c.quote_id == quote.id)
        ).scalar()
        refs = views.product_refs(db, lines)
        return QuoteView(
            number=quote.number,
            customer=customer,
            date=quote.date,
            status=display_status(quote, today),
            note=quote.note or None,
            valid_until=quote.valid_until,
            net=Money(quote.net),
            tax=Money(quote.tax),
            gross=Money(quote.gross),
            order=order,
            lines=tuple(views.Line(*views.line_fields(line, refs)) for line in lines),
            vat=views.vat_rows(lines),
        )


def list_quotes(ledger: Ledger, today: dt.date, status: str | None = None) -> list[QuoteRow]:
    if status and status not in STATUSES:
        raise InvalidValue(f'status "{status}" is not one of {", ".join(STATUSES)}')
    quote, customer = tables.quote, tables.customer
    query = select(quote, customer.c.code).join(customer, customer.c.id == quote.c.customer_id).order_by(quote.c.id)
    with ledger.read_core() as db:
        out = []
        for row in db.execute(query):
            shown = display_status(row, today)
            if status in (None, shown):
                out.append(
                    QuoteRow(
                        row.number,
                        row.code,
                        row.date,
                        row.valid_until,
                        shown,
                        Money.of(row.net),
                        Money.of(row.tax),
                        Money.of(row.gross),
                    )
                )
        return out
