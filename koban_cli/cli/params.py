"""Option types and aliases shared by every command.

Values are parsed by the domain's parsers, so a bad number or date is a
KobanError naming the option (`Error: --qty "abc" is not a number`, exit 1),
the same message whichever command received it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Annotated, Callable, Optional

import typer

from koban_cli.domain import values
from koban_cli.domain.money import Money
from koban_cli.errors import InvalidValue


def _parser(parse: Callable[[str, str], object], option: str) -> Callable[[object], object]:
    """A Typer `parser` naming its option in errors; defaults pass through unparsed."""

    def convert(value: object) -> object:
        return parse(value, option) if isinstance(value, str) else value

    return convert


def money(option: str, allow_zero: bool = True):
    """An amount as Money (in the ledger's currency), from the parse to the PDF."""
    return _parser(lambda v, w: Money.parse(v, w, allow_zero), option)


def qty(option: str):
    return _parser(values.parse_qty, option)


def count(option: str):
    """A counted quantity: zero allowed, never negative, three decimals at most."""
    return _parser(values.parse_count, option)


def percent(option: str, allow_zero: bool = True):
    return _parser(lambda v, w: values.parse_percent(v, w, allow_zero), option)


def vat(option: str = "--vat"):
    return _parser(lambda v, w: values.parse_vat_rate(v), option)


def date(option: str):
    return _parser(values.parse_date, option)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table, json or csv (stdout only).")]
AsOfOpt = Annotated[
    dt.date, typer.Option("--as-of", parser=date("--as-of"), metavar="DATE", help="Reference date (ISO or 'today').")
]
DateOpt = Annotated[
    dt.date, typer.Option("--date", parser=date("--date"), metavar="DATE", help="Document date (ISO or 'today').")
]
Amount = Annotated[
    Optional[Money],
    typer.Option("--amount", parser=money("--amount", allow_zero=False), metavar="AMOUNT", help="Amount excl. tax."),
]
Percent = Annotated[
    Optional[Decimal],
    typer.Option(
        "--percent", parser=percent("--percent", allow_zero=False), metavar="PERCENT", help="Share of the order's net."
    ),
]
Lines = Annotated[Optional[list[str]], typer.Option("--line", metavar="N=QTY", help="Line N, quantity QTY (repeat).")]
LangOpt = Annotated[
    str, typer.Option("--lang", parser=_parser(values.parse_lang, "--lang"), metavar="fr|en", help="Document language.")
]
FORMAT_DEFAULT = Format.table


def parse_picks(items: list[str] | None) -> dict[int, Decimal] | None:
    """`["1=2", "3=0.5"]` -> `{1: 2, 3: 0.5}`; each line once."""
    if not items:
        return None
    picks: dict[int, Decimal] = {}
    for item in items:
        position, sep, qty = item.partition("=")
        if not sep or not position.strip().isdigit() or int(position) < 1:
            raise InvalidValue(f'--line "{item}" must be N=QTY, N a line number from 1 (e.g. --line 2=3)')
        if int(position) in picks:
            raise InvalidValue(f"--line {int(position)} is given twice")
        picks[int(position)] = values.parse_qty(qty, f"--line {position} quantity")
    return picks
