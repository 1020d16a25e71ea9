"""Subscription contracts: made from an order's subscription lines or by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, select

from koban_cli.db import locks
from koban_cli.db.engine import Ledger
from koban_cli.db.models import (
    Contract,
    ContractLine,
    ContractPeriod,
    ContractReprice,
    Customer,
    Invoice,
    OrderLine,
    Product,
    SalesOrder,
)
from koban_cli.domain import periods as P
from koban_cli.domain.contract_terms import billing_end, status_on
from koban_cli.domain.kinds import BillingPeriod, InvoiceKind, LineKind, ProductKind, Status
from koban_cli.domain.lines import Line
from koban_cli.domain.money import Money
from koban_cli.domain.values import ZERO, date_str, round_money
from koban_cli.errors import InvalidState, InvalidValue, not_found
from koban_cli.services import lines as doc_lines
from koban_cli.services import lookup, order_status
from koban_cli.services.lines import LineInput, resolve
from koban_cli.services.numbering import take_number
from koban_cli.services.views import LineChanged, StatusChanged


@dataclass(frozen=True, slots=True)
class ContractMade:
    """A new contract, its number and how many subscription lines it took from its order."""

    ref: str
    number: str
    lines: int


@dataclass(frozen=True, slots=True)
class Terminated:
    """A contract terminated: its last day covered and the credit notes drafted for days billed after it."""

    ref: str
    number: str
    status: Status
    end: dt.date
    credit_note: str | None


@dataclass(frozen=True, slots=True)
class Repriced:
    """A price change in % for the periods starting on or after `from_date` (JSON: `from`)."""

    ref: str
    number: str
    percent: Decimal
    from_date: dt.date


def get(session: Session, number: str) -> Contract:
    found = session.exec(select(Contract).where(Contract.number == number)).first()
    if found is None:
        raise not_found("contract", number)
    return found


def first_term_end(start: dt.date, months: int | None, end: dt.date | None) -> dt.date:
    if months is not None and end is not None:
        raise InvalidValue("give --months or --end, not both")
    if end is None:
        months = 12 if months is None else months
        if not 1 <= months <= 120:
            raise InvalidValue(f'--months "{months}" must be from 1 to 120')
        return P.engagement_end(start, months)
    if end < start:
        raise InvalidValue(f"--end {end} is before the start {start}")
    return end


def create(
    ledger: Ledger,
    start: dt.date,
    from_order: str | None = None,
    customer: str | None = None,
    months: int | None = None,
    end: dt.date | None = None,
    every: str | None = None,
    in_advance: bool = True,
    renew: bool = True,
    renew_months: int | None = None,
    notice_days: int = 30,
    auto: bool = False,
    force: bool = False,
) -> ContractMade:
    if (from_order is None) == (customer is None):
        raise InvalidValue("give --from-order CO-… or --customer CODE")
    if every is not None:
        P.months_of(every)  # InvalidValue for a period that is not one
        every = BillingPeriod(every)
    if not 0 <= notice_days <= 365:
        raise InvalidValue(f'--notice-days "{notice_days}" must be from 0 to 365')
    if renew_months is not None and not 1 <= renew_months <= 120:
        raise InvalidValue(f'--renew-months "{renew_months}" must be from 1 to 120')
    first_end = first_term_end(start, months, end)
    with ledger.write() as session:
        order = lookup.order(session, from_order) if from_order else None
        buyer = session.get(Customer, order.customer_id) if order else lookup.customer(session, customer)
        lines = _order_subscriptions(session, order) if order else []
        if order and not lines:
            raise InvalidState(f"{from_order} has no subscription line; a contract bills subscription products")
        if order and not force:
            other = active_from_order(session, order.id)
            if other:
                raise InvalidState(
                    f"{from_order} already has active contract {other} billing its subscription lines; "
                    f"use --force to make a second one"
                )
        if every is None:
            periods = (line[1].period or BillingPeriod.MONTHLY for line in lines)
            every = BillingPeriod(min(periods, key=P.months_of, default=BillingPeriod.MONTHLY))
        contract = Contract(
            number=take_number(session, "contract", start),
            customer_id=buyer.id,
            order_id=order.id if order else None,
            start=start,
            end=first_end,
            every=every,
            in_advance=in_advance,
            renew=renew,
            renew_months=renew_months or months_between(start, first_end),
            notice_days=notice_days,
            auto=auto,
        )
        session.add(contract)
        session.flush()
        for position, (line, product) in enumerate(lines, start=1):
            session.add(
                ContractLine(
                    contract_id=contract.id,
                    position=position,
                    product_id=product.id,
                    description=line.description,
                    qty=line.qty,
                    unit_price=line.unit_price,
                    price_months=P.months_of(product.period or BillingPeriod.MONTHLY),
                    discount=line.discount,
                    vat_rate=line.vat_rate,
                    order_line_id=line.id,
                )
            )
        if order:
            session.flush()
            order_status.refresh(session, order)  # its subscription lines are the contract's to bill now
        return ContractMade(contract.number, contract.number, len(lines))


def months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(1, months + (1 if P.engagement_end(start, months) < end else 0))


def _order_subscriptions(session: Session, order: SalesOrder) -> list[tuple[OrderLine, Product]]:
    if order.status not in (Status.VALIDATED, Status.INVOICED):
        raise InvalidState(f"{order.number} is {order.status}; a contract is made from a validated order")
    return list(
        session.exec(
            select(OrderLine, Product)
            .join(Product, Product.id == OrderLine.product_id)
            .where(OrderLine.order_id == order.id, Product.kind == ProductKind.SUBSCRIPTION)
            .order_by(OrderLine.position)
        ).all()
    )


def add_line(ledger: Ledger, number: str, spec: LineInput) -> LineChanged:
    """A line billed every period: a product's price is per its own period, a typed --price per billing
    period of the contract."""
    with ledger.write() as session:
        contract = _active(session, number)
        line = resolve(session, spec)
        if line.kind == LineKind.TEXT:
            raise InvalidValue("a contract line needs an amount (--product or --description/--price/--vat)")
        product = session.get(Product, line.product_id) if line.product_id else None
        if product is not None and product.kind == ProductKind.GOODS:
            raise InvalidValue(
                f"{product.ref} is goods, delivered from stock; a contract bills services and subscriptions"
            )
        own_period = product is not None and product.period and spec.price is None
        price_months = P.months_of(product.period) if own_period else P.months_of(contract.every)
        position = len(lines_of(session, contract)) + 1
        session.add(
            ContractLine(
                contract_id=contract.id,
                position=position,
                price_months=price_months,
                **line.fields("product_id", "description", "qty", "unit_price", "discount", "vat_rate"),
            )
        )
        return LineChanged(number, position)


def set_line(
    ledger: Ledger,
    number: str,
    position: int,
    qty: Decimal | None = None,
    price: Money | None = None,
    discount: Decimal | None = None,
) -> LineChanged:
    """Change a line for the periods not billed yet (a typed price is per billing period)."""
    if qty is None and price is None and discount is None:
        raise InvalidValue("give --qty, --price or --discount")
    price = None if price is None else price.amount_in(what="--price")
    with ledger.write() as session:
        contract = _active(session, number)
        line = _line(session, contract, position)
        if qty is not None:
            line.qty = qty
        if price is not None:
            line.unit_price, line.price_months = price, P.months_of(contract.every)
        if discount is not None:
            line.discount = discount
        session.add(line)
        return LineChanged(number, position)


def remove_line(ledger: Ledger, number: str, position: int) -> LineChanged:
    """Remove a line from the periods not billed yet; the next lines move up."""
    with ledger.write() as session:
        contract = _active(session, number)
        target = _line(session, contract, position)
        session.delete(target)
        session.flush()
        for line in lines_of(session, contract):
            if line.position > position:
                line.position -= 1
                session.add(line)
                session.flush()
        return LineChanged(number, position)


def _active(session: Session, number: str) -> Contract:
    contract = locks.row(session, get(session, number))
    if contract.status != Status.ACTIVE:
        raise InvalidState(f"{number} is {contract.status}; only an active contract is changed")
    return contract


def _line(session: Session, contract: Contract, position: int) -> ContractLine:
    lines = lines_of(session, contract)
    found = next((line for line in lines if line.position == position), None)
    if found is None:
        raise InvalidValue(f"{contract.number} has no line {position} (it has {len(lines)})")
    return found


def active_from_order(session: Session, order_id: int) -> str | None:
    """The number of an active contract made from the order, if any."""
    return session.exec(
        select(Contract.number).where(Contract.order_id == order_id, Contract.status == Status.ACTIVE)
    ).first()


def lines_of(session: Session, contract: Contract) -> list[ContractLine]:
    return list(
        session.exec(
            select(ContractLine).where(ContractLine.contract_id == contract.id).order_by(ContractLine.position)
        )
    )


def terminate(ledger: Ledger, number: str, on: dt.date, as_of: dt.date, force: bool = False) -> Terminated:
    """End the contract on `on` (last day covered): it only ever shortens it, the notice period applies
    unless forced, and the days already billed in advance after `on` get a credit note (a draft)."""
    with ledger.write() as session:
        contract = locks.row(session, get(session, number))
        state = status_on(contract, as_of)
        if state != "active":
            raise InvalidState(f"{number} is already {state} (last day {date_str(billing_end(contract))})")
        if on < contract.start:
            raise InvalidValue(f"--on {on} is before the contract's start {contract.start}")
        end = billing_end(contract)
        if end is not None and on > end:
            raise InvalidState(f"{number} already ends on {end}; terminating only ever shortens a contract")
        earliest = as_of + dt.timedelta(days=contract.notice_days)
        if on < earliest and not force:
            raise InvalidState(
                f"{number} has {contract.notice_days} days' notice: the earliest end is {earliest}; "
                f"use --force to terminate on {on} anyway"
            )
        credit = _credit_unused(session, contract, on, as_of)
        contract.status, contract.terminated_on = Status.TERMINATED, on
        session.add(contract)
        return Terminated(number, number, Status.TERMINATED, on, credit)


def _credit_unused(session: Session, contract: Contract, on: dt.date, as_of: dt.date) -> str | None:
    """A draft credit note for the days after `on` of the periods already billed: each line's net times the
    unused days over the days it billed, rounded once to the cent."""
    from koban_cli.services import billed
    from koban_cli.services.invoicing.drafts import draft

    periods = session.exec(
        select(ContractPeriod, Invoice)
        .join(Invoice, Invoice.id == ContractPeriod.invoice_id)
        .where(ContractPeriod.contract_id == contract.id, ContractPeriod.end > on)
        .order_by(ContractPeriod.start)
    ).all()
    if not periods:
        return None
    drafts = [f"PROV-{invoice.id}" for _, invoice in periods if invoice.status == Status.DRAFT]
    if drafts:
        raise InvalidState(
            f"{contract.number} has draft invoice {drafts[0]} for a period after {on}; delete it first "
            f"(koban invoice delete {drafts[0]})"
        )
    made = []
    for period, invoice in periods:
        unused_from = max(period.start, on + dt.timedelta(days=1))
        unused, days = (period.end - unused_from).days + 1, (period.end - period.start).days + 1
        lines = [line for line in doc_lines.lines_of(session, invoice) if line.kind != LineKind.TEXT]
        used = billed.credit_usage(session, lines)
        new_lines = []
        for line in lines:
            left = line.net - used.get(line.id, (ZERO, ZERO))[1]
            amount = min(left, round_money(line.net * unused / days))
            if amount > 0:
                label = f"{line.description} — résiliation au {on:%d/%m/%Y} : {unused}/{days} jours non consommés"
                kind = LineKind.PRODUCT if line.product_id else LineKind.FREE
                new_lines.append(
                    Line(
                        label,
                        Decimal(1),
                        amount,
                        line.vat_rate,
                        amount,
                        kind=kind,
                        product_id=line.product_id,
                        source_line_id=line.id,
                    )
                )
        if new_lines:
            note = draft(
                session,
                contract.customer_id,
                InvoiceKind.CREDIT_NOTE,
                as_of,
                new_lines,
                note=f"Résiliation {contract.number} au {on:%d/%m/%Y}",
                credited=invoice,
                contract_id=contract.id,
            )
            made.append(f"PROV-{note.id}")
    return ", ".join(made) or None


def undo_termination(ledger: Ledger, number: str, as_of: dt.date) -> StatusChanged:
    """Revert a termination whose last day has not passed: the contract goes on as before."""
    with ledger.write() as session:
        contract = locks.row(session, get(session, number))
        if contract.status != Status.TERMINATED:
            raise InvalidState(f"{number} is {contract.status}; there is no termination to undo")
        if contract.terminated_on < as_of:
            raise InvalidState(f"{number} ended on {contract.terminated_on}; a termination that has passed stays")
        contract.status, contract.terminated_on = Status.ACTIVE, None
        session.add(contract)
        return StatusChanged(number, number, Status.ACTIVE)


def cancel(ledger: Ledger, number: str) -> StatusChanged:
    """Cancel a contract made by mistake: allowed while no period is billed."""
    with ledger.write() as session:
        contract = locks.row(session, get(session, number))
        if contract.status == Status.CANCELLED:
            raise InvalidState(f"{number} is already cancelled")
        first = session.exec(
            select(ContractPeriod.start).where(ContractPeriod.contract_id == contract.id).order_by(ContractPeriod.start)
        ).first()
        if first:
            raise InvalidState(
                f"{number} has billed the period starting {first}; terminate it instead (koban contract terminate)"
            )
        contract.status = Status.CANCELLED
        session.add(contract)
        if contract.order_id:
            session.flush()
            order_status.refresh(session, session.get(SalesOrder, contract.order_id))
        return StatusChanged(number, number, Status.CANCELLED)


def reprice(ledger: Ledger, number: str, percent: Decimal, from_date: dt.date) -> Repriced:
    with ledger.write() as session:
        contract = get(session, number)
        if contract.status != Status.ACTIVE:
            raise InvalidState(f"{number} is {contract.status}; only an active contract is repriced")
        billed = session.exec(
            select(ContractPeriod.start).where(
                ContractPeriod.contract_id == contract.id, ContractPeriod.start >= from_date
            )
        ).first()
        if billed:
            raise InvalidState(f"the period starting {billed} is already billed; reprice --from a later date")
        session.add(ContractReprice(contract_id=contract.id, from_date=from_date, percent=percent))
        return Repriced(number, number, percent, from_date)
