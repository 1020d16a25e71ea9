"""`koban db copy`: move the ledger to another database."""

from __future__ import annotations

from typing import Annotated

import typer

from koban_cli.cli import output, state
from koban_cli.cli.nouns import noun_app
from koban_cli.cli.params import FORMAT_DEFAULT, FormatOpt

app = noun_app("db")


@app.callback()
def db() -> None:
    """Move the ledger to another database (SQLite, PostgreSQL)."""


@app.command()
def copy(
    to: Annotated[str, typer.Option("--to", metavar="PATH|URL", help="An empty ledger to copy into.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace every row of the koban tables of a target that is not empty.")
    ] = False,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Copy the whole ledger to another database (SQLite <-> PostgreSQL), checked row for row.

    The source is checked (counts, totals, verify) before anything is written, and the target is written
    in one transaction: a copy that fails leaves the target as it was.

    Example: koban --db koban.db db copy --to postgresql+psycopg://koban@dbserver/koban
    """
    from koban_cli.db.engine import Ledger, ledger_url
    from koban_cli.services.ledger import copying

    target = Ledger(ledger_url(to))
    try:
        result = copying.copy(state.ledger(), target, force=force)
    finally:
        target.close()
    replaced = " (the target's previous rows replaced)" if result.replaced else ""
    output.created(result, fmt, f"{result.rows} rows in {result.tables} tables copied and verified{replaced}")
