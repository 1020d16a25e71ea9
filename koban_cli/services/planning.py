"""The billing plan of an order, `invoice from-plan`, and the billing forecast."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from koban_cli.db import locks
from koban_cli.db.engine import Ledger
from koban_cli.db.models import Contract, ContractLine, ContractReprice, Invoice, SalesOrder, ScheduleEntry
from koban_cli.domain import forecast as F
from koban_cli.domain import periods as P
from koban_cli.domain.billing import percent_of
from koban_cli.domain.contract_terms import billing_end
from koban_cli.domain.values import ZERO, date_str, money_str, number_str
from koban_cli.errors import InvalidState, InvalidValue, KobanError, OverInvoicing
from koban_cli.services import contracts, invoicing, lookup
from koban_cli.services import lines as doc_lines

KINDS = ("deposit", "intermediate", "balance")


def _entries(session: Session, order: SalesOrder) -> list[ScheduleEntry]:
    return list(
        session.exec(
            select(ScheduleEntry)
            .where(ScheduleEntry.order_id == order.id)
            .order_by(ScheduleEntry.date, ScheduleEntry.id)
        )
    )


def _plannable(session: Session, number: str) -> SalesOrder:
    order = locks.row(session, lookup.order(session, number))
    if order.status in ("draft", "cancelled"):
        raise InvalidState(f"{number} is {order.status}; plan the billing of a validated order")
    return order


def schedule(
    ledger: Ledger,
    number: str,
    date: dt.date,
    percent: Decimal | None = None,
    amount: Decimal | None = None,
    label: str = "",
    kind: str = "intermediate",
) -> dict:
    if (percent is None) == (amount is None):
        raise InvalidValue("give exactly one of --percent, --amount")
    if kind not in KINDS:
        raise InvalidValue(f'--kind "{kind}" is not one of {", ".join(KINDS)}')
    with ledger.write() as session:
        order = _plannable(session, number)
        value = percent_of(order.net, percent) if percent is not None else amount
        planned = sum((entry.amount for entry in _entries(session, order)), ZERO)
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
        position = [e.id for e in _entries(session, order)].index(entry.id) + 1
        return {"ref": number, "position": position, "date": date_str(date), "amount": money_str(value)}


def _entry(session: Session, number: str, position: int) -> tuple[SalesOrder, ScheduleEntry]:
    order = locks.row(session, lookup.order(session, number))
    entries = _entries(session, order)
    if not 1 <= position <= len(entries):
        raise InvalidValue(f"{number} has no planned entry {position} (it has {len(entries)})")
    entry = entries[position - 1]
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


def plan(ledger: Ledger, number: str, as_of: dt.date) -> list[dict]:
    """The plan against what was really invoiced."""
    with ledger.read() as session:
        order = lookup.order(session, number)
        invoices = {inv.id: inv for inv in session.exec(select(Invoice).where(Invoice.order_id == order.id))}
        rows = []
        for position, entry in enumerate(_entries(session, order), start=1):
            invoice = invoices.get(entry.invoice_id)
            done = invoice is not None and invoice.status == "validated"
            rows.append(
                {
                    "position": position,
                    "date": date_str(entry.date),
                    "kind": entry.kind,
                    "label": entry.label,
                    "percent": number_str(entry.percent),
                    "amount": money_str(entry.amount),
                    "invoice": lookup.invoice_ref(invoice) if invoice else None,
                    "invoiced": money_str(invoice.net) if done else None,
                    "late": not done and entry.date < as_of,
                }
            )
        return rows


def from_plan(ledger: Ledger, number: str, as_of: dt.date) -> list[dict]:
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
                if entry.kind == "deposit":
                    invoice = invoicing.draft_deposit(session, number, as_of, amount=entry.amount)
                elif entry.kind == "balance":
                    invoice = invoicing.draft_balance(session, number, as_of)
                else:
                    invoice = invoicing.draft_partial(session, number, as_of, amount=entry.amount)
            except KobanError as exc:
                raise type(exc)(
                    f"planned entry of {entry.date} ({entry.label or entry.kind}): {exc}; nothing was drafted"
                ) from None
            entry.invoice_id = invoice.id
            session.add(entry)
            made.append(invoicing.result(invoice))
        return made


def forecast(
    ledger: Ledger, as_of: dt.date, date_from: dt.date | None = None, date_to: dt.date | None = None, by: str = "month"
) -> dict:
    """Planned order invoices and coming contract invoices per period, and the late entries."""
    start = date_from or as_of.replace(day=1)
    end = date_to or (start + relativedelta(months=6) - dt.timedelta(days=1))
    keys = F.buckets(start, end, by)
    with ledger.read() as session:
        validated = select(Invoice.id).where(Invoice.status == "validated")
        open_entries = session.exec(
            select(ScheduleEntry, SalesOrder.number)
            .join(SalesOrder, SalesOrder.id == ScheduleEntry.order_id)
            .where(
                (ScheduleEntry.invoice_id.is_(None)) | (ScheduleEntry.invoice_id.not_in(validated)),
                SalesOrder.status.in_(("validated", "invoiced")),
            )
            .order_by(ScheduleEntry.date)
        ).all()
        planned = [(entry.date, entry.amount) for entry, _ in open_entries if start <= entry.date <= end]
        late = [
            {
                "order": number,
                "contract": None,
                "date": date_str(entry.date),
                "amount": money_str(entry.amount),
                "label": entry.label,
            }
            for entry, number in open_entries
            if entry.date < as_of
        ]
        coming, unbilled = _contract_amounts(session, as_of, start, end)
        late += unbilled
    periods = [
        {
            **row,
            "orders": money_str(row["orders"]),
            "contracts": money_str(row["contracts"]),
            "total": money_str(row["total"]),
        }
        for row in F.table(keys, planned, coming, by)
    ]
    return {"periods": periods, "late": late}


def _contract_amounts(
    session: Session, as_of: dt.date, start: dt.date, end: dt.date
) -> tuple[list[tuple[dt.date, Decimal]], list[dict]]:
    """What bill-due will bill between the two dates, in four queries for every contract; and the periods
    already due and not billed (bill-due was not run), which its next run bills: counted on `as_of`, the
    current period, and listed as late."""
    active = list(session.exec(select(Contract).where(Contract.status.in_(("active", "terminated")))))
    ids = [c.id for c in active]
    lines: dict[int, list[ContractLine]] = {}
    for line in session.exec(
        select(ContractLine).where(ContractLine.contract_id.in_(ids)).order_by(ContractLine.position)
    ):
        lines.setdefault(line.contract_id, []).append(line)
    reprices: dict[int, list[ContractReprice]] = {}
    for change in session.exec(select(ContractReprice).where(ContractReprice.contract_id.in_(ids))):
        reprices.setdefault(change.contract_id, []).append(change)
    billed_starts = contracts.billed_starts(session, ids)
    policy = doc_lines.vat_policy(session)
    amounts, late = [], []
    for contract in active:
        every = P.months_of(contract.every)
        for period in P.periods_until(contract.start, every, billing_end(contract), contract.in_advance, end):
            if period.start in billed_starts.get(contract.id, set()):
                continue
            overdue = period.due < as_of
            day = max(as_of, start) if overdue else period.due
            if start <= day <= end:
                net = sum(
                    (
                        l.net
                        for l in contracts.period_lines(
                            contract, lines.get(contract.id, []), reprices.get(contract.id, []), period, policy
                        )
                    ),
                    ZERO,
                )
                amounts.append((day, net))
                if overdue:
                    late.append(
                        {
                            "order": None,
                            "contract": contract.number,
                            "date": date_str(period.due),
                            "amount": money_str(net),
                            "label": f"Période du {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y} non facturée",
                        }
                    )
    return amounts, late
