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
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Copy the whole ledger to another database (SQLite <-> PostgreSQL), checked row for row.

    Example: koban --db koban.db db copy --to postgresql+psycopg://koban@dbserver/koban
    """
    from koban_cli.db.engine import Ledger, ledger_url
    from koban_cli.services import copying

    result = copying.copy(state.ledger(), Ledger(ledger_url(to)))
    output.created(result, fmt, f"{result['rows']} rows in {result['tables']} tables copied and verified")
