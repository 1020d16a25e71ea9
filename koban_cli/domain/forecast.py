"""Grouping dated amounts into months or ISO weeks for the billing forecast."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
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


def table(
    keys: list[str], orders: Iterable[tuple[dt.date, Decimal]], contracts: Iterable[tuple[dt.date, Decimal]], by: str
) -> list[dict]:
    """Per bucket: planned order amounts, contract amounts and their total."""
    sums = {"orders": defaultdict(lambda: ZERO), "contracts": defaultdict(lambda: ZERO)}
    for source, items in (("orders", orders), ("contracts", contracts)):
        for day, amount in items:
            sums[source][bucket(day, by)] += amount
    return [
        {
            "period": key,
            "orders": sums["orders"][key],
            "contracts": sums["contracts"][key],
            "total": sums["orders"][key] + sums["contracts"][key],
        }
        for key in keys
    ]
