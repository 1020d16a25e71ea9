"""`koban purchase`: supplier purchase orders."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from koban_cli.cli import output, state
from koban_cli.cli.nouns import noun_app
from koban_cli.cli.output import Col
from koban_cli.cli.params import FORMAT_DEFAULT, DateOpt, FormatOpt

app = noun_app("purchase")
Ref = Annotated[str, typer.Argument(help="Purchase order number, e.g. CF-2026-0001.")]
COLUMNS = [
    Col("number", "Purchase"),
    Col("supplier", "Supplier"),
    Col("project", "Project"),
    Col("date", "Date"),
    Col("status", "Status"),
    Col("amount", "Amount", numeric=True, total=True),
]


def _service():
    """The writes (ORM)."""
    from koban_cli.services.operations import purchases

    return purchases


def _view():
    """The reads: `purchase list` and `purchase show` start without the ORM."""
    from koban_cli.services.operations import purchase_view

    return purchase_view


@app.command("list")
def list_(
    project: Annotated[Optional[str], typer.Option(help="Project number.")] = None, fmt: FormatOpt = FORMAT_DEFAULT
) -> None:
    """List purchase orders.

    Example: koban purchase list --project AF-2026-0001
    """
    output.show_rows(_view().list_purchases(state.ledger(), project), COLUMNS, fmt, "Purchases")


@app.command()
def show(ref: Ref, fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Show a purchase order.

    Example: koban purchase show CF-2026-0001
    """
    output.show_record(_view().show(state.ledger(), ref), fmt)


@app.command()
def receive(ref: Ref, date_: DateOpt = "today", fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Receive a purchase order: its stock-tracked goods come into stock.

    Example: koban purchase receive CF-2026-0001
    """
    output.created(_service().receive(state.ledger(), ref, date_), fmt, f"{ref} received")


@app.command()
def cancel(ref: Ref, fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Cancel a purchase order not received yet; it leaves its project's costs.

    Example: koban purchase cancel CF-2026-0001
    """
    output.created(_service().cancel(state.ledger(), ref), fmt, f"{ref} cancelled")
