"""Where a contract stands on a date: its last billed day, its status, its term, its next period.

Pure rules on any object with a contract's fields (the ORM row, or a plain row
read with SQLAlchemy Core by `contract list`), so every reader agrees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from koban_cli.domain import periods as P
from koban_cli.domain.kinds import CONTRACT_STATUSES, BillingPeriod, ContractMode, Status

STATUSES = CONTRACT_STATUSES


class Terms(Protocol):
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


FIELDS = tuple(Terms.__annotations__)  # what a reader must give the rules below


def billing_end(contract: Terms) -> dt.date | None:
    """The last day that will ever be billed: None while tacit renewal goes on (a cancelled contract
    ends the day before it starts, so no period of it is ever due)."""
    if contract.status == Status.CANCELLED:
        return contract.start - P.ONE_DAY
    if contract.terminated_on:
        return contract.terminated_on
    return None if contract.renew else contract.end


def term_end(contract: Terms, as_of: dt.date) -> dt.date:
    """The end of the engagement running on `as_of` (tacit renewals counted from the start)."""
    return P.current_term_end(contract.start, contract.end, contract.renew_months if contract.renew else None, as_of)


def status_on(contract: Terms, as_of: dt.date) -> str:
    if contract.status == Status.CANCELLED:
        return Status.CANCELLED
    end = billing_end(contract)
    if end is not None and end < as_of:
        return Status.ENDED if contract.status == Status.ACTIVE else Status.TERMINATED
    return contract.status


def next_due(contract: Terms, billed: set[dt.date]) -> P.Period | None:
    return P.next_period(
        contract.start, P.months_of(contract.every), billing_end(contract), contract.in_advance, billed
    )


@dataclass(frozen=True, slots=True)
class Summary:
    """Where a contract stands: the row `contract list` prints (and `contract show` starts from)."""

    number: str
    customer: str
    status: str
    start: dt.date
    end: dt.date
    every: BillingPeriod
    mode: ContractMode
    next_due: dt.date | None


def summary(contract: Terms, customer: str, billed: set[dt.date], as_of: dt.date) -> Summary:
    upcoming = next_due(contract, billed)
    return Summary(
        number=contract.number,
        customer=customer,
        status=status_on(contract, as_of),
        start=contract.start,
        end=contract.terminated_on or term_end(contract, as_of),
        every=BillingPeriod(contract.every),
        mode=ContractMode.AUTO if contract.auto else ContractMode.MANUAL,
        next_due=upcoming.due if upcoming else None,
    )
