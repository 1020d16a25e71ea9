"""`koban report`: figures for returns, computed from the ledger."""

from __future__ import annotations

from typing import Annotated

import typer

from koban_cli.cli import output, state, statements
from koban_cli.cli.nouns import noun_app
from koban_cli.cli.output import Col
from koban_cli.cli.params import FORMAT_DEFAULT, FormatOpt
from koban_cli.domain.values import money_str, number_str

app = noun_app("report")


@app.callback()
def report() -> None:
    """Reports for returns: VAT collected per month (CA3); what customers owe, by age.

    Example: koban report vat --month 2026-11
    """


VAT_FIELDS = ("rate", "basis", "base", "vat", "ca3_line")
VAT_COLUMNS = [
    Col("rate", "VAT %", numeric=True),
    Col("basis", "Due on"),
    Col("ca3_line", "CA3 line"),
    Col("base", "Base excl. tax", numeric=True, total=True),
    Col("vat", "VAT", numeric=True, total=True),
]


@app.command()
def vat(
    month: Annotated[str, typer.Option("--month", metavar="YYYY-MM", help="The month declared.")],
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """VAT collected in a month per rate: goods on invoicing, services on payment (unless --vat-on-debits).

    Example: koban report vat --month 2026-11 --format json
    """
    from koban_cli.services import accounting

    report = accounting.vat_due(state.ledger(), month)
    rows = [
        {
            "rate": number_str(row.rate),
            "basis": row.basis,
            "base": money_str(row.base),
            "vat": money_str(row.vat),
            "ca3_line": row.ca3_line,
        }
        for row in report.rows
    ]
    basis = "debits (option)" if report.vat_on_debits else "goods on debits, services on receipts"
    output.show_rows(rows, VAT_COLUMNS, fmt, f"VAT collected {report.month}: {basis}", fields=list(VAT_FIELDS))


statements.register_aging(app)
