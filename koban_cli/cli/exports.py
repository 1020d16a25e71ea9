"""`koban export`: the books for the accountant (FEC) and for accounting software (journal)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Optional

import typer

from koban_cli.cli import output, state
from koban_cli.cli.nouns import noun_app
from koban_cli.cli.output import Col
from koban_cli.cli.params import FORMAT_DEFAULT, FormatOpt, date
from koban_cli.domain.values import date_str, money_str

app = noun_app("export")

JOURNAL_FIELDS = (
    "journal", "entry", "date", "account", "account_label", "auxiliary", "auxiliary_label", "piece", "label",
    "debit", "credit", "lettering", "lettering_date",
)  # fmt: skip
COLUMNS = [
    Col("entry", "Entry"),
    Col("date", "Date"),
    Col("account", "Account"),
    Col("auxiliary", "Aux."),
    Col("label", "Label"),
    Col("debit", "Debit", numeric=True, total=True),
    Col("credit", "Credit", numeric=True, total=True),
    Col("lettering", "Let."),
]


@app.command()
def fec(
    year: Annotated[int, typer.Option("--year", help="The year the fiscal year closes in.")],
    output_file: Annotated[
        Optional[Path], typer.Option("-o", "--output", help="File or folder (default: <SIREN>FEC<closing>.txt here).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists.")] = False,
) -> None:
    """Write the FEC (fichier des écritures comptables, art. A47 A-1 LPF) of a fiscal year.

    Example: koban export fec --year 2026 -o /tmp/
    """
    from koban_cli import files
    from koban_cli.services import accounting

    result = accounting.fec(state.ledger(), year)
    target = output_file or Path(result.name)
    if target.is_dir():
        target = target / result.name
    files.write(target, result.data, force=force)
    typer.echo(
        f"{target}: {result.entries} entries, {result.lines} lines from {result.start} to {result.end}, "
        f"debit {result.debit:.2f} = credit {result.credit:.2f}"
    )


@app.command("journal")
def journal_(
    start: Annotated[dt.date, typer.Option("--from", parser=date("--from"), metavar="DATE", help="First day.")],
    end: Annotated[dt.date, typer.Option("--to", parser=date("--to"), metavar="DATE", help="Last day.")],
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """The sales (VE) and bank (BQ) journal entries of a period, one row per entry line.

    Example: koban export journal --from 2026-01-01 --to 2026-12-31 --format csv > journal.csv
    """
    from koban_cli.services import accounting

    rows = [
        {
            "journal": entry.journal,
            "entry": entry.number,
            "date": date_str(entry.date),
            "account": line.account,
            "account_label": line.label,
            "auxiliary": line.auxiliary or None,
            "auxiliary_label": line.auxiliary_label or None,
            "piece": entry.piece,
            "label": entry.label,
            "debit": money_str(line.debit),
            "credit": money_str(line.credit),
            "lettering": line.letter or None,
            "lettering_date": date_str(line.letter_date),
        }
        for entry in accounting.entries(state.ledger(), start, end)
        for line in entry.lines
    ]
    output.show_rows(rows, COLUMNS, fmt, "Journal entries", fields=list(JOURNAL_FIELDS))
