"""Money, numbers and dates for the document's language, through Babel.

Each filter takes what a template may hold: the text a context carries
("1234.50", "2026-01-31"), a `Decimal` or a `Money`, a `datetime.date`.
A `Money` is written in its own currency.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from koban_cli.domain.money import Money
from koban_cli.domain.values import CURRENCY

LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def money(value: str | Decimal | Money | None, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return format_currency(value.amount, value.currency, locale=LOCALES[lang])
    return format_currency(Decimal(value), CURRENCY, locale=LOCALES[lang])


def number(value: str | Decimal | Money | None, lang: str) -> str:
    if value is None:
        return ""
    amount = value.amount if isinstance(value, Money) else Decimal(value)
    return format_decimal(amount, format="#,##0.###", locale=LOCALES[lang])


def date(value: str | dt.date | None, lang: str) -> str:
    if not value:
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, format="long", locale=LOCALES[lang])
