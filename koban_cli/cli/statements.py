"""`customer statement` (what one customer owes, as a PDF or for scripts) and `report aging` (every
customer's balance by age), registered on the customer and report sub-apps."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from koban_cli.cli import output, state
from koban_cli.cli.output import Col
from koban_cli.cli.params import FORMAT_DEFAULT, AsOfOpt, Format, FormatOpt, LangOpt

ITEM_COLUMNS = [
    Col("number", "Document"),
    Col("kind", "Kind"),
    Col("date", "Date"),
    Col("due_date", "Due"),
    Col("days_late", "Days late", numeric=True),
    Col("gross", "Gross", numeric=True),
    Col("paid", "Paid", numeric=True),
    Col("open", "Open", numeric=True, total=True),
    Col("bucket", "Age"),
]
ITEM_FIELDS = ["number", "kind", "date", "due_date", "gross", "paid", "open", "days_late", "bucket"]  # as the rows
AGING_COLUMNS = [
    Col("customer", "Customer"),
    Col("name", "Name"),
    Col("not_due", "Not due", numeric=True, total=True),
    Col("days_1_30", "1-30 days", numeric=True, total=True),
    Col("days_31_60", "31-60 days", numeric=True, total=True),
    Col("over_60", "Over 60 days", numeric=True, total=True),
    Col("balance", "Balance", numeric=True, total=True),
]


def statement(
    code: Annotated[str, typer.Argument(help="Customer code.")],
    as_of: AsOfOpt = "today",
    output_file: Annotated[
        Optional[Path], typer.Option("-o", "--output", help="PDF file (default: statement-<CODE>-<date>.pdf).")
    ] = None,
    lang: LangOpt = "fr",
    fmt: Annotated[
        Optional[Format],
        typer.Option("--format", "-f", help="table, json or csv on stdout instead of the PDF."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the PDF file if it exists.")] = False,
) -> None:
    """A customer's statement of account: open invoices and credit notes, payments, balance, ageing.

    Without --format it writes a PDF (relevé de compte) to send to the customer.

    Example: koban customer statement ACME --as-of 2026-12-31 -o releve-acme.pdf
    """
    from koban_cli.services.payments import statements

    if fmt is None:
        from koban_cli.cli.pdfs import write_pdf

        context = statements.statement_context(state.ledger(), code, as_of)
        target = output_file or Path(f"statement-{code}-{as_of.isoformat()}.pdf")
        write_pdf(context, target, lang, False, overwrite=force)  # an existing file is refused without --force
        return
    result = statements.statement(state.ledger(), code, as_of)
    if fmt == Format.json:
        output.emit_json(result)
    elif fmt == Format.csv:
        output.emit_csv(result.items, ITEM_FIELDS)
    else:
        title = f"{result.customer} {result.name} on {output.plain(result.as_of)}: balance {result.balance}"
        output.show_rows(result.items, ITEM_COLUMNS, fmt, title, empty=f"Nothing open: balance {result.balance}.")


def aging(as_of: AsOfOpt = "today", fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Aged balance of every customer: open amounts not due, 1-30, 31-60 and over 60 days past due.

    Example: koban report aging --as-of 2026-12-31 --format csv
    """
    from koban_cli.services.payments import statements

    rows = statements.aging(state.ledger(), as_of)
    output.show_rows(
        rows,
        AGING_COLUMNS,
        fmt,
        f"Aged balance on {as_of.isoformat()}",
        empty="Nothing open.",
        fields=[col.key for col in AGING_COLUMNS],
    )


def register_statement(app: typer.Typer) -> None:
    app.command("statement")(statement)


def register_aging(app: typer.Typer) -> None:
    app.command("aging")(aging)
