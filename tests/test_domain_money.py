"""Money (domain/money.py): exact, in one currency, never mixed."""

from decimal import Decimal

import pytest

from koban_cli.domain.money import Money


def test_adds_subtracts_and_scales_exactly():
    a, b = Money(Decimal("0.10")), Money(Decimal("0.20"))
    assert a + b == Money(Decimal("0.30"))
    assert b - a - a == Money(Decimal("0.00"))
    assert -a == Money(Decimal("-0.10"))
    assert a * 3 == 3 * a == Money(Decimal("0.30"))
    assert Money.total([a, b, a]) == Money(Decimal("0.40"))
    assert Money.total([]) == Money(Decimal(0))


def test_prints_two_decimals_and_compares():
    assert str(Money(Decimal("1234.5"))) == "1234.50"
    assert str(Money(Decimal("-0.005"))) == "-0.01"
    assert Money.of(None) == Money(Decimal(0)) and not Money.of(None)
    assert Money.of("2.50") > Money.of("2.49") >= Money.of("2.49")


def test_two_currencies_never_add_up():
    with pytest.raises(ValueError, match="EUR and USD"):
        Money.of(1) + Money.of(1, "USD")
    with pytest.raises(ValueError):
        assert Money.of(1) < Money.of(2, "USD")
    with pytest.raises(TypeError):
        Money.of(1) + Decimal(1)


def test_money_is_never_equal_to_text_it_refuses_the_comparison():
    assert Money.of("1.00") == Money.of(1) and Money.of(1) != Money.of(1, "USD")
    assert len({Money.of("1.00"), Money.of(1)}) == 1
    with pytest.raises(TypeError, match="Money is not text"):
        assert Money.of(0) != "0.00"


@pytest.mark.parametrize(
    "text, expected",
    [("1234.50", "1234.50"), ("1234,5", "1234.50"), ("1 234,50", "1234.50"), ("1\u202f234,50", "1234.50"), ("0", "0.00")],
)
def test_parse_reads_what_a_user_types_as_money(text, expected):
    parsed = Money.parse(text, "--price")
    assert parsed == Money(Decimal(expected)) and parsed.currency == "EUR"
    assert str(parsed.amount) == expected  # two decimals, exactly


@pytest.mark.parametrize(
    "text, allow_zero, message",
    [
        ("abc", True, '--amount "abc" is not a number'),
        ("1e5", True, '--amount "1e5" is not a number'),
        ("-3", True, '--amount "-3" is negative'),
        ("1.005", True, '--amount "1.005" has more than 2 decimals'),
        ("0", False, '--amount "0" must be more than zero'),
        ("0,00", False, '--amount "0,00" must be more than zero'),
        ("99999999999", True, '--amount "99999999999" is too large (at most 1000000000)'),
    ],
)
def test_parse_refuses_what_is_not_an_amount(text, allow_zero, message):
    from koban_cli.errors import InvalidValue

    with pytest.raises(InvalidValue) as error:
        Money.parse(text, "--amount", allow_zero)
    assert str(error.value) == message


def test_amount_in_refuses_another_currency():
    from koban_cli.errors import InvalidValue

    assert Money.parse("12.50").amount_in("EUR") == Decimal("12.50")
    with pytest.raises(InvalidValue, match='--price "12.50 USD" is not in EUR'):
        Money.parse("12.50", currency="USD").amount_in("EUR", "--price")
