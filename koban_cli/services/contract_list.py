"""`contract list`, in SQLAlchemy Core only (no ORM, no models): two queries, then the domain's rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from koban_cli.db.engine import Ledger
from koban_cli.db.tables import contract, contract_period, customer
from koban_cli.domain.contract_terms import STATUSES, summary
from koban_cli.errors import InvalidValue


@dataclass(frozen=True)
class _Contract:
    """The fields the domain's contract rules read."""

    id: int
    number: str
    start: dt.date
    end: dt.date
    every: str
    in_advance: bool
    renew: bool
    renew_months: int
    auto: bool
    status: str
    terminated_on: dt.date | None


FIELDS = [contract.c[name] for name in _Contract.__dataclass_fields__]


def list_contracts(ledger: Ledger, as_of: dt.date, status: str | None = None) -> list[dict]:
    if status and status not in STATUSES:
        raise InvalidValue(f'status "{status}" is not one of {", ".join(STATUSES)}')
    with ledger.read_core() as connection:
        billed: dict[int, set[dt.date]] = {}
        for contract_id, start in connection.execute(select(contract_period.c.contract_id, contract_period.c.start)):
            billed.setdefault(contract_id, set()).add(start)
        query = (
            select(*FIELDS, customer.c.code)
            .join(customer, customer.c.id == contract.c.customer_id)
            .order_by(contract.c.id)
        )
        rows = []
        for values in connection.execute(query):
            *fields, code = values
            row = _Contract(*fields)
            rows.append(summary(row, code, billed.get(row.id, set()), as_of))
    return [row for row in rows if status in (None, row["status"])]
