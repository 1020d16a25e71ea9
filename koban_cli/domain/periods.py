"""Subscription periods: consecutive, counted from the start date, never overlapping.

Periods are computed by adding whole months to the start date with dateutil
(31 January + 1 month = 28/29 February; + 2 months = 31 March), so a period
never drifts after a short month. End dates are inclusive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from koban_cli.domain.values import round_money
from koban_cli.errors import InvalidValue

MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "yearly": 12}
ONE_DAY = dt.timedelta(days=1)


def months_of(every: str) -> int:
    if every not in MONTHS:
        raise InvalidValue(f'period "{every}" is not one of {", ".join(MONTHS)}')
    return MONTHS[every]


def add_months(start: dt.date, months: int) -> dt.date:
    return start + relativedelta(months=months)


def engagement_end(start: dt.date, months: int) -> dt.date:
    """The last day covered by `months` months from `start` (2026-01-31 + 12 -> 2027-01-30)."""
    return add_months(start, months) - ONE_DAY


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # last day billed (inclusive), cut by the contract's end
    full_end: dt.date  # last day of the whole period
    due: dt.date
    index: int = 0  # from 0, counted from the contract's start

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def full_days(self) -> int:
        return (self.full_end - self.start).days + 1

    @property
    def ratio(self) -> Decimal:
        """Share of the period billed: 1 unless the contract ends inside it."""
        return Decimal(self.days) / Decimal(self.full_days)


def period_at(start: dt.date, every_months: int, index: int, end: dt.date | None, in_advance: bool) -> Period | None:
    """The index-th period (from 0), or None once the contract's end is passed."""
    first = add_months(start, every_months * index)
    if end is not None and first > end:
        return None
    full_end = add_months(start, every_months * (index + 1)) - ONE_DAY
    last = min(full_end, end) if end is not None else full_end
    return Period(first, last, full_end, first if in_advance else last + ONE_DAY, index)


def periods_until(
    start: dt.date, every_months: int, end: dt.date | None, in_advance: bool, as_of: dt.date
) -> list[Period]:
    """Every period due on or before `as_of`, oldest first."""
    found = []
    index = 0
    while (period := period_at(start, every_months, index, end, in_advance)) is not None and period.due <= as_of:
        found.append(period)
        index += 1
    return found


def next_period(
    start: dt.date, every_months: int, end: dt.date | None, in_advance: bool, billed: set[dt.date]
) -> Period | None:
    """The oldest period not yet billed."""
    index = 0
    while (period := period_at(start, every_months, index, end, in_advance)) is not None:
        if period.start not in billed:
            return period
        index += 1
    return None


def current_term_end(start: dt.date, first_end: dt.date, renew_months: int | None, as_of: dt.date) -> dt.date:
    """The end of the engagement running on `as_of`, tacit renewals included.

    Terms are counted from the start date like periods (term n ends on start + n x term - 1 day), so an
    engagement always ends on a period end: 31 January + 1 month ends 27 February, then 30 March, never
    drifting to the 27th. A first term ended on a date that is no whole number of months is renewed
    from the day after it.
    """
    first_months = whole_months(start, first_end)
    origin, offset = (start, first_months) if first_months else (first_end + ONE_DAY, 0)
    end, renewals = first_end, 0
    while renew_months and end < as_of:
        renewals += 1
        end = engagement_end(origin, offset + renewals * renew_months)
    return end


def whole_months(start: dt.date, end: dt.date) -> int | None:
    """n when `end` is the last day of n months from `start`, else None."""
    months = (end.year - start.year) * 12 + end.month - start.month
    for n in (months, months + 1):
        if n > 0 and engagement_end(start, n) == end:
            return n
    return None


def period_amount(price: Decimal, price_months: int, every_months: int, index: int) -> Decimal:
    """The amount of billing period `index` (from 0) of a price per `price_months`.

    A price for a longer span than the billing period is spread with cumulative rounding, so the
    periods of one span add up to the price: 1 000,00 a year billed monthly is 83,33 twice then 83,34,
    twelve months summing to 1 000,00. A shorter span is multiplied (a monthly price billed quarterly
    is three months).
    """
    if every_months >= price_months:
        return round_money(price * every_months / price_months)
    per_span = price_months // every_months if price_months % every_months == 0 else None
    if per_span is None:
        return round_money(price * every_months / price_months)
    k = index % per_span
    return round_money(price * (k + 1) / per_span) - round_money(price * k / per_span)
