"""`contract show`, in SQLAlchemy Core only (no ORM, no models): the contract, its lines at the price of the
next period, and that period as bill-due will bill it (services/contracts/periods.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from sqlalchemy import select

from koban_cli.db.engine import Ledger
from koban_cli.db.tables import contract, contract_period, customer, invoice, product, sales_order
from koban_cli.domain import periods as P
from koban_cli.domain.amounts import line_net, totals
from koban_cli.domain.contract_terms import Summary, next_due, summary
from koban_cli.domain.kinds import LineKind, Status
from koban_cli.domain.money import Money
from koban_cli.errors import not_found
from koban_cli.services import views
from koban_cli.services.contracts import periods as contract_periods


@dataclass(frozen=True, slots=True)
class PeriodInvoiced:
    start: dt.date
    end: dt.date
    invoice: str


@dataclass(frozen=True, slots=True)
class ContractView(Summary):
    """A contract as `contract show` gives it and as it is printed: its lines at the price of the next
    period, and that period as bill-due will bill it."""

    customer_name: str
    order: str | None
    in_advance: bool
    renew: bool
    renew_months: int
    notice_days: int
    terminated_on: dt.date | None
    next_period_start: dt.date | None
    next_period_end: dt.date | None
    next_period_net: Money | None
    next_period_prorated: bool | None
    lines: tuple[views.Line, ...]
    vat: tuple[views.VatRow, ...]
    net: Money
    tax: Money
    gross: Money
    periods: tuple[PeriodInvoiced, ...]


def contract_by_number(db, number: str):
    """The contract's row (every column), or NotFound."""
    found = db.execute(select(contract).where(contract.c.number == number)).first()
    if found is None:
        raise not_found("contract", number)
    return found


def show(ledger: Ledger, number: str, as_of: dt.date) -> ContractView:
    """The contract, its lines at the price of the next period, and that period as it will be billed."""
    with ledger.read_core() as db:
        row = contract_by_number(db, number)
        buyer = db.execute(select(customer.c.code, customer.c.name).where(customer.c.id == row.customer_id)).one()
        order = (
            db.execute(select(sales_order.c.number).where(sales_order.c.id == row.order_id)).scalar()
            if row.order_id
            else None
        )
        terms = contract_periods.Terms.load(db, [row.id])
        billed, lines, reprices = terms.billed_of(row.id), terms.lines_of(row.id), terms.reprices_of(row.id)
        refs = dict(db.execute(select(product.c.id, product.c.ref)).all())
        periods = db.execute(
            select(contract_period.c.start, contract_period.c.end, invoice.c.number, invoice.c.id)
            .join(invoice, invoice.c.id == contract_period.c.invoice_id)
            .where(contract_period.c.contract_id == row.id)
            .order_by(contract_period.c.start)
        ).all()
    upcoming = next_due(row, billed) if row.status != Status.CANCELLED else None
    every = P.months_of(row.every)
    priced_at = upcoming or P.period_at(row.start, every, 0, None, row.in_advance)
    shown, amounts = [], []
    for line in lines:
        price = contract_periods.period_price(line, every, reprices, priced_at)
        net = line_net(line.qty, price, line.discount)
        amounts.append((line.vat_rate, net))
        kind = LineKind.PRODUCT if line.product_id else LineKind.FREE
        shown.append(
            views.Line(
                line.position, kind, refs.get(line.product_id), line.description, line.qty, Money(price),
                line.discount, line.vat_rate, Money(net), None,
            )
        )  # fmt: skip
    result = totals(amounts)
    standing = summary(row, buyer.code, billed, as_of)
    return ContractView(
        *(getattr(standing, field.name) for field in fields(Summary)),
        customer_name=buyer.name,
        order=order,
        in_advance=row.in_advance,
        renew=row.renew,
        renew_months=row.renew_months,
        notice_days=row.notice_days,
        terminated_on=row.terminated_on,
        next_period_start=upcoming.start if upcoming else None,
        next_period_end=upcoming.end if upcoming else None,
        next_period_net=Money(contract_periods.period_net(row, lines, reprices, upcoming)) if upcoming else None,
        next_period_prorated=upcoming.days != upcoming.full_days if upcoming else None,
        lines=tuple(shown),
        vat=views.vat_table(result),
        net=Money(result.net),
        tax=Money(result.tax),
        gross=Money(result.gross),
        periods=tuple(
            PeriodInvoiced(start, end, ref or f"PROV-{invoice_id}") for start, end, ref, invoice_id in periods
        ),
    )
