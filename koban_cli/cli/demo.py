"""`koban demo`: a sample ledger and the whole cycle, printed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Optional

import typer

from koban_cli.cli import output, state
from koban_cli.cli.params import Format
from koban_cli.errors import KobanError


def demo(
    db: Annotated[Optional[str], typer.Option("--db", help="Ledger to fill (must be empty).")] = None,
    outdir: Annotated[Path, typer.Option("--outdir", help="Folder for the demo ledger and documents.")] = Path(
        "koban-demo"
    ),
) -> None:
    """Build a sample ledger and walk quote -> order -> deposit -> intermediate -> balance -> credit note.

    Without --db the ledger is OUTDIR/koban-demo.db, made anew at each run.

    Example: koban demo --outdir /tmp/koban-demo
    """
    from dateutil.relativedelta import relativedelta

    from koban_cli.cli import contracts, invoices, orders, stock
    from koban_cli.cli.forecast import render as render_forecast
    from koban_cli.cli.projects_panel import render as render_project
    from koban_cli.db.engine import Ledger, ledger_url
    from koban_cli.services import demo as story
    from koban_cli.services.contracts import listing as contract_list
    from koban_cli.services.invoicing import listing as invoice_list
    from koban_cli.services.operations import project_figures
    from koban_cli.services.operations import stock as stock_service
    from koban_cli.services.orders import planning
    from koban_cli.services.orders.listing import order_rows

    outdir.mkdir(parents=True, exist_ok=True)
    target = db or state.explicit_db()
    if target is None:
        target = str(outdir / "koban-demo.db")
        for suffix in ("", "-wal", "-shm"):
            Path(target + suffix).unlink(missing_ok=True)
    ledger = Ledger(ledger_url(target))
    if order_rows(ledger):
        raise KobanError(f'ledger "{target}" already has orders; the demo needs an empty one (give another --db)')
    today = dt.date.today()
    made = story.build(ledger, today)
    console = output.console()
    console.print(f"[bold]Demo ledger:[/] {target}")
    console.print(
        f"Quote {made.quote} accepted as order {made.orders[0]}; contract {made.contracts[0]} "
        f"billed three months by bill-due; delivery {made.deliveries[0]}; invoices {', '.join(made.invoices)}; "
        f"credit note {', '.join(made.credit_notes)}."
    )
    output.show_rows(
        orders.as_dicts(order_rows(ledger)),
        orders.BASE_COLUMNS + orders.AMOUNT_COLUMNS,
        Format.table,
        "Remaining to invoice",
    )
    output.show_rows(
        invoices.invoice_dicts(invoice_list.invoice_rows(ledger, today)),
        invoices.COLUMNS,
        Format.table,
        "Invoices",
        negative=invoices.is_credit_note,
    )
    output.show_rows(contract_list.contract_rows(ledger, today), contracts.COLUMNS, Format.table, "Contracts")
    output.show_rows(stock_service.levels(ledger), stock.LEVELS, Format.table, "Stock")
    render_project(console, project_figures.show(ledger, made.projects[0], today))
    render_forecast(console, planning.figures(ledger, today, today.replace(day=1) - relativedelta(months=1)))
    from koban_cli.cli.pdfs import write_pdf

    for context in story.documents(ledger, made):
        write_pdf(context, outdir / f"{context['doc'].number}.pdf", "fr", echo=False)
    console.print(f"PDF documents written to {outdir}/ (invoices and credit notes are Factur-X).")
    console.print(f"Try: koban --db {target} order show {made.orders[0]}")
