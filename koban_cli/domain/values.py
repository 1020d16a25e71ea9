"""Parsing and formatting of the values users type: money, quantities, rates, dates.

Every number goes through `parse_decimal`, so one rule decides what a number
is: digits with a point or a comma as decimal separator, optional spaces as
thousands separators, no exponent, never a float.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from koban_cli.errors import InvalidValue

CURRENCY = "EUR"  # ISO 4217: every amount of a ledger is in euros (no currency is stored)
CENT = Decimal("0.01")
MILLI = Decimal("0.001")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

MAX_AMOUNT = Decimal("1000000000")  # one billion: beyond it, a typo
MAX_QTY = Decimal("1000000000")

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_decimal(text: object, what: str) -> Decimal:
    """A decimal from user text: `1234.50`, `1234,50`, `1 234,50`; else InvalidValue."""
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int):
        return Decimal(text)
    raw = str(text).strip()
    compact = re.sub(r"[\s\u00a0\u202f']", "", raw)
    if not _NUMBER.match(compact):
        raise InvalidValue(f'{what} "{raw}" is not a number')
    try:
        return Decimal(compact.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the regex already rules this out
        raise InvalidValue(f'{what} "{raw}" is not a number') from None


def _check_places(value: Decimal, places: int, what: str) -> Decimal:
    if value != value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
        raise InvalidValue(f'{what} "{value}" has more than {places} decimals')
    return value


def parse_amount(text: object, what: str = "amount", allow_zero: bool = True) -> Decimal:
    """A non-negative amount with at most two decimals (the bare Decimal a bulk import stores)."""
    value = _check_places(parse_decimal(text, what), 2, what)
    if value < 0:
        raise InvalidValue(f'{what} "{text}" is negative')
    if value == 0 and not allow_zero:
        raise InvalidValue(f'{what} "{text}" must be more than zero')
    if value > MAX_AMOUNT:
        raise InvalidValue(f'{what} "{text}" is too large (at most {MAX_AMOUNT})')
    return value.quantize(CENT)


def parse_qty(text: object, what: str = "quantity") -> Decimal:
    """A positive quantity with at most three decimals."""
    value = _check_places(parse_decimal(text, what), 3, what)
    if value <= 0:
        raise InvalidValue(f'{what} "{text}" must be more than zero')
    if value > MAX_QTY:
        raise InvalidValue(f'{what} "{text}" is too large (at most {MAX_QTY})')
    return value


def parse_count(text: object, what: str = "count") -> Decimal:
    """Zero or a positive quantity (an inventory count)."""
    value = _check_places(parse_decimal(text, what), 3, what)
    if value < 0 or value > MAX_QTY:
        raise InvalidValue(f'{what} "{text}" must be from 0 to {MAX_QTY}')
    return value


def parse_percent(text: object, what: str = "percentage", allow_zero: bool = True) -> Decimal:
    """A percentage from 0 to 100 with at most two decimals (discounts, VAT, shares)."""
    value = _check_places(parse_decimal(text, what), 2, what)
    if value < 0 or value > HUNDRED or (value == 0 and not allow_zero):
        bounds = "between 0 and 100" if allow_zero else "more than 0 and at most 100"
        raise InvalidValue(f'{what} "{text}" must be {bounds}')
    return value


def parse_vat_rate(text: object) -> Decimal:
    value = parse_percent(text, "VAT rate")
    if value >= HUNDRED:
        raise InvalidValue(f'VAT rate "{text}" must be below 100')
    return value


def parse_date(text: object, what: str = "date", today: dt.date | None = None) -> dt.date:
    """An ISO date (`2026-11-27`) or the word `today`."""
    if isinstance(text, dt.date):
        return text
    raw = str(text).strip()
    if raw.lower() == "today":
        return today or dt.date.today()
    try:
        return dt.date.fromisoformat(raw) if len(raw) == 10 else _bad_date(raw, what)
    except ValueError:
        return _bad_date(raw, what)


def _bad_date(raw: str, what: str) -> dt.date:
    raise InvalidValue(f'{what} "{raw}" is not a date (use YYYY-MM-DD or "today")')


def parse_int(text: object, what: str, minimum: int = 0, maximum: int = 3650) -> int:
    raw = str(text).strip()
    if not re.fullmatch(r"\d+", raw) or not minimum <= int(raw) <= maximum:
        raise InvalidValue(f'{what} "{raw}" must be a whole number from {minimum} to {maximum}')
    return int(raw)


def parse_lang(text: str, what: str = "--lang") -> str:
    if text not in ("fr", "en"):
        raise InvalidValue(f'{what} "{text}" is not one of fr, en')
    return text


def round_money(value: Decimal) -> Decimal:
    """Half-up to the cent, the rounding of every amount on a document."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def round_qty(value: Decimal) -> Decimal:
    return value.quantize(MILLI, rounding=ROUND_HALF_UP)


def money_str(value: Decimal | None) -> str | None:
    """`1234.5` -> `"1234.50"`: money in JSON and CSV."""
    return None if value is None else f"{round_money(value):.2f}"


def cents_str(cents: int) -> str:
    """Integer cents as money text, exactly (`123450` -> `"1234.50"`), for reports over many rows."""
    cents = int(cents)  # PostgreSQL sums integers as NUMERIC
    digits = "%03d" % abs(cents)
    return ("-" if cents < 0 else "") + digits[:-2] + "." + digits[-2:]


def number_str(value: Decimal | None) -> str | None:
    """A quantity or rate without useless zeros: `2.000` -> `"2"`, `5.50` -> `"5.5"`."""
    if value is None:
        return None
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def date_str(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()
