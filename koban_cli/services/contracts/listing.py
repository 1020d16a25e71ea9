"""`contract list` and `contract renewals`, in SQLAlchemy Core only (no ORM, no models), then the domain's rules.

A row of `contract list` is the domain's `Summary` of the contract (where it
stands on the as-of date), which `cli/contracts.py` turns into text.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from dataclasses import dataclass

from sqlalchemy import select

from koban_cli.db.engine import Ledger
from koban_cli.db.tables import contract, customer
from koban_cli.domain.contract_terms import FIELDS, STATUSES, Summary, summary, term_end
from koban_cli.domain.kinds import Status
from koban_cli.errors import InvalidValue
from koban_cli.services.contracts.periods import billed_starts

Row = namedtuple("Row", ("id", *FIELDS))  # a contract as the domain's rules read it
COLUMNS = [contract.c[name] for name in Row._fields]


@dataclass(frozen=True, slots=True)
class Renewal:
    """An engagement end coming up, with the date by which notice must be given."""

    contract: str
    customer: str
    end: dt.date
    notice_deadline: dt.date
    notice_passed: bool
    renews: bool


def contract_rows(ledger: Ledger, as_of: dt.date, status: str | None = None) -> list[Summary]:
    """Every contract (or those in `status` on `as_of`), in the order they were made."""
    if status and status not in STATUSES:
        raise InvalidValue(f'status "{status}" is not one of {", ".join(STATUSES)}')
    with ledger.read_core() as connection:
        billed = billed_starts(connection)
        query = (
            select(*COLUMNS, customer.c.code)
            .join(customer, customer.c.id == contract.c.customer_id)
            .order_by(contract.c.id)
        )
        rows = []
        for values in connection.execute(query):
            *fields, code = values
            row = Row(*fields)
            rows.append(summary(row, code, billed.get(row.id, set()), as_of))
    return [row for row in rows if status in (None, row.status)]


def renewals(ledger: Ledger, as_of: dt.date, within: int = 60) -> list[Renewal]:
    """Engagement ends coming up within `within` days, with their notice deadlines."""
    if not 0 <= within <= 3650:
        raise InvalidValue(f'--within "{within}" must be from 0 to 3650 days')
    horizon = as_of + dt.timedelta(days=within)
    query = (
        select(*COLUMNS, contract.c.notice_days, customer.c.code)
        .join(customer, customer.c.id == contract.c.customer_id)
        .where(contract.c.status == Status.ACTIVE)
        .order_by(contract.c.id)
    )
    out = []
    with ledger.read_core() as connection:
        for values in connection.execute(query):
            *fields, notice_days, code = values
            row = Row(*fields)
            end = term_end(row, as_of)
            if as_of <= end <= horizon:
                deadline = end - dt.timedelta(days=notice_days)
                out.append(Renewal(row.number, code, end, deadline, as_of > deadline, bool(row.renew)))
    return sorted(out, key=lambda row: row.end)
