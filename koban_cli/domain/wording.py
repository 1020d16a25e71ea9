"""The French words of generated line descriptions (shares, deductions, pro rata).

They are stored with the line, so the PDF, the JSON and the XML print the same
text; numbers follow French typography (`1 234,5`, `99 999,99 €`).
"""

from __future__ import annotations

from decimal import Decimal

from koban_cli.domain.values import round_money

PER_PERIOD = {"monthly": "mois", "quarterly": "trimestre", "semiannual": "semestre", "yearly": "an"}


def fr_number(value: Decimal) -> str:
    """`1234.5` -> `1 234,5`: numbers in generated descriptions (French, no trailing zeros)."""
    sign = "-" if value < 0 else ""
    text = f"{abs(value):f}"
    whole, _, decimals = text.partition(".")
    decimals = decimals.rstrip("0")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    whole = "\u202f".join([whole, *groups])
    return sign + whole + ("," + decimals if decimals else "")


def fr_money(value: Decimal) -> str:
    """`1234.5` -> `1 234,50 €`."""
    text = fr_number(round_money(value))
    if "," not in text:
        text += ",00"
    elif len(text.rsplit(",", 1)[1]) == 1:
        text += "0"
    return text + "\u00a0€"


def spelt(qty: Decimal, unit_price: Decimal, discount: Decimal, per: str | None = None) -> str:
    """`1,5 × 99 999,99 €, remise 7,5 %` (with `per`: `… €/an`)."""
    text = f"{fr_number(qty)} × {fr_money(unit_price)}" + (f"/{PER_PERIOD[per]}" if per else "")
    return text + (f", remise {fr_number(discount)} %" if discount else "")
