"""`add-line` and `remove-line`, registered the same way on quotes, orders and invoices."""

from decimal import Decimal
from typing import Annotated, Callable, Optional

import typer

from koban_cli.cli import output, state
from koban_cli.cli.params import FORMAT_DEFAULT, FormatOpt, money, percent, qty, vat
from koban_cli.domain.money import Money


def register(app: typer.Typer, noun: str, example_ref: str, service: Callable[[], object]) -> None:
    """Add `add-line` and `remove-line` to `app`; `service()` returns the module to call."""

    def add_line(
        ref: Annotated[str, typer.Argument(help=f"The {noun}'s reference.")],
        product: Annotated[Optional[str], typer.Option("--product", help="Product reference.")] = None,
        description: Annotated[Optional[str], typer.Option("--description", help="Line text.")] = None,
        price: Annotated[
            Optional[Money],
            typer.Option("--price", parser=money("--price"), metavar="AMOUNT", help="Unit price excl. tax."),
        ] = None,
        vat: Annotated[
            Optional[Decimal], typer.Option("--vat", parser=vat(), metavar="RATE", help="VAT rate in %.")
        ] = None,
        qty: Annotated[Decimal, typer.Option("--qty", parser=qty("--qty"), metavar="QTY", help="Quantity.")] = Decimal(
            1
        ),
        discount: Annotated[
            Decimal, typer.Option("--discount", parser=percent("--discount"), metavar="PERCENT", help="Discount in %.")
        ] = Decimal(0),
        comment: Annotated[Optional[str], typer.Option("--comment", help="A comment under the line.")] = None,
        text: Annotated[Optional[str], typer.Option("--text", help="A comment or section line, no amount.")] = None,
        fmt: FormatOpt = FORMAT_DEFAULT,
    ) -> None:
        from koban_cli.services.lines import LineInput

        spec = LineInput(product, description, price, vat, qty, discount, comment, text)
        result = service().add_line(state.ledger(), ref, spec)
        output.created(result, fmt, f"{ref} line {output.fields_of(result)['position']}")

    add_line.__doc__ = f"""Add a product, free or text line to a draft {noun}.

    Example: koban {noun} add-line {example_ref} --product CONSEIL --qty 3 --discount 10
    """

    def remove_line(
        ref: Annotated[str, typer.Argument(help=f"The {noun}'s reference.")],
        position: Annotated[int, typer.Argument(help="Line number (from 1).", min=1)],
    ) -> None:
        service().remove_line(state.ledger(), ref, position)
        typer.echo(f"{ref} line {position} removed")

    remove_line.__doc__ = f"""Remove line N of a draft {noun}; the next lines move up.

    Example: koban {noun} remove-line {example_ref} 2
    """
    app.command("add-line")(add_line)
    app.command("remove-line")(remove_line)
