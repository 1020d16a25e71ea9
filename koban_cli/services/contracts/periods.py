"""What a contract's periods bill: the one home of a period's amounts.

`contract bill-due` bills with it, `invoice forecast` counts with it and
`contract show` prices its next period with it. Written in SQLAlchemy Core
over db/tables.py, so `db` may be an ORM `Session` (bill-due, in its write
transaction) or a Core `Connection` (the reads, which never import the ORM).
A contract is any object with the contract's fields: the ORM row, or a row
read with Core.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Iterable

from sqlalchemy import Select, select

from koban_cli.db.tables import contract_line, contract_period, contract_reprice
from koban_cli.domain import periods as P
from koban_cli.domain.contract_terms import billing_end
from koban_cli.domain.values import HUNDRED, ZERO, round_money

if TYPE_CHECKING:
    from koban_cli.domain.lines import Line, VatPolicy


def _ids(contract_ids: Iterable[int] | Select) -> list[int] | Select:
    """Contract ids to filter on: a list, or a query of them (thousands of ids bound one by one cost more)."""
    return contract_ids if isinstance(contract_ids, Select) else list(contract_ids)


def billed_starts(db, contract_ids: Iterable[int] | Select | None = None) -> dict[int, set[dt.date]]:
    """`{contract_id: {start of each period billed}}`; every contract when `contract_ids` is None."""
    query = select(contract_period.c.contract_id, contract_period.c.start)
    if contract_ids is not None:
        query = query.where(contract_period.c.contract_id.in_(_ids(contract_ids)))
    out: dict[int, set[dt.date]] = {}
    for contract_id, start in db.execute(query):
        out.setdefault(contract_id, set()).add(start)
    return out


@dataclass
class Terms:
    """What pricing the periods of some contracts reads, in three queries: their lines (in order), their
    price changes and the starts of the periods they have billed."""

    lines: dict[int, list] = field(default_factory=dict)
    reprices: dict[int, list] = field(default_factory=dict)
    billed: dict[int, set[dt.date]] = field(default_factory=dict)

    @classmethod
    def load(cls, db, contract_ids: Iterable[int] | Select) -> Terms:
        """The terms of the contracts `contract_ids` (ids, or a query of them)."""
        ids = _ids(contract_ids)
        terms = cls(billed=billed_starts(db, ids))
        query = select(contract_line).where(contract_line.c.contract_id.in_(ids)).order_by(contract_line.c.position)
        for line in db.execute(query):
            terms.lines.setdefault(line.contract_id, []).append(line)
        for change in db.execute(select(contract_reprice).where(contract_reprice.c.contract_id.in_(ids))):
            terms.reprices.setdefault(change.contract_id, []).append(change)
        return terms

    def lines_of(self, contract_id: int) -> list:
        return self.lines.get(contract_id, [])

    def reprices_of(self, contract_id: int) -> list:
        return self.reprices.get(contract_id, [])

    def billed_of(self, contract_id: int) -> set[dt.date]:
        return self.billed.get(contract_id, set())

    def signature(self, contract) -> tuple:
        """Every value pricing reads of the contract but its rows' identities: contracts with equal signatures
        bill equal nets for the same periods (see `period_nets`)."""
        lines = tuple(tuple(line[n] for n in _LINE_TERMS) for line in self.lines_of(contract.id))
        changes = tuple(sorted(tuple(change[n] for n in _REPRICE_TERMS) for change in self.reprices_of(contract.id)))
        return contract.every, lines, changes


_IDENTITY = ("id", "contract_id")  # what tells apart rows that are otherwise the same terms
# the positions of the other columns in the rows `Terms.load` reads (every column, in the table's order)
_LINE_TERMS = [n for n, column in enumerate(contract_line.c) if column.name not in _IDENTITY]
_REPRICE_TERMS = [n for n, column in enumerate(contract_reprice.c) if column.name not in _IDENTITY]


def due(contract, billed: set[dt.date], as_of: dt.date) -> list[P.Period]:
    """The periods due on or before `as_of` and not billed yet, oldest first: what bill-due bills."""
    every = P.months_of(contract.every)
    return [
        period
        for period in P.shared_periods_until(contract.start, every, billing_end(contract), contract.in_advance, as_of)
        if period.start not in billed
    ]


def period_price(line, every_months: int, reprices: list, period: P.Period) -> Decimal:
    """A line's unit price for one billing period, indexations applied (compounded, to the cent at each
    step) to its price, then spread over the periods of its span (see `periods.period_amount`)."""
    price = line.unit_price
    for change in sorted(reprices, key=lambda r: r.from_date):
        if change.from_date <= period.start:
            price = round_money(price * (HUNDRED + change.percent) / HUNDRED)
    return P.period_amount(price, line.price_months, every_months, period.index)


def period_lines(contract, lines: list, reprices: list, period: P.Period, policy: VatPolicy) -> list[Line]:
    """The invoice lines of one period: each contract line at its period price, pro rata when cut short."""
    from koban_cli.domain.lines import priced, prorated  # here: `contract list` reads billed starts only

    every = P.months_of(contract.every)
    dates = f"du {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y}"
    new = []
    for line in lines:
        price = period_price(line, every, reprices, period)
        anchors = {"period_start": period.start, "period_end": period.end, "product_id": line.product_id}
        if period.days == period.full_days:
            made = priced(
                f"{line.description} — {dates}", line.qty, price, line.vat_rate, policy, line.discount, **anchors
            )
        else:
            made = prorated(
                f"{line.description} — {dates}",
                line.qty,
                price,
                contract.every,
                line.vat_rate,
                policy,
                period.days,
                period.full_days,
                line.discount,
                **anchors,
            )
        new.append(made)
    return new


def period_net(contract, lines: list, reprices: list, period: P.Period) -> Decimal:
    """The net one period bills: the sum of its invoice lines (a net never depends on the VAT charged)."""
    from koban_cli.domain.lines import VatPolicy

    return sum((line.net for line in period_lines(contract, lines, reprices, period, VatPolicy())), ZERO)


def period_nets(
    contract, lines: list, reprices: list, periods: list[P.Period], shared: dict | None = None
) -> list[Decimal]:
    """`period_net` of each of a contract's periods, each distinct one computed once.

    A period's net depends on which price changes apply (those from on or before its start), on where it
    stands in the cycle of `periods.period_amount` (`amount_cycle`) and, when it is cut short, on its length
    and its full length (pro rata); its dates only name its lines. So a monthly contract's periods are priced
    once, plus once per price change and once for a period cut short. `shared`, a dict kept for the contracts
    of one `Terms.signature` (lines and price changes equal but for their ids), prices them once between
    them: the forecast prices 30,000 periods of 2,000 contracts at the cost of a few.
    """
    every = P.months_of(contract.every)
    changes = sorted(change.from_date for change in reprices)
    cycle = math.lcm(1, *(P.amount_cycle(line.price_months, every) for line in lines))
    known: dict[tuple, Decimal] = {} if shared is None else shared
    nets = []
    for period in periods:
        cut = None if period.end == period.full_end else (period.days, period.full_days)
        key = (bisect_right(changes, period.start) if changes else 0, period.index % cycle if cycle > 1 else 0, cut)
        net = known.get(key)
        if net is None:
            net = known[key] = period_net(contract, lines, reprices, period)
        nets.append(net)
    return nets
