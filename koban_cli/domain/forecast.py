"""Grouping dated amounts into months or ISO weeks for the billing forecast."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from koban_cli.errors import InvalidValue

ZERO = Decimal(0)


def bucket(day: dt.date, by: str) -> str:
    """`2026-11` by month, `2026-W48` by ISO week."""
    if by == "month":
        return f"{day.year:04d}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def buckets(start: dt.date, end: dt.date, by: str) -> list[str]:
    """Every bucket from `start` to `end`, empty ones included, in order."""
    if by not in ("month", "week"):
        raise InvalidValue(f'--by "{by}" is not one of month, week')
    if end < start:
        raise InvalidValue(f"--to {end} is before --from {start}")
    if (end - start).days > 3660:
        raise InvalidValue("the forecast covers at most ten years")
    keys = [bucket(start + dt.timedelta(days=n), by) for n in range((end - start).days + 1)]
    return list(dict.fromkeys(keys))


@dataclass(frozen=True)
class Bucket:
    """A period of the forecast: what planned order invoices and contract periods bill in it."""

    period: str
    orders: Decimal
    contracts: Decimal

    @property
    def total(self) -> Decimal:
        return self.orders + self.contracts


def table(
    keys: list[str], orders: Iterable[tuple[dt.date, Decimal]], contracts: Iterable[tuple[dt.date, Decimal]], by: str
) -> list[Bucket]:
    """Per bucket: planned order amounts and contract amounts (and their total)."""
    sums = {"orders": defaultdict(lambda: ZERO), "contracts": defaultdict(lambda: ZERO)}
    keys_of: dict[dt.date, str] = {}  # the bucket of each day, found once (30,000 amounts fall on a few days)
    for source, items in (("orders", orders), ("contracts", contracts)):
        for day, amount in items:
            key = keys_of.get(day)
            if key is None:
                key = keys_of[day] = bucket(day, by)
            sums[source][key] += amount
    return [Bucket(key, sums["orders"][key], sums["contracts"][key]) for key in keys]


def total(buckets: Iterable[Bucket], label: str = "Total") -> Bucket:
    """The buckets added up: the forecast's total row."""
    rows = list(buckets)
    return Bucket(label, sum((row.orders for row in rows), ZERO), sum((row.contracts for row in rows), ZERO))
