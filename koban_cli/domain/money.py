"""Money: an exact amount in a currency, beancount-style.

A `Money` is what an invoice, an order or a payment states: a `Decimal` held
exactly (never a float) with its ISO 4217 currency. Amounts of two currencies
never add up, and nothing here rounds: a figure is rounded once, where the
rule that makes it says so (`values.round_money`). Formatting is the edges'
business (`cli/` writes `"1234.50"`, `render/` writes `1 234,50 €`); `str()`
gives the exact two-decimal text that JSON and CSV carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from koban_cli.domain.values import CURRENCY, ZERO, money_str, parse_amount
from koban_cli.errors import InvalidValue


@dataclass(frozen=True, slots=True, eq=False)
class Money:
    amount: Decimal
    currency: str = CURRENCY

    @classmethod
    def of(cls, amount: Decimal | int | str | None, currency: str = CURRENCY) -> Money:
        """A stored amount (None counts as nothing) as Money."""
        return cls(ZERO if amount is None else Decimal(amount), currency)

    @classmethod
    def parse(cls, text: object, what: str = "amount", allow_zero: bool = True, currency: str = CURRENCY) -> Money:
        """What a user typed (`1234.50`, `1234,50`, `1 234,50`) as Money: never negative, two decimals at
        most, below a billion, zero refused unless `allow_zero` (the rule of `values.parse_amount`)."""
        return cls(parse_amount(text, what, allow_zero), currency)

    def amount_in(self, currency: str = CURRENCY, what: str = "amount") -> Decimal:
        """The amount, to store or compute with in `currency` (a ledger's documents are in EUR);
        InvalidValue for money of another currency: koban never converts."""
        if self.currency != currency:
            raise InvalidValue(f'{what} "{self} {self.currency}" is not in {currency}, the currency of the ledger')
        return self.amount

    @classmethod
    def total(cls, amounts: Iterable[Money], currency: str = CURRENCY) -> Money:
        """The sum of `amounts` (zero in `currency` when there are none)."""
        result = cls(ZERO, currency)
        for amount in amounts:
            result = result + amount
        return result

    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"Money cannot be combined with {type(other).__name__}")
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, Money) or not isinstance(factor, (Decimal, int)):
            return NotImplemented
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other).amount

    def __eq__(self, other: object) -> bool:
        """Equal to Money of the same amount and currency; compared with text (a template testing
        `!= "0.00"`, as koban's templates did when they received text) it refuses rather than answer wrong."""
        if isinstance(other, str):
            raise TypeError(f'Money is not text: test it as a value (e.g. "if amount"), not against "{other}"')
        if not isinstance(other, Money):
            return NotImplemented
        return self.amount == other.amount and self.currency == other.currency

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    def __bool__(self) -> bool:
        return self.amount != 0

    def __str__(self) -> str:
        return money_str(self.amount)
