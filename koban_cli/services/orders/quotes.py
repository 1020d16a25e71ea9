"""Quotes, and their acceptance into a validated order."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from sqlmodel import select

from koban_cli.db.engine import Ledger
from koban_cli.db.models import Customer, OrderLine, Quote, SalesOrder
from koban_cli.domain.kinds import QUOTE_STATUSES, LineKind, Status
from koban_cli.domain.values import date_str
from koban_cli.errors import InvalidState, InvalidValue
from koban_cli.services import lines as doc_lines
from koban_cli.services import lookup, views
from koban_cli.services.numbering import take_number

STATUSES = QUOTE_STATUSES
VALIDITY = relativedelta(days=30)


def create(ledger: Ledger, customer: str, date: dt.date, valid_until: dt.date | None = None, note: str = "") -> dict:
    valid_until = valid_until or date + VALIDITY
    if valid_until < date:
        raise InvalidValue(f"--valid-until {valid_until} is before the quote date {date}")
    with ledger.write() as session:
        buyer = lookup.customer(session, customer)
        quote = Quote(
            number=take_number(session, "quote", date),
            customer_id=buyer.id,
            date=date,
            valid_until=valid_until,
            note=note or "",
        )
        session.add(quote)
        return {"ref": quote.number, "number": quote.number}


def add_line(ledger: Ledger, number: str, spec: doc_lines.LineInput) -> dict:
    with ledger.write() as session:
        quote = lookup.quote(session, number)
        doc_lines.require_draft(quote, number)
        (line,) = doc_lines.append(session, quote, [doc_lines.resolve(session, spec)])
        return {"ref": number, "position": line.position}


def remove_line(ledger: Ledger, number: str, position: int) -> None:
    with ledger.write() as session:
        quote = lookup.quote(session, number)
        doc_lines.require_draft(quote, number)
        doc_lines.remove(session, quote, position, number)


def _move(ledger: Ledger, number: str, allowed: tuple[str, ...], new_status: str) -> dict:
    with ledger.write() as session:
        quote = lookup.quote(session, number)
        if quote.status not in allowed:
            raise InvalidState(f"{number} is {quote.status}; it cannot be marked {new_status}")
        quote.status = new_status
        session.add(quote)
        return {"ref": number, "number": number, "status": new_status}


def send(ledger: Ledger, number: str) -> dict:
    with ledger.read() as session:
        if not [
            line for line in doc_lines.lines_of(session, lookup.quote(session, number)) if line.kind != LineKind.TEXT
        ]:
            raise InvalidState(f"{number} has no priced line; add one with: koban quote add-line {number} …")
    return _move(ledger, number, ("draft", "sent"), "sent")


def refuse(ledger: Ledger, number: str) -> dict:
    return _move(ledger, number, ("draft", "sent"), "refused")


def accept(ledger: Ledger, number: str, date: dt.date) -> dict:
    """The quote becomes a validated order carrying every one of its lines."""
    with ledger.write() as session:
        quote = lookup.quote(session, number)
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
            status="validated",
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
        quote.status = Status.ACCEPTED
        session.add(quote)
        return {"ref": order.number, "number": order.number, "quote": number}


def display_status(quote: Quote, today: dt.date) -> str:
    if quote.status in (Status.DRAFT, Status.SENT) and quote.valid_until and quote.valid_until < today:
        return "expired"
    return quote.status


def show(ledger: Ledger, number: str, today: dt.date) -> dict:
    with ledger.read() as session:
        quote = lookup.quote(session, number)
        customer = session.get(Customer, quote.customer_id)
        lines = doc_lines.lines_of(session, quote)
        order = session.exec(select(SalesOrder.number).where(SalesOrder.quote_id == quote.id)).first()
        refs = views.product_refs(session, lines)
        return {
            "number": quote.number,
            **views.header_view(quote, customer.code),
            "status": display_status(quote, today),
            "valid_until": date_str(quote.valid_until),
            **views.amounts_view(quote),
            "order": order,
            "lines": [views.line_view(line, refs) for line in lines],
            "vat": views.vat_view(lines),
        }


def list_quotes(ledger: Ledger, today: dt.date, status: str | None = None) -> list[dict]:
    if status and status not in STATUSES:
        raise InvalidValue(f'status "{status}" is not one of {", ".join(STATUSES)}')
    with ledger.read() as session:
        rows = session.exec(select(Quote, Customer.code).join(Customer).order_by(Quote.id)).all()
        out = []
        for quote, code in rows:
            shown = display_status(quote, today)
            if status in (None, shown):
                out.append(
                    {
                        "number": quote.number,
                        "customer": code,
                        "date": date_str(quote.date),
                        "valid_until": date_str(quote.valid_until),
                        "status": shown,
                        **views.amounts_view(quote),
                    }
                )
        return out
