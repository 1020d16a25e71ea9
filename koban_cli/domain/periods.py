"""Subscription periods: consecutive, counted from the start date, never overlapping.

Periods are computed by adding whole months to the start date, the day cut to
the month's last as dateutil's relativedelta does (31 January + 1 month =
28/29 February; + 2 months = 31 March), so a period never drifts after a short
month. End dates are inclusive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from koban_cli.domain.kinds import BillingPeriod
from koban_cli.domain.values import round_money
from koban_cli.errors import InvalidValue

MONTHS = {BillingPeriod.MONTHLY: 1, BillingPeriod.QUARTERLY: 3, BillingPeriod.SEMIANNUAL: 6, BillingPeriod.YEARLY: 12}
ONE_DAY = dt.timedelta(days=1)


def months_of(every: str) -> int:
    if every not in MONTHS:
        raise InvalidValue(f'period "{every}" is not one of {", ".join(MONTHS)}')
    return MONTHS[every]


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(start: dt.date, months: int) -> dt.date:
    """`start + relativedelta(months=months)`: the same day `months` later, cut to that month's last day
    (computed here: a relativedelta costs ~15 µs, and the forecast adds months some 35,000 times)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = 29 if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else _MONTH_DAYS[month - 1]
    return dt.date(year, month, start.day if start.day <= last else last)


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
    return _period(first, add_months(start, every_months * (index + 1)), end, in_advance, index)


def _period(first: dt.date, after: dt.date, end: dt.date | None, in_advance: bool, index: int) -> Period:
    """The period from `first` to the day before `after` (the next period's start), cut by `end`."""
    full_end = after - ONE_DAY
    last = min(full_end, end) if end is not None else full_end
    return Period(first, last, full_end, first if in_advance else last + ONE_DAY, index)


def _periods(start: dt.date, every_months: int, end: dt.date | None, in_advance: bool):
    """Periods 0, 1, 2… of `period_at`, until the contract's end (forever without one); each boundary
    computed once, as the end of one period and the start of the next."""
    index, first = 0, start  # period 0 starts on the start date (add_months(start, 0))
    while end is None or first <= end:
        after = add_months(start, every_months * (index + 1))
        yield _period(first, after, end, in_advance, index)
        index, first = index + 1, after


def periods_until(
    start: dt.date, every_months: int, end: dt.date | None, in_advance: bool, as_of: dt.date
) -> list[Period]:
    """Every period due on or before `as_of`, oldest first."""
    found = []
    for period in _periods(start, every_months, end, in_advance):
        if period.due > as_of:
            break
        found.append(period)
    return found


@lru_cache(maxsize=4096)
def shared_periods_until(
    start: dt.date, every_months: int, end: dt.date | None, in_advance: bool, as_of: dt.date
) -> tuple[Period, ...]:
    """`periods_until`, remembered (periods are immutable): contracts on the same terms share their periods,
    and 2,000 contracts started on the first of a month have a handful of distinct ones."""
    return tuple(periods_until(start, every_months, end, in_advance, as_of))


def next_period(
    start: dt.date, every_months: int, end: dt.date | None, in_advance: bool, billed: set[dt.date]
) -> Period | None:
    """The oldest period not yet billed."""
    return _shared_periods(start, every_months, end, in_advance).first_not_in(billed)


class _Periods:
    """The periods of `_periods`, made once and kept as far as they were asked for (periods are immutable)."""

    __slots__ = ("made", "more")

    def __init__(self, start: dt.date, every_months: int, end: dt.date | None, in_advance: bool):
        self.made: list[Period] = []
        self.more = _periods(start, every_months, end, in_advance)

    def first_not_in(self, billed: set[dt.date]) -> Period | None:
        for period in self.made:
            if period.start not in billed:
                return period
        for period in self.more:
            self.made.append(period)
            if period.start not in billed:
                return period
        return None


@lru_cache(maxsize=4096)
def _shared_periods(start: dt.date, every_months: int, end: dt.date | None, in_advance: bool) -> _Periods:
    """The periods of contracts on the same terms, shared: `contract list` looks for the next period of
    2,000 contracts that have a few distinct terms."""
    return _Periods(start, every_months, end, in_advance)


@lru_cache(maxsize=4096)
def current_term_end(start: dt.date, first_end: dt.date, renew_months: int | None, as_of: dt.date) -> dt.date:
    """The end of the engagement running on `as_of`, tacit renewals included.

    Terms are counted from the start date like periods (term n ends on start + n x term - 1 day), so an
    engagement always ends on a period end: 31 January + 1 month ends 27 February, then 30 March, never
    drifting to the 27th. A first term ended on a date that is no whole number of months is renewed
    from the day after it. Remembered: contracts on the same terms share their ends.
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


def amount_cycle(price_months: int, every_months: int) -> int:
    """After how many billing periods `period_amount` repeats (index n bills what index n + cycle bills):
    the periods of one span when a price is spread over them, else 1 (every period bills the same)."""
    if every_months >= price_months or price_months % every_months:
        return 1
    return price_months // every_months


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
