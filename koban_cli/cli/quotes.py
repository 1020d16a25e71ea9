"""`koban quote`: proposals that become orders when accepted."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Optional

import typer

from koban_cli.cli import lines, output, pdfs, state
from koban_cli.cli.nouns import noun_app
from koban_cli.cli.output import Col
from koban_cli.cli.params import FORMAT_DEFAULT, AsOfOpt, DateOpt, FormatOpt, date

app = noun_app("quote")
Ref = Annotated[str, typer.Argument(help="Quote number, e.g. DE-2026-0001.")]
COLUMNS = [
    Col("number", "Quote"),
    Col("customer", "Customer"),
    Col("date", "Date"),
    Col("valid_until", "Valid until"),
    Col("status", "Status"),
    Col("net", "Net", numeric=True, total=True),
    Col("gross", "Gross", numeric=True, total=True),
]


def _service():
    from koban_cli.services.orders import quotes

    return quotes


lines.register(app, "quote", "DE-2026-0001", _service)


@app.command()
def create(
    customer: Annotated[str, typer.Option(help="Customer code.")],
    date: DateOpt = "today",
    valid_until: Annotated[
        Optional[dt.date],
        typer.Option(
            "--valid-until", parser=date("--valid-until"), metavar="DATE", help="Default: 30 days after the date."
        ),
    ] = None,
    note: Annotated[str, typer.Option(help="Note printed on the quote.")] = "",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Create a draft quote for a customer.

    Example: koban quote create --customer ACME --valid-until 2026-12-31
    """
    output.created(_service().create(state.ledger(), customer, date, valid_until, note), fmt)


@app.command()
def show(ref: Ref, as_of: AsOfOpt = "today", fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Show a quote with its lines and totals.

    Example: koban quote show DE-2026-0001
    """
    from koban_cli.cli.documents import render

    output.show_record(_service().show(state.ledger(), ref, as_of), fmt, render)


@app.command("list")
def list_(
    status: Annotated[Optional[str], typer.Option(help="draft, sent, accepted, refused, expired.")] = None,
    as_of: AsOfOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """List quotes.

    Example: koban quote list --status sent
    """
    output.show_rows(_service().list_quotes(state.ledger(), as_of, status), COLUMNS, fmt, "Quotes")


@app.command()
def send(ref: Ref, fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Mark a quote as sent to the customer.

    Example: koban quote send DE-2026-0001
    """
    output.created(_service().send(state.ledger(), ref), fmt, f"{ref} sent")


@app.command()
def refuse(ref: Ref, fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Mark a quote as refused by the customer.

    Example: koban quote refuse DE-2026-0001
    """
    output.created(_service().refuse(state.ledger(), ref), fmt, f"{ref} refused")


@app.command()
def accept(ref: Ref, date: DateOpt = "today", fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Accept a quote: it becomes a validated order with every one of its lines.

    Example: koban quote accept DE-2026-0001
    """
    output.created(_service().accept(state.ledger(), ref, date), fmt)


pdfs.register(app, "quote", "DE-2026-0001", "quote_context", "quote")
