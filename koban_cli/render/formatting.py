"""Money, numbers and dates for the document's language, through Babel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from koban_cli.domain.values import CURRENCY

LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def money(value: str | Decimal | None, lang: str) -> str:
    if value is None:
        return ""
    return format_currency(Decimal(value), CURRENCY, locale=LOCALES[lang])


def number(value: str | Decimal | None, lang: str) -> str:
    if value is None:
        return ""
    return format_decimal(Decimal(value), format="#,##0.###", locale=LOCALES[lang])


def date(value: str | dt.date | None, lang: str) -> str:
    if not value:
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, format="long", locale=LOCALES[lang])
