"""Sales orders: made directly or from a quote, then invoiced and delivered."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from koban_cli.db.engine import Ledger
from koban_cli.db.models import (
    Contract,
    Customer,
    Delivery,
    Invoice,
    Product,
    Project,
    Quote,
    SalesOrder,
    ScheduleEntry,
)
from koban_cli.domain.delivery import delivery_status
from koban_cli.domain.values import ZERO, money_str, number_str, round_qty
from koban_cli.errors import InvalidState
from koban_cli.services import billed, checks, contracts, deliveries, lookup, stock, views
from koban_cli.services import lines as doc_lines
from koban_cli.services.numbering import take_number


def create(
    ledger: Ledger, customer: str, date: dt.date, customer_ref: str = "", note: str = "", delivery: dict | None = None
) -> dict:
    """`delivery`: this order's own delivery address (delivery_address, _postcode, _city, _country), if any."""
    delivery = {key: value for key, value in (delivery or {}).items() if value}
    if delivery.get("delivery_country"):
        delivery["delivery_country"] = checks.country(delivery["delivery_country"])
    with ledger.write() as session:
        buyer = lookup.customer(session, customer)
        order = SalesOrder(
            number=take_number(session, "order", date),
            customer_id=buyer.id,
            date=date,
            customer_ref=customer_ref or "",
            note=note or "",
            **delivery,
        )
        session.add(order)
        return {"ref": order.number, "number": order.number}


def add_line(ledger: Ledger, number: str, spec: doc_lines.LineInput) -> dict:
    with ledger.write() as session:
        order = lookup.order(session, number)
        _require_draft(order)
        (line,) = doc_lines.append(session, order, [doc_lines.resolve(session, spec)])
        return {"ref": number, "position": line.position}


def remove_line(ledger: Ledger, number: str, position: int) -> None:
    with ledger.write() as session:
        order = lookup.order(session, number)
        _require_draft(order)
        doc_lines.remove(session, order, position, number)


def _require_draft(order: SalesOrder) -> None:
    if order.status != "draft":
        raise InvalidState(f"{order.number} is {order.status}: its lines, prices and quantities are locked")


def validate(ledger: Ledger, number: str) -> dict:
    with ledger.write() as session:
        order = lookup.order(session, number)
        _require_draft(order)
        if not any(line.kind != "text" for line in doc_lines.lines_of(session, order)):
            raise InvalidState(f"{number} has no priced line; add one with: koban order add-line {number} …")
        order.status = "validated"
        session.add(order)
        return {"ref": number, "number": number, "status": order.status}


def cancel(ledger: Ledger, number: str) -> dict:
    with ledger.write() as session:
        order = lookup.order(session, number)
        if order.status == "cancelled":
            raise InvalidState(f"{number} is already cancelled")
        contract = contracts.active_from_order(session, order.id)
        if contract:
            raise InvalidState(f"{number} has active contract {contract}; terminate or cancel it first")
        drafts = session.exec(select(Invoice.id).where(Invoice.order_id == order.id, Invoice.status == "draft")).all()
        if drafts:
            raise InvalidState(f"{number} has draft invoice PROV-{drafts[0]}; delete it first (koban invoice delete)")
        done = billed.invoiced(session, order)
        if done:
            raise InvalidState(f"{number} has {done:.2f} invoiced; credit its invoices first (koban invoice credit)")
        notes = session.exec(
            select(Delivery).where(Delivery.order_id == order.id, Delivery.status.in_(("draft", "validated")))
        ).first()
        if notes:
            raise InvalidState(
                f"{number} has delivery {deliveries.ref_of(notes)}; cancel it first "
                f"(koban delivery cancel {deliveries.ref_of(notes)})"
            )
        order.status = "cancelled"
        session.add(order)
        return {"ref": number, "number": number, "status": order.status}


def refresh_status(session: Session, order: SalesOrder) -> None:
    """`invoiced` (soldée) when every line is billed and every deposit deducted; back to `validated`
    after a credit note."""
    if order.status not in ("validated", "invoiced"):
        return
    settled = billed.settlement(session, order, doc_lines.lines_of(session, order))
    order.status = "invoiced" if settled.done else "validated"
    session.add(order)


def show(ledger: Ledger, number: str) -> dict:
    with ledger.read() as session:
        order = lookup.order(session, number)
        customer = session.get(Customer, order.customer_id)
        lines = doc_lines.lines_of(session, order)
        settled = billed.settlement(session, order, lines)
        refs = views.product_refs(session, lines)
        deliverable = {p.id for p in session.exec(select(Product).where(Product.deliverable))} if refs else set()
        invoiced = billed.invoiced(session, order)
        invoices = session.exec(select(Invoice).where(Invoice.order_id == order.id).order_by(Invoice.id)).all()
        quote = session.get(Quote, order.quote_id) if order.quote_id else None
        shipped = stock.delivered(session, [line.id for line in lines])
        notes = session.exec(select(Delivery).where(Delivery.order_id == order.id).order_by(Delivery.id)).all()
        line_views = []
        for line in lines:
            view = views.line_view(line, refs)
            priced = line.kind != "text"
            view["qty_invoiced"] = number_str(round_qty(settled.qty_billed.get(line.id, ZERO))) if priced else None
            view["qty_delivered"] = number_str(shipped.get(line.id, ZERO)) if line.product_id in deliverable else None
            line_views.append(view)
        return {
            "number": order.number,
            **views.header_view(order, customer.code),
            "customer_name": customer.name,
            "customer_ref": order.customer_ref or None,
            "quote": quote.number if quote else None,
            **views.amounts_view(order),
            "invoiced": money_str(invoiced),
            "remaining": money_str(settled.lines_left - settled.deposits_left),
            "lines_remaining": money_str(settled.lines_left),
            "deposits_undeducted": money_str(settled.deposits_left),
            "delivery_status": delivery_status(
                [(line.qty, shipped.get(line.id, ZERO)) for line in lines if line.product_id in deliverable]
            ),
            "lines": line_views,
            "vat": views.vat_view(lines),
            "invoices": [lookup.invoice_ref(inv) for inv in invoices],
            "deliveries": [deliveries.ref_of(note) for note in notes if note.status != "cancelled"],
            "contracts": list(session.exec(select(Contract.number).where(Contract.order_id == order.id))),
            "project": session.exec(select(Project.number).where(Project.order_id == order.id)).first(),
            "schedule": [
                {
                    "date": entry.date.isoformat(),
                    "kind": entry.kind,
                    "label": entry.label,
                    "amount": money_str(entry.amount),
                }
                for entry in session.exec(
                    select(ScheduleEntry)
                    .where(ScheduleEntry.order_id == order.id)
                    .order_by(ScheduleEntry.date, ScheduleEntry.id)
                )
            ],
        }
