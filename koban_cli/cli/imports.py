"""`koban import KIND FILE`: CSV files from spreadsheets, all rows or none."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from koban_cli.cli import output, state
from koban_cli.cli.params import FORMAT_DEFAULT, Format, FormatOpt
from koban_cli.errors import KobanError

KINDS = "customers, products, orders, contracts, stock or time"


def import_(
    kind: Annotated[str, typer.Argument(help=f"What the file holds: {KINDS}.")],
    file: Annotated[Optional[Path], typer.Argument(help="The CSV file.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count; write nothing.")] = False,
    update: Annotated[bool, typer.Option("--update", help="Update rows whose code or reference exists.")] = False,
    delimiter: Annotated[Optional[str], typer.Option(help="Field separator (default: detected).")] = None,
    encoding: Annotated[Optional[str], typer.Option(help="Default: UTF-8, else Windows-1252.")] = None,
    template: Annotated[bool, typer.Option("--template", help="Print the expected header line.")] = False,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Import customers, products, orders, contracts, stock counts or time from a CSV file.

    Example: koban import products examples/produits.csv --dry-run
    """
    from koban_cli.services import imports

    if template:
        typer.echo(imports.template(kind))
        return
    if file is None:
        raise KobanError(f"give the CSV file to import (or --template to see the columns of {kind})")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise KobanError(f'cannot read "{file}": {exc.strerror}') from None
    if sys.stdout.isatty() and data.count(b"\n") > 2000:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task(f"Checking {file.name}", total=None)
            result = imports.run(
                state.ledger(),
                kind,
                data,
                dry_run,
                update,
                delimiter,
                encoding,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    else:
        result = imports.run(state.ledger(), kind, data, dry_run, update, delimiter, encoding)
    if fmt == Format.json:
        output.emit_json(result)
    elif not result.errors:
        verb = "would create" if dry_run else "created"
        typer.echo(f"{kind}: {verb} {result.created}, {'would update' if dry_run else 'updated'} {result.updated}")
    for problem in result.errors:
        typer.echo(f"Error: {problem}", err=True)
    if result.errors:
        count = len(result.errors)
        typer.echo(f"Error: nothing was imported ({count} problem{'s' if count > 1 else ''})", err=True)
        raise typer.Exit(1)
