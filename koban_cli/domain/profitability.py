"""A project's live profitability: sale price against labour and purchase costs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from koban_cli.domain.money import Money
from koban_cli.domain.values import HUNDRED, ZERO, round_money


@dataclass(frozen=True, slots=True)
class Profitability:
    price: Money
    labour_cost: Money
    purchase_cost: Money

    @property
    def cost(self) -> Money:
        return self.labour_cost + self.purchase_cost

    @property
    def margin(self) -> Money:
        return self.price - self.cost

    @property
    def margin_pct(self) -> Decimal | None:
        """Margin as a percentage of the price; None when there is no price to compare with."""
        return round_money(self.margin.amount / self.price.amount * HUNDRED) if self.price else None


def labour_cost(hours_at_rates: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """What the time spent costs: each `(hours, hourly rate)` priced exactly, summed, then rounded once to the cent.

    The pairs may be single time entries or hours summed per rate: the total is the same.
    """
    return round_money(sum((hours * rate for hours, rate in hours_at_rates), ZERO))
