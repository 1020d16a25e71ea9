"""The templates' money, number and date filters take text, Decimal, Money and dates alike."""

import datetime as dt
from decimal import Decimal

from koban_cli.domain.money import Money
from koban_cli.render import formatting

NBSP, NNBSP = "\xa0", "\u202f"


def test_money_is_written_alike_from_text_decimal_and_money():
    for value in ("1234.5", Decimal("1234.50"), Money(Decimal("1234.50"))):
        assert formatting.money(value, "fr") == f"1{NNBSP}234,50{NBSP}€"
        assert formatting.money(value, "en") == "€1,234.50"
    assert formatting.money(None, "fr") == ""


def test_money_in_another_currency_is_written_in_that_currency():
    assert formatting.money(Money(Decimal("99.90"), "USD"), "en") == "US$99.90"
    assert formatting.money(Money(Decimal("99.90"), "CHF"), "fr") == f"99,90{NBSP}CHF"


def test_numbers_from_text_decimal_and_money():
    for value in ("1234.5", Decimal("1234.500"), Money(Decimal("1234.5"))):
        assert formatting.number(value, "fr") == f"1{NNBSP}234,5"
        assert formatting.number(value, "en") == "1,234.5"
    assert formatting.number(None, "en") == ""


def test_dates_from_text_and_date():
    for value in ("2026-11-27", dt.date(2026, 11, 27)):
        assert formatting.date(value, "fr") == "27 novembre 2026"
        assert formatting.date(value, "en") == "27 November 2026"
    assert formatting.date(None, "fr") == formatting.date("", "fr") == ""


def test_the_filters_take_these_values_in_a_template():
    from koban_cli.render.html import environment

    template = environment("fr").from_string("{{ a | money }} / {{ b | number }} / {{ c | date }}")
    assert template.render(a=Money(Decimal("10")), b=Decimal("2.50"), c=dt.date(2026, 1, 31)) == (
        f"10,00{NBSP}€ / 2,5 / 31 janvier 2026"
    )
