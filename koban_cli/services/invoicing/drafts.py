"""Drafting invoices: from an order (deposit, intermediate, balance) or standalone.

Every function here creates a draft; numbers come only at validation
(services/invoicing/lifecycle.py). Over-invoicing is checked against what is already
committed (validated invoices and other drafts), so two drafts can never
bill the same thing.

Written in SQLAlchemy Core over db/tables.py: the commands (`invoice deposit|partial|balance|create`)
run on `Ledger.write_core()` and never import the ORM. The `draft_*` functions, `write` and `insert` take
`db`, an ORM `Session` or a Core `Connection` (as services/lines.py does), so the ORM writes (from-plan,
credit notes, reminders' fees, contracts) draft through the same rules; `draft()` is their entry: the
same Core insert, answered with the model object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from koban_cli.db import locks, tables, transaction
from koban_cli.db.engine import Ledger
from koban_cli.domain import billing
from koban_cli.domain.amounts import totals
from koban_cli.domain.kinds import InvoiceKind, LineKind, Status
from koban_cli.domain.lines import Line
from koban_cli.domain.money import Money
from koban_cli.domain.values import HUNDRED, ZERO, round_money
from koban_cli.domain.wording import fr_money, fr_number
from koban_cli.errors import InvalidState, InvalidValue, OverInvoicing
from koban_cli.services import billed, lookup
from koban_cli.services import lines as doc_lines

if TYPE_CHECKING:
    from sqlmodel import Session

    from koban_cli.db.models import Invoice, SalesOrder


@dataclass(frozen=True, slots=True)
class DraftMade:
    """A draft invoice just written: its PROV- reference (no number yet), its kind and totals."""

    ref: str
    number: str | None
    kind: InvoiceKind
    net: Money
    gross: Money


def _billable_order(db, number: str):
    """The order's row, locked: every room check reads it locked, and it stays locked until the draft is
    written (the transaction ends)."""
    transaction.flushed(db)  # an ORM caller's pending changes, before the Core statements read
    order = locks.locked(db, tables.sales_order, lookup.order_row(db, number).id)
    if order.status == Status.DRAFT:
        raise InvalidState(f"{number} is a draft; validate it first (koban order validate {number})")
    if order.status == Status.CANCELLED:
        raise InvalidState(f"{number} is cancelled; nothing can be invoiced on it")
    if order.status == Status.INVOICED:
        raise InvalidState(f"{number} is fully invoiced; nothing remains to invoice")
    return order


def _order_lines(db, order) -> list:
    return doc_lines.lines_of(db, doc_lines.Draft(doc_lines.ORDER, order))


def _check_room(db, order, net: Decimal, deductible: Decimal = ZERO) -> None:
    """Refuses a draft that would take the order's invoiced total (drafts included) above its net;
    `deductible`: what the draft's deductions of validated deposits could give back at most."""
    committed = billed.invoiced(db, order, committed=True)
    if committed + net > order.net:
        more = net + deductible
        raise OverInvoicing(
            f"{order.number}: {more:.2f} more would invoice {committed + more:.2f}, above the order's net "
            f"{order.net:.2f} ({order.net - committed:.2f} left, drafts included)"
            + (f"; its deposits have only {deductible:.2f} left to deduct" if deductible else "")
        )


def write(db, *args, **kwargs):
    """Write a draft invoice (or credit note) with its lines, totals computed (`insert`); its row as written."""
    invoice = tables.invoice
    # the totals as the lines' rules wrote them (the buyer's VAT may have changed a rate)
    return db.execute(select(invoice).where(invoice.c.id == insert(db, *args, **kwargs))).one()


def insert(
    db,
    customer_id: int,
    kind: str,
    date: dt.date,
    new_lines: list[Line],
    order_id: int | None = None,
    note: str = "",
    credited_id: int | None = None,
    contract_id: int | None = None,
    project_id: int | None = None,
) -> int:
    """The one insert of a draft invoice (or credit note) and its lines, on a Session or a Connection; its id."""
    transaction.flushed(db)  # what the session holds pending goes first (the row may refer to it)
    result = totals((line.vat_rate, line.net) for line in new_lines)  # inserted with the row
    invoice = tables.invoice
    row = db.execute(
        tables.insert(
            invoice,
            customer_id=customer_id,
            kind=kind,
            date=date,
            order_id=order_id,
            credited_invoice_id=credited_id,
            note=note or "",
            contract_id=contract_id,
            project_id=project_id,
            net=result.net,
            tax=result.tax,
            gross=result.gross,
        ).returning(*invoice.c)
    ).one()
    doc_lines.append(db, doc_lines.Draft(doc_lines.INVOICE, row), new_lines, new_document=True)
    return row.id


def draft(
    session: Session,
    customer_id: int,
    kind: str,
    date: dt.date,
    new_lines: list[Line],
    order: SalesOrder | None = None,
    note: str = "",
    credited: Invoice | None = None,
    contract_id: int | None = None,
) -> Invoice:
    """Write a draft invoice (or credit note) with its lines, totals computed (`insert`): the model object,
    for the ORM writes."""
    from koban_cli.db.models import Invoice

    invoice_id = insert(
        session,
        customer_id,
        kind,
        date,
        new_lines,
        order.id if order else None,
        note,
        credited.id if credited else None,
        contract_id,
    )
    return session.get(Invoice, invoice_id, populate_existing=True)


def _one_of(**given) -> str:
    chosen = [name for name, value in given.items() if value]
    if len(chosen) != 1:
        raise InvalidValue(f"give exactly one of {', '.join('--' + n for n in given)}")
    return chosen[0]


def result(invoice) -> DraftMade:
    """What a command answers of the draft (its row or model object)."""
    return DraftMade(
        lookup.invoice_ref(invoice),
        invoice.number,
        InvoiceKind(invoice.kind),
        Money.of(invoice.net),
        Money.of(invoice.gross),
    )


def deposit(
    ledger: Ledger, number: str, date: dt.date, percent: Decimal | None = None, amount: Money | None = None
) -> DraftMade:
    """Facture d'acompte: one line per VAT rate, pro rata of the order's net per rate."""
    _one_of(percent=percent, amount=amount)
    with ledger.write_core() as db:
        return result(draft_deposit(db, number, date, percent, amount))


def draft_deposit(db, number: str, date: dt.date, percent: Decimal | None = None, amount: Money | None = None):
    """The deposit draft, inside the caller's transaction (a Session or a Connection); its row."""
    order = _billable_order(db, number)
    value = billing.percent_of(order.net, percent) if percent else amount.amount_in(what="--amount")
    if value <= 0:
        raise InvalidValue(f"a deposit of {value:.2f} on {number} would be empty")
    _check_room(db, order, value)
    by_rate: dict[Decimal, Decimal] = {}
    for line in _order_lines(db, order):
        if line.kind != LineKind.TEXT:
            by_rate[line.vat_rate] = by_rate.get(line.vat_rate, ZERO) + line.net
    label = f"Acompte {fr_number(percent)} % sur commande {number}" if percent else f"Acompte sur commande {number}"
    return write(
        db,
        order.customer_id,
        InvoiceKind.DEPOSIT,
        date,
        billing.deposit_lines(by_rate, Money(value), label),
        order.id,
    )


def partial(
    ledger: Ledger,
    number: str,
    date: dt.date,
    percent: Decimal | None = None,
    amount: Money | None = None,
    picks: dict[int, Decimal] | None = None,
    deduct: bool = False,
) -> DraftMade:
    """Intermediate invoice: a share of every line, or chosen quantities of chosen lines.

    Deposits bill no line, so they never stand in the way; the invoice deducts from them what keeps
    the order's invoiced total within its net (and with `deduct`, their share pro rata of what it bills).
    """
    _one_of(percent=percent, amount=amount, line=picks)
    with ledger.write_core() as db:
        return result(draft_partial(db, number, date, percent, amount, picks, deduct))


def draft_partial(
    db,
    number: str,
    date: dt.date,
    percent: Decimal | None = None,
    amount: Money | None = None,
    picks: dict[int, Decimal] | None = None,
    deduct: bool = False,
):
    """The intermediate invoice draft, inside the caller's transaction (a Session or a Connection); its row."""
    order = _billable_order(db, number)
    lines = billed.billables(db, _order_lines(db, order))
    if picks:
        new_lines = billing.picked_lines(lines, picks, number)
    else:
        value = billing.percent_of(order.net, percent) if percent else amount.amount_in(what="--amount")
        if value <= 0:
            raise InvalidValue(f"a share of {value:.2f} of {number} (net {order.net:.2f}) would be empty")
        left = sum((line.net_left for line in lines), ZERO)
        if value > left:
            raise OverInvoicing(
                f"{number}: a share of {value:.2f} is more than the {left:.2f} left to invoice on its lines"
            )
        ratio = percent / HUNDRED if percent else value / order.net
        label = (
            f"situation {fr_number(percent)} %" if percent else f"situation {fr_money(value)} sur {fr_money(order.net)}"
        )
        new_lines = billing.progress_lines(lines, Money(value), ratio, label)
    new_lines += _deductions(db, order, lines, new_lines, deduct)
    _check_room(db, order, sum((line.net for line in new_lines), ZERO))
    locks.pause("invoicing.partial")
    return write(db, order.customer_id, InvoiceKind.INTERMEDIATE, date, new_lines, order.id)


def _deductions(db, order, lines: list[billing.Billable], new_lines: list[Line], pro_rata: bool) -> list[Line]:
    """The deposit deductions an intermediate invoice carries: at least what keeps the order's invoiced
    total within its net; with `pro_rata`, the deposits' share of what the invoice bills."""
    billing_now = sum((line.net for line in new_lines), ZERO)
    committed = billed.invoiced(db, order, committed=True)
    needed = committed + billing_now - order.net
    if needed <= 0 and not pro_rata:
        return []
    deposits = billed.open_deposits(db, order)
    available = sum((deposit.amount for deposit in deposits), ZERO)
    if needed > available:
        _check_room(db, order, billing_now - available, deductible=available)
    wanted = needed
    if pro_rata and available:
        left_on_lines = sum((line.net_left for line in lines), ZERO)
        wanted = max(needed, round_money(available * billing_now / left_on_lines))
    return billing.deduction_lines(deposits, Money(min(wanted, available)))


def balance(ledger: Ledger, number: str, date: dt.date) -> DraftMade:
    """Final invoice: everything left on each line, less every deposit not yet deducted."""
    with ledger.write_core() as db:
        return result(draft_balance(db, number, date))


def draft_balance(db, number: str, date: dt.date):
    """The final invoice draft, inside the caller's transaction (a Session or a Connection); its row."""
    order = _billable_order(db, number)
    invoice = tables.invoice.c
    pending = db.execute(select(invoice.id).where(invoice.order_id == order.id, invoice.status == Status.DRAFT)).first()
    if pending:
        raise InvalidState(f"{number} has draft invoice PROV-{pending.id}; validate or delete it before the balance")
    lines = billed.billables(db, _order_lines(db, order))
    new_lines = billing.balance_lines(lines, billed.open_deposits(db, order))
    if not new_lines:
        raise InvalidState(f"{number} has nothing left to invoice and no deposit left to deduct")
    _check_room(db, order, sum((line.net for line in new_lines), ZERO))
    return write(db, order.customer_id, InvoiceKind.BALANCE, date, new_lines, order.id)


def create(ledger: Ledger, customer: str, date: dt.date, note: str = "", project: str | None = None) -> DraftMade:
    """A standalone draft, for a customer or for a project made without an order (its invoiced amount)."""
    with ledger.write_core() as db:
        buyer = lookup.customer_row(db, customer) if customer else None
        owner = lookup.project_row(db, project) if project else None
        if owner is not None:
            if owner.order_id:
                raise InvalidState(f"{project} is invoiced through its order; invoice the order instead")
            if buyer is not None and buyer.id != owner.customer_id:
                raise InvalidValue(f"{project} is a project of another customer than {customer}")
        if buyer is None and owner is None:
            raise InvalidValue("give --customer CODE or --project AF-…")
        customer_id = buyer.id if buyer else owner.customer_id
        invoice = write(
            db, customer_id, InvoiceKind.STANDARD, date, [], note=note, project_id=owner.id if owner else None
        )
        return result(invoice)
