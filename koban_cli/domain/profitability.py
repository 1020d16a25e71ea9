"""A project's live profitability: sale price against labour and purchase costs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from koban_cli.domain.values import HUNDRED, round_money


@dataclass(frozen=True)
class Profitability:
    price: Decimal
    labour_cost: Decimal
    purchase_cost: Decimal

    @property
    def cost(self) -> Decimal:
        return self.labour_cost + self.purchase_cost

    @property
    def margin(self) -> Decimal:
        return self.price - self.cost

    @property
    def margin_pct(self) -> Decimal | None:
        """Margin as a percentage of the price; None when there is no price to compare with."""
        return round_money(self.margin / self.price * HUNDRED) if self.price else None


def labour_cost(hour_cents_thousandths: int) -> Decimal:
    """Sum of hours x rate computed in SQL as integers (thousandths of hours x cents), to the cent."""
    return round_money(Decimal(hour_cents_thousandths).scaleb(-5))
