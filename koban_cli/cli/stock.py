"""`koban stock`: levels, reservations, movements, inventory counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Optional

import typer

from koban_cli.cli import output, state
from koban_cli.cli.nouns import noun_app
from koban_cli.cli.output import Col
from koban_cli.cli.params import FORMAT_DEFAULT, DateOpt, FormatOpt, count, date, money, qty
from koban_cli.domain.money import Money

app = noun_app("stock")
Product = Annotated[str, typer.Argument(help="Product reference.")]
LEVELS = [
    Col("product", "Product"),
    Col("name", "Name"),
    Col("on_hand", "On hand", numeric=True),
    Col("reserved", "Reserved", numeric=True),
    Col("available", "Available", numeric=True),
    Col("alert_below", "Alert below", numeric=True),
    Col("below_alert", "Alert"),
]
MOVES = [
    Col("date", "Date"),
    Col("product", "Product"),
    Col("qty", "Qty", numeric=True),
    Col("kind", "Cause"),
    Col("ref", "Document"),
    Col("note", "Note"),
]


def _service():
    from koban_cli.services.operations import stock

    return stock


@app.command()
def show(
    ref: Annotated[Optional[str], typer.Argument(help="Product reference (all when omitted).")] = None,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Stock levels: on hand, reserved by validated orders not yet delivered, available, alert.

    Example: koban stock show ECRAN
    """
    output.show_rows(_service().levels(state.ledger(), ref), LEVELS, fmt, "Stock")


@app.command("in")
def in_(
    ref: Product,
    quantity: Annotated[Decimal, typer.Argument(parser=qty("QTY"), metavar="QTY")],
    cost: Annotated[Optional[Money], typer.Option(parser=money("--cost"), metavar="AMOUNT", help="Unit cost.")] = None,
    note: Annotated[str, typer.Option(help="Where it comes from.")] = "",
    day: DateOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Bring goods into stock (a receipt movement).

    Example: koban stock in ECRAN 10 --cost 180.00 --note "Livraison fournisseur"
    """
    result = _service().move_in(state.ledger(), ref, quantity, day, cost, note)
    output.created(result, fmt, f"{ref}: {output.plain(result.on_hand)} on hand")


@app.command()
def adjust(
    ref: Product,
    to: Annotated[Decimal, typer.Option("--to", parser=count("--to"), metavar="QTY", help="Counted quantity.")],
    note: Annotated[str, typer.Option(help="Why the count differs.")] = "",
    day: DateOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Set the level to an inventory count (one adjustment movement).

    Example: koban stock adjust ECRAN --to 7 --note "Inventaire annuel"
    """
    result = _service().adjust(state.ledger(), ref, to, day, note)
    output.created(result, fmt, f"{ref}: {output.plain(result.on_hand)} on hand ({output.plain(result.moved)})")


@app.command()
def moves(
    ref: Annotated[Optional[str], typer.Argument(help="Product reference.")] = None,
    date_from: Annotated[Optional[dt.date], typer.Option("--from", parser=date("--from"), metavar="DATE")] = None,
    date_to: Annotated[Optional[dt.date], typer.Option("--to", parser=date("--to"), metavar="DATE")] = None,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Stock movements, each with its cause and document.

    Example: koban stock moves ECRAN --from 2026-01-01
    """
    output.show_rows(_service().moves(state.ledger(), ref, date_from, date_to), MOVES, fmt, "Stock movements")


@app.command()
def alerts(fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Products whose available stock is below their alert threshold.

    Example: koban stock alerts
    """
    rows = [row for row in _service().levels(state.ledger()) if row.below_alert]
    output.show_rows(rows, LEVELS, fmt, "Stock alerts", empty="No product below its alert threshold.")
