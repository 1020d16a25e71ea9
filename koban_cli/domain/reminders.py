"""Getting paid: reminder levels, late-payment penalties to the day, and the ageing of what is open.

French law (Code de commerce, art. L441-10 and D441-5) gives a seller, on every invoice paid late by a
business, penalties at the rate its terms state (never below three times the legal interest rate) from
the day after the due date, and a fixed 40 € recovery indemnity per invoice. Nothing here reads the
ledger: services pass plain values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from koban_cli.domain.kinds import AgeBucket
from koban_cli.domain.values import HUNDRED, ZERO, round_money
from koban_cli.errors import InvalidValue

DEFAULT_LEVELS = (7, 30, 45)
MAX_LEVELS = 6
# The legal interest rate "for all other cases" (creditors who are not consumers), first half of 2026
# (arrêté du 15 décembre 2025, JORF 26 décembre 2025). It changes every half-year: a company states its own
# rate with `company set --late-penalty-rate`; this one is used only when none is set, at three times
# (the floor of art. L441-10, and what koban's invoices print when no rate is set).
LEGAL_INTEREST_RATE = Decimal("2.62")
DEFAULT_PENALTY_RATE = 3 * LEGAL_INTEREST_RATE  # 7.86 %
RECOVERY_INDEMNITY = Decimal("40.00")  # per invoice paid late by a business (art. D441-5)
DAYS_IN_YEAR = 365  # penalties accrue per day at rate / 365, the usual French practice

AGING_BUCKETS = tuple(AgeBucket)


@dataclass(frozen=True)
class Level:
    number: int  # from 1
    days: int  # after the due date
    formal_notice: bool  # the last level: mise en demeure


def parse_levels(text: str, what: str = "--reminder-levels") -> tuple[int, ...]:
    """`"7,30,45"` -> (7, 30, 45): whole days after the due date, increasing, 1 to 365, at most six levels."""
    parts = [part.strip() for part in str(text).split(",")]
    if not all(part.isdigit() for part in parts):
        raise InvalidValue(f'{what} "{text}" must be days after the due date separated by commas, e.g. 7,30,45')
    days = tuple(int(part) for part in parts)
    if not 1 <= len(days) <= MAX_LEVELS:
        raise InvalidValue(f'{what} "{text}" must give 1 to {MAX_LEVELS} levels')
    if any(not 1 <= day <= 365 for day in days) or list(days) != sorted(set(days)):
        raise InvalidValue(f'{what} "{text}" must be increasing days from 1 to 365, e.g. 7,30,45')
    return days


def levels(days: tuple[int, ...]) -> list[Level]:
    return [Level(n, day, n == len(days)) for n, day in enumerate(days, start=1)]


def level_due(days_late: int, days: tuple[int, ...], had: set[int]) -> Level | None:
    """The level to record now: the highest one reached, if the invoice has not had it nor a later one.

    An invoice that reached several levels since the last run (cron stopped, an old invoice imported) gets
    one letter, the highest level reached; the levels below it are skipped, never sent afterwards.
    """
    reached = [level for level in levels(days) if days_late >= level.days]
    if not reached:
        return None
    top = reached[-1]
    if had and max(had) >= top.number:
        return None
    return top


def penalty_rate(company_rate: Decimal | None) -> Decimal:
    return DEFAULT_PENALTY_RATE if company_rate is None else company_rate


def penalties(
    gross: Decimal, due: dt.date, payments: list[tuple[dt.date, Decimal]], as_of: dt.date, rate: Decimal
) -> Decimal:
    """Penalties to the day: each day after the due date up to `as_of` costs rate / 365 of what was still
    unpaid that day (a payment counts from its own date), rounded once to the cent."""
    if as_of <= due:
        return ZERO
    owed = gross - sum((amount for date, amount in payments if date <= due), ZERO)
    start, total = due, ZERO
    for date, amount in sorted((p for p in payments if due < p[0] <= as_of), key=lambda p: p[0]):
        total += max(owed, ZERO) * (date - start).days
        owed, start = owed - amount, date
    total += max(owed, ZERO) * (as_of - start).days
    return round_money(total * rate / HUNDRED / DAYS_IN_YEAR)


def aging_bucket(due: dt.date | None, as_of: dt.date) -> AgeBucket:
    """not_due, days_1_30, days_31_60 or over_60, from the days past the due date."""
    late = (as_of - due).days if due else 0
    if late <= 0:
        return AgeBucket.NOT_DUE
    if late <= 30:
        return AgeBucket.DAYS_1_30
    if late <= 60:
        return AgeBucket.DAYS_31_60
    return AgeBucket.OVER_60


def aged(items: list[tuple[dt.date | None, Decimal]], as_of: dt.date) -> dict[str, Decimal]:
    """Open amounts (signed: a credit note counts negative) summed per bucket."""
    out = {bucket: ZERO for bucket in AGING_BUCKETS}
    for due, amount in items:
        out[aging_bucket(due, as_of)] += amount
    return out
