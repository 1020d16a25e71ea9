"""Changing an order's billing plan: plan an invoice, move or remove a planned one, and draft the invoices
of the planned entries that are due (`invoice from-plan`). Writes, through the ORM; the plan's order and
the reads are in services/orders/planning.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from koban_cli.db import locks
from koban_cli.db.engine import Ledger
from koban_cli.db.models import SalesOrder, ScheduleEntry
from koban_cli.domain.billing import percent_of
from koban_cli.domain.kinds import InvoiceKind, Status
from koban_cli.domain.money import Money
from koban_cli.domain.values import ZERO
from koban_cli.errors import InvalidState, InvalidValue, KobanError, OverInvoicing
from koban_cli.services import lookup
from koban_cli.services.invoicing import drafts as invoicing
from koban_cli.services.orders.planning import KINDS, entries


@dataclass(frozen=True, slots=True)
class EntryPlanned:
    """An invoice planned on an order: its place in the plan (from 1), date and amount."""

    ref: str
    position: int
    date: dt.date
    amount: Money


def _entries(session: Session, order: SalesOrder) -> list[ScheduleEntry]:
    """The order's planned entries in plan order, as ORM rows to change."""
    return [session.get(ScheduleEntry, row.id) for row in entries(session, order.id)]


def _plannable(session: Session, number: str) -> SalesOrder:
    order = locks.row(session, lookup.order(session, number))
    if order.status in (Status.DRAFT, Status.CANCELLED):
        raise InvalidState(f"{number} is {order.status}; plan the billing of a validated order")
    return order


def schedule(
    ledger: Ledger,
    number: str,
    date: dt.date,
    percent: Decimal | None = None,
    amount: Money | None = None,
    label: str = "",
    kind: str = InvoiceKind.INTERMEDIATE,
) -> EntryPlanned:
    if (percent is None) == (amount is None):
        raise InvalidValue("give exactly one of --percent, --amount")
    if kind not in KINDS:
        raise InvalidValue(f'--kind "{kind}" is not one of {", ".join(KINDS)}')
    with ledger.write() as session:
        order = _plannable(session, number)
        value = percent_of(order.net, percent) if percent is not None else amount.amount_in(what="--amount")
        planned = sum((entry.amount for entry in entries(session, order.id)), ZERO)
        if planned + value > order.net:
            raise OverInvoicing(
                f"{number}: planning {value:.2f} more would plan {planned + value:.2f}, above the "
                f"order's net {order.net:.2f} ({order.net - planned:.2f} left to plan)"
            )
        entry = ScheduleEntry(
            order_id=order.id,
            date=date,
            amount=value,
            percent=percent,
            kind=kind,
            label=label or f"{kind.capitalize()} {number}",
        )
        session.add(entry)
        session.flush()
        position = [e.id for e in entries(session, order.id)].index(entry.id) + 1
        return EntryPlanned(number, position, date, Money(value))


def _entry(session: Session, number: str, position: int) -> tuple[SalesOrder, ScheduleEntry]:
    order = locks.row(session, lookup.order(session, number))
    planned = entries(session, order.id)
    if not 1 <= position <= len(planned):
        raise InvalidValue(f"{number} has no planned entry {position} (it has {len(planned)})")
    entry = session.get(ScheduleEntry, planned[position - 1].id)
    if entry.invoice_id:
        raise InvalidState(f"entry {position} of {number} is already invoiced; it can no longer change")
    return order, entry


def remove(ledger: Ledger, number: str, position: int) -> None:
    with ledger.write() as session:
        session.delete(_entry(session, number, position)[1])


def move(ledger: Ledger, number: str, position: int, date: dt.date) -> None:
    with ledger.write() as session:
        entry = _entry(session, number, position)[1]
        entry.date = date
        session.add(entry)


def from_plan(ledger: Ledger, number: str, as_of: dt.date) -> list[invoicing.DraftMade]:
    """Draft the invoice of every planned entry due on or before `as_of` and not yet drafted: all of them,
    in one transaction, or none (the error names the entry that could not be drafted)."""
    with ledger.write() as session:
        order = locks.row(session, lookup.order(session, number))
        due = [entry for entry in _entries(session, order) if entry.date <= as_of and entry.invoice_id is None]
        if not due:
            raise InvalidState(f"{number} has no planned entry due on or before {as_of}")
        made = []
        for entry in due:
            try:
                if entry.kind == InvoiceKind.DEPOSIT:
                    invoice = invoicing.draft_deposit(session, number, as_of, amount=Money(entry.amount))
                elif entry.kind == InvoiceKind.BALANCE:
                    invoice = invoicing.draft_balance(session, number, as_of)
                else:
                    invoice = invoicing.draft_partial(session, number, as_of, amount=Money(entry.amount))
            except KobanError as exc:
                raise type(exc)(
                    f"planned entry of {entry.date} ({entry.label or entry.kind}): {exc}; nothing was drafted"
                ) from None
            entry.invoice_id = invoice.id
            session.add(entry)
            made.append(invoicing.result(invoice))
        return made
