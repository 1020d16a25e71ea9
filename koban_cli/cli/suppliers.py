"""`koban supplier`: who the business buys from."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from koban_cli.cli import output, state
from koban_cli.cli.nouns import noun_app
from koban_cli.cli.output import Col
from koban_cli.cli.params import FORMAT_DEFAULT, FormatOpt

app = noun_app("supplier")


@app.command()
def add(
    code: Annotated[str, typer.Argument(help="Supplier code.")],
    name: Annotated[str, typer.Option(help="Legal name.")],
    email: Annotated[Optional[str], typer.Option()] = None,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Add a supplier.

    Example: koban supplier add BOIS --name "Scierie du Jura" --email ventes@scierie.example
    """
    from koban_cli.services import parties

    output.created(parties.add_supplier(state.ledger(), code, name, email), fmt, code)


@app.command("list")
def list_(fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """List suppliers.

    Example: koban supplier list
    """
    from koban_cli.services import parties

    columns = [Col("code", "Code"), Col("name", "Name"), Col("email", "Email")]
    output.show_rows(parties.list_suppliers(state.ledger()), columns, fmt, "Suppliers")
