"""The root command: assembles the sub-apps and turns errors into `Error: …`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from koban_cli import __version__
from koban_cli.cli import (company, contracts, customers, deliveries, demo, imports, invoices, orders, products,
                           projects, purchases, quotes, state, stock, suppliers)
from koban_cli.errors import KobanError


class KobanGroup(TyperGroup):
    """Every foreseeable failure ends as one line on stderr and exit status 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KobanError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(1) from None
        except Exception as exc:
            if type(exc).__name__ == "OperationalError":  # locked, read-only or full disk
                typer.echo(f"Error: the ledger could not be used: {getattr(exc, 'orig', exc)}", err=True)
                raise typer.Exit(1) from None
            raise


app = typer.Typer(
    cls=KobanGroup,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    help="Order-to-cash for small businesses: quotes, orders, invoices, contracts, projects, deliveries.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"koban {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[Optional[str], typer.Option("--db", help="Ledger file or SQLAlchemy URL (else $KOBAN_DB).")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version.")] = False,
) -> None:
    """koban: one ledger file for quotes, orders, invoicing, contracts, projects and stock.

    Example: koban --db shop.db order list --open
    """
    state.choose(db)


app.add_typer(company.app, name="company")
app.add_typer(customers.app, name="customer")
app.add_typer(suppliers.app, name="supplier")
app.add_typer(products.app, name="product")
app.add_typer(quotes.app, name="quote")
app.add_typer(orders.app, name="order")
app.add_typer(invoices.app, name="invoice")
app.add_typer(contracts.app, name="contract")
app.add_typer(deliveries.app, name="delivery")
app.add_typer(stock.app, name="stock")
app.add_typer(projects.app, name="project")
app.add_typer(purchases.app, name="purchase")
app.command("import")(imports.import_)
app.command("demo")(demo.demo)


def main() -> None:
    app(prog_name="koban")
