"""Parsing what users type: pure rules, no database."""

from decimal import Decimal as D

import pytest

from koban_cli.domain import values
from koban_cli.errors import InvalidValue


@pytest.mark.parametrize(
    "text, expected",
    [("1234.50", D("1234.50")), ("1234,5", D("1234.50")), ("1 234,50", D("1234.50")), ("0", D("0.00"))],
)
def test_money_accepts_point_comma_and_thousands_spaces(text, expected):
    assert values.parse_amount(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("abc", 'amount "abc" is not a number'),
        ("1e5", 'amount "1e5" is not a number'),
        ("NaN", 'amount "NaN" is not a number'),
        ("-3", 'amount "-3" is negative'),
        ("1.005", 'amount "1.005" has more than 2 decimals'),
        ("99999999999", 'amount "99999999999" is too large (at most 1000000000)'),
    ],
)
def test_money_refuses_what_is_not_an_amount(text, message):
    with pytest.raises(InvalidValue) as error:
        values.parse_amount(text)
    assert str(error.value) == message


def test_quantity_must_be_positive_with_three_decimals_at_most():
    assert values.parse_qty("2,5") == D("2.5")
    for bad in ("0", "-1", "1.0001", "1e3"):
        with pytest.raises(InvalidValue):
            values.parse_qty(bad)


def test_discount_over_100_is_refused():
    with pytest.raises(InvalidValue, match='discount "120" must be between 0 and 100'):
        values.parse_percent("120", "discount")


def test_dates_are_iso_or_today():
    assert values.parse_date("2026-02-28").day == 28
    assert values.parse_date("today", today=values.parse_date("2026-01-01")).year == 2026
    for bad in ("2026-02-30", "27/11/2026", "20261127", "tomorrow"):
        with pytest.raises(InvalidValue, match="is not a date"):
            values.parse_date(bad)


def test_numbers_print_without_useless_zeros_and_money_with_two_decimals():
    assert values.number_str(D("2.000")) == "2"
    assert values.number_str(D("5.50")) == "5.5"
    assert values.money_str(D("1234.5")) == "1234.50"
    assert values.money_str(D("0.005")) == "0.01"  # half-up
