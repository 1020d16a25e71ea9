"""`koban delivery`: delivery notes, total or partial."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Optional

import typer

from koban_cli.cli import output, pdfs, state
from koban_cli.cli.nouns import noun_app
from koban_cli.cli.output import Col
from koban_cli.cli.params import FORMAT_DEFAULT, DateOpt, FormatOpt, Lines, parse_picks, qty

app = noun_app("delivery")
Ref = Annotated[str, typer.Argument(help="Delivery number BL-… or draft reference PROV-BL-<id>.")]
COLUMNS = [
    Col("ref", "Delivery"),
    Col("status", "Status"),
    Col("order", "Order"),
    Col("customer", "Customer"),
    Col("date", "Date"),
]


def _service():
    """The writes (ORM)."""
    from koban_cli.services.orders import deliveries

    return deliveries


def _view():
    """The reads: `delivery show` and `delivery list` start without the ORM."""
    from koban_cli.services.orders import delivery_view

    return delivery_view


@app.command()
def create(
    from_order: Annotated[str, typer.Option("--from-order", help="Order to deliver.")],
    line: Lines = None,
    date: DateOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Draft a delivery note with the order's deliverable lines (all that remains, or --line N=QTY).

    Example: koban delivery create --from-order CO-2026-0001 --line 2=1
    """
    result = _service().create(state.ledger(), from_order, date, parse_picks(line))
    output.created(result, fmt, result.ref)


@app.command("set")
def set_(
    ref: Ref,
    position: Annotated[int, typer.Argument(help="Line number.", min=1)],
    quantity: Annotated[Decimal, typer.Argument(parser=qty("QTY"), metavar="QTY")],
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Change the quantity of a draft delivery line.

    Example: koban delivery set PROV-BL-1 1 3
    """
    result = _service().set_qty(state.ledger(), ref, position, quantity)
    output.created(result, fmt, f"{ref} line {position}: {output.plain(result.qty)}")


@app.command("remove-line")
def remove_line(ref: Ref, position: Annotated[int, typer.Argument(help="Line number.", min=1)]) -> None:
    """Remove a line from a draft delivery note.

    Example: koban delivery remove-line PROV-BL-1 2
    """
    _service().remove_line(state.ledger(), ref, position)
    typer.echo(f"{ref} line {position} removed")


@app.command()
def validate(ref: Ref, date: DateOpt = "today", fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Validate: number BL-…, record the delivered quantities, take the goods out of stock.

    Example: koban delivery validate PROV-BL-1
    """
    output.created(_service().validate(state.ledger(), ref, date), fmt)


@app.command()
def cancel(ref: Ref, date: DateOpt = "today", fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Drop a draft, or cancel a validated note and bring its goods back into stock.

    Example: koban delivery cancel BL-2026-0001
    """
    result = _service().cancel(state.ledger(), ref, date)
    output.created(result, fmt, f"{ref} {result.status}")


@app.command()
def show(ref: Ref, fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Show a delivery note and its lines.

    Example: koban delivery show BL-2026-0001 --format json
    """

    def draw(console, view):
        output.show_record({k: v for k, v in output.fields_of(view).items() if k != "lines"}, fmt)
        columns = [
            Col("position", "#", numeric=True),
            Col("product", "Product"),
            Col("description", "Description"),
            Col("qty", "Delivered", numeric=True),
            Col("ordered", "Ordered", numeric=True),
        ]
        output.show_rows(view.lines, columns, fmt)

    output.show_record(_view().show(state.ledger(), ref), fmt, draw)


@app.command("list")
def list_(
    order: Annotated[Optional[str], typer.Option(help="Order number.")] = None,
    status: Annotated[Optional[str], typer.Option(help="draft, validated, cancelled.")] = None,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """List delivery notes.

    Example: koban delivery list --order CO-2026-0001
    """
    output.show_rows(_view().list_deliveries(state.ledger(), order, status), COLUMNS, fmt, "Deliveries")


pdfs.register(app, "delivery", "BL-2026-0001", "delivery_context", "delivery note (quantities, no prices)")
