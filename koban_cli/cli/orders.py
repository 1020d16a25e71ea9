"""`koban order`: the centre of everything."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Optional

import typer

from koban_cli.cli import lines, output, pdfs, state
from koban_cli.cli.nouns import noun_app
from koban_cli.cli.output import Col
from koban_cli.cli.params import FORMAT_DEFAULT, Amount, AsOfOpt, DateOpt, Format, FormatOpt, date, percent
from koban_cli.domain.values import cents_str
from koban_cli.errors import InvalidValue

app = noun_app("order")
Ref = Annotated[str, typer.Argument(help="Order number, e.g. CO-2026-0001.")]
BASE_COLUMNS = [Col("number", "Order"), Col("customer", "Customer"), Col("date", "Date"), Col("status", "Status")]
AMOUNT_COLUMNS = [
    Col("net", "Net", numeric=True, total=True),
    Col("invoiced", "Invoiced", numeric=True, total=True),
    Col("remaining", "Remaining", numeric=True, total=True),
]


def _service():
    from koban_cli.services.orders import manage as orders

    return orders


lines.register(app, "order", "CO-2026-0001", _service)


@app.command()
def create(
    customer: Annotated[str, typer.Option(help="Customer code.")],
    customer_ref: Annotated[str, typer.Option(help="The customer's purchase order number.")] = "",
    date: DateOpt = "today",
    note: Annotated[str, typer.Option(help="Note printed on the order.")] = "",
    delivery_address: Annotated[str, typer.Option(help="Deliver elsewhere than the customer's address.")] = "",
    delivery_postcode: Annotated[str, typer.Option(help="Postcode of the delivery address.")] = "",
    delivery_city: Annotated[str, typer.Option(help="City of the delivery address.")] = "",
    delivery_country: Annotated[str, typer.Option(help="Country of the delivery address (code or name).")] = "",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Create a draft order directly (without a quote).

    Example: koban order create --customer ACME --customer-ref PO123
    """
    delivery = {k: v for k, v in locals().items() if k.startswith("delivery_")}
    output.created(_service().create(state.ledger(), customer, date, customer_ref, note, delivery), fmt)


@app.command()
def validate(ref: Ref, fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Validate a draft order: its lines are locked and it can be invoiced.

    Example: koban order validate CO-2026-0001
    """
    output.created(_service().validate(state.ledger(), ref), fmt, f"{ref} validated")


@app.command()
def cancel(ref: Ref, fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Cancel an order on which nothing is invoiced.

    Example: koban order cancel CO-2026-0001
    """
    output.created(_service().cancel(state.ledger(), ref), fmt, f"{ref} cancelled")


@app.command()
def show(ref: Ref, fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Show an order: lines with invoiced and delivered quantities, invoiced and remaining.

    Example: koban order show CO-2026-0001 --format json
    """
    from koban_cli.cli.documents import render
    from koban_cli.services.orders import view as order_view  # Core only: no ORM to import to read one order

    def draw(console, view):
        render(console, view, (("Invoiced", "qty_invoiced"), ("Delivered", "qty_delivered")))

    output.show_record(order_view.show(state.ledger(), ref), fmt, draw)


@app.command()
def schedule(
    ref: Ref,
    date_: Annotated[
        Optional[dt.date],
        typer.Option(
            "--date", parser=date("--date"), metavar="DATE", help="Planned invoice date (may be past: then late)."
        ),
    ] = None,
    pct: Annotated[
        Optional[Decimal], typer.Option("--percent", parser=percent("--percent", allow_zero=False), metavar="PERCENT")
    ] = None,
    amount: Amount = None,
    label: Annotated[str, typer.Option(help="What the invoice is for.")] = "",
    kind: Annotated[str, typer.Option(help="deposit, intermediate or balance.")] = "intermediate",
    list_: Annotated[bool, typer.Option("--list", help="Show the plan against what was invoiced.")] = False,
    remove: Annotated[Optional[int], typer.Option(help="Remove planned entry N.", min=1)] = None,
    move: Annotated[Optional[int], typer.Option(help="Move planned entry N to --date.", min=1)] = None,
    as_of: AsOfOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Plan an invoice of the order (billing forecast), or list, move or remove planned entries.

    Example: koban order schedule CO-2026-0001 --date 2027-01-15 --percent 40 --label "Livraison phase 1"
    """
    ledger = state.ledger()
    if list_:
        from koban_cli.services.orders import planning  # a read: no ORM

        output.show_rows(
            planning.plan(ledger, ref, as_of), PLAN_COLUMNS, fmt, f"Billing plan of {ref}", empty="Nothing planned."
        )
        return
    from koban_cli.services.orders import schedule as order_schedule

    if remove is not None:
        order_schedule.remove(ledger, ref, remove)
        typer.echo(f"{ref} planned entry {remove} removed")
    elif move is not None:
        if date_ is None:
            raise InvalidValue("--move needs the new --date")
        order_schedule.move(ledger, ref, move, date_)
        typer.echo(f"{ref} planned entry {move} moved to {date_}")
    else:
        if date_ is None:
            raise InvalidValue("a planned invoice needs --date (or use --list)")
        result = order_schedule.schedule(ledger, ref, date_, pct, amount, label, kind)
        output.created(
            result, fmt, f"{ref} entry {result.position}: {output.plain(result.amount)} on {output.plain(result.date)}"
        )


PLAN_COLUMNS = [
    Col("position", "#", numeric=True),
    Col("date", "Date"),
    Col("kind", "Kind"),
    Col("label", "Label"),
    Col("amount", "Planned", numeric=True, total=True),
    Col("invoice", "Invoice"),
    Col("invoiced", "Invoiced", numeric=True, total=True),
    Col("late", "Late"),
]


@app.command("list")
def list_(
    status: Annotated[Optional[str], typer.Option(help="draft, validated, invoiced, cancelled.")] = None,
    open_: Annotated[bool, typer.Option("--open", help="Only orders still to invoice.")] = False,
    customer: Annotated[Optional[str], typer.Option(help="Customer code.")] = None,
    amounts: Annotated[
        Optional[bool], typer.Option("--amounts/--no-amounts", help="Net, invoiced, remaining (default with --open).")
    ] = None,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """List orders; with --open, the remaining-to-invoice report with its total row.

    Example: koban order list --open
    """
    from koban_cli.services.orders.listing import order_rows  # Core only: no ORM to import for a report

    rows = as_dicts(order_rows(state.ledger(), status, open_, customer))
    with_amounts = open_ if amounts is None else amounts
    columns = BASE_COLUMNS + (AMOUNT_COLUMNS if with_amounts or fmt != Format.table else [])
    title = "Remaining to invoice" if open_ else "Orders"
    output.show_rows(rows, columns, fmt, title)


class _MoneyTexts(dict):
    """cents_str of each amount, made once: most orders repeat one (nothing invoiced yet, remaining = net)."""

    def __missing__(self, cents: int) -> str:
        text = self[cents] = cents_str(cents)
        return text


def as_dicts(rows) -> list[dict]:
    """`order list` rows (services/orders/listing.OrderRow) as printed: integer cents become money text here,
    in one pass over the rows (a Money per cell would cost a quarter of a second on 50,000 orders), each
    amount's text made once (a third of the pass on the benchmark ledger)."""
    text = _MoneyTexts()
    return [
        {
            "number": number,
            "customer": customer,
            "status": status,
            "date": date,
            "net": text[net],
            "invoiced": text[invoiced],
            "remaining": text[remaining],
        }
        for number, customer, status, date, net, invoiced, remaining in rows
    ]


pdfs.register(app, "order", "CO-2026-0001", "order_context", "order")
