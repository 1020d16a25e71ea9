"""An order's billing plan against what was invoiced (`order schedule --list`), and the billing forecast
(`invoice forecast`): reads in SQLAlchemy Core only (no ORM, no models). Changing the plan is in
services/orders/schedule.py; what a contract period bills is in services/contracts/periods.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from koban_cli.db.engine import Ledger
from koban_cli.db.tables import contract, invoice, sales_order, schedule_entry
from koban_cli.domain import forecast as F
from koban_cli.domain.kinds import PLANNED_KINDS, InvoiceKind, Status
from koban_cli.domain.money import Money
from koban_cli.domain.periods import add_months
from koban_cli.domain.values import ZERO
from koban_cli.errors import not_found
from koban_cli.services.contracts import periods as contract_periods

KINDS = PLANNED_KINDS


def entries(db, order_id: int) -> list:
    """The order's planned entries in plan order: entry N of `order schedule` is the N-th (from 1)."""
    query = (
        select(schedule_entry)
        .where(schedule_entry.c.order_id == order_id)
        .order_by(schedule_entry.c.date, schedule_entry.c.id)
    )
    return list(db.execute(query))


def _order_id(db, number: str) -> int:
    found = db.execute(select(sales_order.c.id).where(sales_order.c.number == number)).scalar()
    if found is None:
        raise not_found("order", number)
    return found


@dataclass(frozen=True, slots=True)
class PlannedEntry:
    """Entry `position` (from 1) of an order's plan against the invoice drafted for it (`invoiced` once validated)."""

    position: int
    date: dt.date
    kind: InvoiceKind
    label: str
    percent: Decimal | None
    amount: Money
    invoice: str | None
    invoiced: Money | None
    late: bool


def plan(ledger: Ledger, number: str, as_of: dt.date) -> list[PlannedEntry]:
    """The plan against what was really invoiced."""
    with ledger.read_core() as db:
        order_id = _order_id(db, number)
        invoices = {
            row.id: row
            for row in db.execute(
                select(invoice.c.id, invoice.c.number, invoice.c.status, invoice.c.net).where(
                    invoice.c.order_id == order_id
                )
            )
        }
        planned = entries(db, order_id)
    rows = []
    for position, entry in enumerate(planned, start=1):
        made = invoices.get(entry.invoice_id)
        done = made is not None and made.status == Status.VALIDATED
        rows.append(
            PlannedEntry(
                position,
                entry.date,
                InvoiceKind(entry.kind),
                entry.label,
                entry.percent,
                Money(entry.amount),
                (made.number or f"PROV-{made.id}") if made else None,
                Money(made.net) if done else None,
                not done and entry.date < as_of,
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class Late:
    """A planned entry whose date has passed, or a contract period due, not invoiced."""

    order: str | None
    contract: str | None
    date: dt.date
    amount: Money
    label: str


@dataclass(frozen=True, slots=True)
class Period:
    """A period of the forecast (`2026-11`, `2026-W48`, or `Total`): planned order invoices and contract periods."""

    period: str
    orders: Money
    contracts: Money
    total: Money

    @classmethod
    def of(cls, bucket: F.Bucket) -> Period:
        return cls(bucket.period, Money(bucket.orders), Money(bucket.contracts), Money(bucket.total))


@dataclass(frozen=True, slots=True)
class Forecast:
    """What is to be invoiced per period, and what is late (SPEC §11 `invoice forecast`); totals included."""

    periods: tuple[Period, ...]
    late: tuple[Late, ...]
    total: Period
    late_total: Money


def figures(
    ledger: Ledger, as_of: dt.date, date_from: dt.date | None = None, date_to: dt.date | None = None, by: str = "month"
) -> Forecast:
    """The forecast from `date_from` (the month of `as_of`) to `date_to` (six months on), by month or ISO week."""
    start = date_from or as_of.replace(day=1)
    end = date_to or (add_months(start, 6) - dt.timedelta(days=1))
    keys = F.buckets(start, end, by)
    with ledger.read_core() as db:
        validated = select(invoice.c.id).where(invoice.c.status == Status.VALIDATED)
        open_entries = db.execute(
            select(schedule_entry.c.date, schedule_entry.c.amount, schedule_entry.c.label, sales_order.c.number)
            .join(sales_order, sales_order.c.id == schedule_entry.c.order_id)
            .where(
                (schedule_entry.c.invoice_id.is_(None)) | (schedule_entry.c.invoice_id.not_in(validated)),
                sales_order.c.status.in_((Status.VALIDATED, Status.INVOICED)),
            )
            .order_by(schedule_entry.c.date)
        ).all()
        coming, unbilled = _contract_amounts(db, as_of, start, end)
    planned = [(entry.date, entry.amount) for entry in open_entries if start <= entry.date <= end]
    late = [
        Late(entry.number, None, entry.date, Money(entry.amount), entry.label)
        for entry in open_entries
        if entry.date < as_of
    ] + unbilled
    buckets = F.table(keys, planned, coming, by)
    return Forecast(
        tuple(map(Period.of, buckets)),
        tuple(late),
        Period.of(F.total(buckets)),
        Money(sum((row.amount.amount for row in late), ZERO)),  # Money.total, without a Money per step
    )


def _contract_amounts(
    db, as_of: dt.date, start: dt.date, end: dt.date
) -> tuple[list[tuple[dt.date, Decimal]], list[Late]]:
    """What bill-due will bill between the two dates (the periods it bills, at the amounts it bills, by
    contract_periods, read in four queries for every contract); and the periods already due and not billed
    (bill-due was not run), which its next run bills: counted on `as_of`, the current period, and listed
    as late."""
    running = contract.c.status.in_((Status.ACTIVE, Status.TERMINATED))
    active = db.execute(select(contract).where(running)).all()
    terms = contract_periods.Terms.load(db, select(contract.c.id).where(running))
    late_day = max(as_of, start)  # where a period due before `as_of` counts
    amounts, late = [], []
    # Made once and reused: a Money per net, a label per period (strftime costs ~5 µs), and what contracts on
    # the same terms (Terms.signature) with the same periods due count and list late (most contracts of a
    # ledger). Keyed by id(), each entry holding its key's objects so that no id is reused while it lives.
    moneys: dict[int, tuple[Decimal, Money]] = {}
    labels: dict[int, tuple[object, str]] = {}
    priced: dict = {}
    plans: dict[tuple, tuple[list, list, list]] = {}
    for row in active:
        counted = [
            period
            for period in contract_periods.due(row, terms.billed_of(row.id), end)
            if (late_day <= end if period.due < as_of else start <= period.due)
        ]
        if not counted:
            continue
        signature = terms.signature(row)
        key = (signature, tuple(map(id, counted)))
        plan = plans.get(key)
        if plan is None:
            shared = priced.setdefault(signature, {})
            nets = contract_periods.period_nets(row, terms.lines_of(row.id), terms.reprices_of(row.id), counted, shared)
            counts, overdue = [], []  # (day, net) of each period; (due, Money, label) of those late
            for period, net in zip(counted, nets):
                if period.due >= as_of:
                    counts.append((period.due, net))
                    continue
                counts.append((late_day, net))
                money = moneys.get(id(net))
                if money is None:
                    money = moneys[id(net)] = (net, Money(net))
                label = labels.get(id(period))
                if label is None:
                    text = f"Période du {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y} non facturée"
                    label = labels[id(period)] = (period, text)
                overdue.append((period.due, money[1], label[1]))
            plan = plans[key] = (counted, counts, overdue)
        amounts += plan[1]
        number = row.number
        late += [Late(None, number, due_on, money, label) for due_on, money, label in plan[2]]
    return amounts, late
