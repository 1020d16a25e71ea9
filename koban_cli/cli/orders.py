"""`koban order`: the centre of everything."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from koban_cli.cli import lines, output, state
from koban_cli.cli.output import Col
from koban_cli.cli.params import FORMAT_DEFAULT, LangOpt, DateOpt, Format, FormatOpt

app = typer.Typer(no_args_is_help=True, help="Sales orders (commandes).")
Ref = Annotated[str, typer.Argument(help="Order number, e.g. CO-2026-0001.")]
BASE_COLUMNS = [Col("number", "Order"), Col("customer", "Customer"), Col("date", "Date"), Col("status", "Status")]
AMOUNT_COLUMNS = [Col("net", "Net", numeric=True, total=True), Col("invoiced", "Invoiced", numeric=True, total=True),
                  Col("remaining", "Remaining", numeric=True, total=True)]


def _service():
    from koban_cli.services import orders

    return orders


lines.register(app, "order", "CO-2026-0001", _service)


@app.command()
def create(
    customer: Annotated[str, typer.Option(help="Customer code.")],
    customer_ref: Annotated[str, typer.Option(help="The customer's purchase order number.")] = "",
    date: DateOpt = "today",
    note: Annotated[str, typer.Option(help="Note printed on the order.")] = "",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Create a draft order directly (without a quote).

    Example: koban order create --customer ACME --customer-ref PO123
    """
    output.created(_service().create(state.ledger(), customer, date, customer_ref, note), fmt)


@app.command()
def validate(ref: Ref, fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Validate a draft order: its lines are locked and it can be invoiced.

    Example: koban order validate CO-2026-0001
    """
    output.created(_service().validate(state.ledger(), ref), fmt, f"{ref} validated")


@app.command()
def cancel(ref: Ref, fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Cancel an order on which nothing is invoiced.

    Example: koban order cancel CO-2026-0001
    """
    output.created(_service().cancel(state.ledger(), ref), fmt, f"{ref} cancelled")


@app.command()
def show(ref: Ref, fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Show an order: lines with invoiced and delivered quantities, invoiced and remaining.

    Example: koban order show CO-2026-0001 --format json
    """
    from koban_cli.cli.documents import render

    def draw(console, view):
        render(console, view, (("Invoiced", "qty_invoiced"), ("Delivered", "qty_delivered")))

    output.show_record(_service().show(state.ledger(), ref), fmt, draw)


@app.command()
def pdf(ref: Ref, output_file: Annotated[Optional[Path], typer.Option("-o", "--output", help="Default: <number>.pdf")] = None,
        lang: LangOpt = "fr") -> None:
    """Render the order to PDF.

    Example: koban order pdf CO-2026-0001 --lang en
    """
    from koban_cli.cli.pdfs import write_pdf
    from koban_cli.services.documents import order_context

    write_pdf(order_context(state.ledger(), ref), output_file, lang)


@app.command("list")
def list_(
    status: Annotated[Optional[str], typer.Option(help="draft, validated, invoiced, cancelled.")] = None,
    open_: Annotated[bool, typer.Option("--open", help="Only orders still to invoice.")] = False,
    customer: Annotated[Optional[str], typer.Option(help="Customer code.")] = None,
    amounts: Annotated[Optional[bool], typer.Option("--amounts/--no-amounts",
                                                    help="Net, invoiced, remaining (default with --open).")] = None,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """List orders; with --open, the remaining-to-invoice report with its total row.

    Example: koban order list --open
    """
    rows = _service().list_orders(state.ledger(), status, open_, customer)
    with_amounts = open_ if amounts is None else amounts
    columns = BASE_COLUMNS + (AMOUNT_COLUMNS if with_amounts or fmt != Format.table else [])
    title = "Remaining to invoice" if open_ else "Orders"
    output.show_rows(rows, columns, fmt, title)
