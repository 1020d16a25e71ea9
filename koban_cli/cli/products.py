"""`koban product`: goods, services and subscriptions."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Optional

import typer

from koban_cli.cli import output, state
from koban_cli.cli.nouns import noun_app
from koban_cli.cli.output import Col
from koban_cli.cli.params import FORMAT_DEFAULT, FormatOpt, money, qty, vat
from koban_cli.domain.kinds import BillingPeriod
from koban_cli.domain.money import Money

app = noun_app("product")

Kind = Annotated[Optional[str], typer.Option(help="goods, service or subscription.")]
Unit = Annotated[Optional[str], typer.Option(help="u, h, day, month, kg, m, l, year.")]
Deliverable = Annotated[Optional[bool], typer.Option("--deliverable/--no-deliverable")]
Stock = Annotated[Optional[bool], typer.Option("--stock/--no-stock", help="Track stock.")]
Period = Annotated[Optional[str], typer.Option(help=", ".join(BillingPeriod) + ".")]
Cost = Annotated[Optional[Money], typer.Option(parser=money("--cost"), metavar="AMOUNT", help="Purchase cost.")]
Alert = Annotated[Optional[Decimal], typer.Option(parser=qty("--alert-below"), metavar="QTY", help="Stock alert.")]
Account = Annotated[Optional[str], typer.Option(help="Revenue account, e.g. 707100 (default: the company's per kind).")]
COLUMNS = [
    Col("ref", "Ref"),
    Col("name", "Name"),
    Col("kind", "Kind"),
    Col("price", "Price", numeric=True),
    Col("vat_rate", "VAT %", numeric=True),
    Col("unit", "Unit"),
    Col("period", "Period"),
    Col("cost", "Cost", numeric=True),
    Col("deliverable", "Deliv."),
    Col("stock_tracked", "Stock"),
]


@app.command()
def add(
    ref: Annotated[str, typer.Argument(help="Product reference.")],
    name: Annotated[str, typer.Option(help="Name printed on documents.")],
    price: Annotated[Money, typer.Option(parser=money("--price"), metavar="AMOUNT", help="Unit price excl. tax.")],
    vat: Annotated[Decimal, typer.Option(parser=vat(), metavar="RATE", help="VAT rate in %.")],
    kind: Kind = "goods",
    unit: Unit = None,
    deliverable: Deliverable = None,
    stock: Stock = None,
    period: Period = None,
    cost: Cost = None,
    alert_below: Alert = None,
    account: Account = None,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Add a product; goods are delivered from stock, services and subscriptions are not.

    Example: koban product add HEBERG --name "Hébergement" --price 49.00 --vat 20 --kind subscription --period monthly
    """
    from koban_cli.services import products

    result = products.add_product(
        state.ledger(),
        ref,
        name,
        price,
        vat,
        kind or "goods",
        unit=unit,
        deliverable=deliverable,
        stock_tracked=stock,
        period=period,
        cost=cost,
        alert_below=alert_below,
        account=account,
    )
    output.created(result, fmt, ref)


@app.command()
def edit(
    ref: Annotated[str, typer.Argument(help="Product reference.")],
    name: Annotated[Optional[str], typer.Option()] = None,
    price: Annotated[Optional[Money], typer.Option(parser=money("--price"), metavar="AMOUNT")] = None,
    vat: Annotated[Optional[Decimal], typer.Option(parser=vat(), metavar="RATE")] = None,
    unit: Unit = None,
    deliverable: Deliverable = None,
    stock: Stock = None,
    period: Period = None,
    cost: Cost = None,
    alert_below: Alert = None,
    account: Account = None,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Change a product (documents already made keep their copied prices).

    Example: koban product edit CONSEIL --price 650.00
    """
    from koban_cli.services import products

    result = products.edit_product(
        state.ledger(),
        ref,
        name=name,
        price=price,
        vat_rate=vat,
        unit=unit,
        deliverable=deliverable,
        stock_tracked=stock,
        period=period,
        cost=cost,
        alert_below=alert_below,
        account=account,
    )
    output.show_record(result, fmt)


@app.command("list")
def list_(kind: Kind = None, fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """List products.

    Example: koban product list --kind subscription --format json
    """
    from koban_cli.services import products

    rows = list(products.list_products(state.ledger(), kind))
    output.show_rows(rows, COLUMNS, fmt, "Products", fields=list(products.VIEW_FIELDS))


@app.command()
def show(ref: Annotated[str, typer.Argument(help="Product reference.")], fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Show one product.

    Example: koban product show CONSEIL
    """
    from koban_cli.services import products

    output.show_record(products.show_product(state.ledger(), ref), fmt)
