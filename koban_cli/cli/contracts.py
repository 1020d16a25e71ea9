"""`koban contract`: subscriptions billed period by period, by cron."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from typing import Annotated, Optional

import typer

from koban_cli.cli import output, pdfs, state
from koban_cli.cli.nouns import noun_app
from koban_cli.cli.output import Col
from koban_cli.cli.params import FORMAT_DEFAULT, AsOfOpt, Format, FormatOpt, date, money, percent, qty, vat
from koban_cli.domain.kinds import BillingPeriod, Status
from koban_cli.domain.money import Money
from koban_cli.domain.values import parse_decimal
from koban_cli.errors import InvalidValue

app = noun_app("contract")
Ref = Annotated[str, typer.Argument(help="Contract number, e.g. AB-2026-0001.")]
COLUMNS = [
    Col("number", "Contract"),
    Col("customer", "Customer"),
    Col("status", "Status"),
    Col("start", "Start"),
    Col("end", "End"),
    Col("every", "Every"),
    Col("mode", "Mode"),
    Col("next_due", "Next due"),
]
BILL_COLUMNS = [
    Col("contract", "Contract"),
    Col("period_start", "From"),
    Col("period_end", "To"),
    Col("invoice", "Invoice"),
    Col("status", "Status"),
    Col("net", "Net", numeric=True, total=True),
]


def _change(value: object) -> Decimal:
    """A price change in %: from -99.99 to 100, two decimals, never 0."""
    if not isinstance(value, str):
        return value
    change = parse_decimal(value, "--percent")
    if change != change.quantize(Decimal("0.01")) or not Decimal("-99.99") <= change <= 100 or change == 0:
        raise InvalidValue(f'--percent "{value}" must be a change from -99.99 to 100 (two decimals), not 0')
    return change


def _service():
    from koban_cli.services.contracts import manage as contracts

    return contracts


@app.command()
def create(
    from_order: Annotated[
        Optional[str], typer.Option("--from-order", help="Order whose subscription lines to take.")
    ] = None,
    customer: Annotated[Optional[str], typer.Option(help="Customer code (then add lines with add-line).")] = None,
    start: Annotated[dt.date, typer.Option(parser=date("--start"), metavar="DATE", help="First day.")] = "today",
    months: Annotated[Optional[int], typer.Option(help="Engagement length (default 12).")] = None,
    end: Annotated[
        Optional[dt.date], typer.Option(parser=date("--end"), metavar="DATE", help="Last day of the engagement.")
    ] = None,
    every: Annotated[Optional[str], typer.Option(help=", ".join(BillingPeriod) + ".")] = None,
    in_advance: Annotated[bool, typer.Option("--in-advance/--in-arrears")] = True,
    renew: Annotated[bool, typer.Option("--renew/--no-renew", help="Tacit renewal.")] = True,
    renew_months: Annotated[Optional[int], typer.Option(help="Renewal length (default: the engagement's).")] = None,
    notice_days: Annotated[int, typer.Option(help="Notice before the end.")] = 30,
    auto: Annotated[bool, typer.Option("--auto/--manual", help="Validate bill-due invoices automatically.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Make a second contract from an order that already has an active one.")
    ] = False,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Create a contract from an order's subscription lines, or for a customer.

    Example: koban contract create --from-order CO-2026-0001 --start 2026-12-01 --every quarterly --auto
    """
    result = _service().create(
        state.ledger(),
        start,
        from_order,
        customer,
        months,
        end,
        every,
        in_advance,
        renew,
        renew_months,
        notice_days,
        auto,
        force,
    )
    output.created(result, fmt)


@app.command("add-line")
def add_line(
    ref: Ref,
    product: Annotated[Optional[str], typer.Option(help="Product reference.")] = None,
    description: Annotated[Optional[str], typer.Option(help="Line text.")] = None,
    price: Annotated[
        Optional[Money], typer.Option(parser=money("--price"), metavar="AMOUNT", help="Price per billing period.")
    ] = None,
    vat: Annotated[Optional[Decimal], typer.Option(parser=vat(), metavar="RATE")] = None,
    qty: Annotated[Decimal, typer.Option(parser=qty("--qty"), metavar="QTY")] = Decimal(1),
    discount: Annotated[Decimal, typer.Option(parser=percent("--discount"), metavar="PERCENT")] = Decimal(0),
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Add a subscription line to a contract (a product's price is per its own period, --price per billing period).

    Example: koban contract add-line AB-2026-0001 --product HEBERG --qty 2
    """
    from koban_cli.services.lines import LineInput

    result = _service().add_line(state.ledger(), ref, LineInput(product, description, price, vat, qty, discount))
    output.created(result, fmt, f"{ref} line {result.position}")


@app.command("set-line")
def set_line(
    ref: Ref,
    position: Annotated[int, typer.Argument(help="Line number, from 1.")],
    qty: Annotated[Optional[Decimal], typer.Option(parser=qty("--qty"), metavar="QTY")] = None,
    price: Annotated[
        Optional[Money], typer.Option(parser=money("--price"), metavar="AMOUNT", help="Price per billing period.")
    ] = None,
    discount: Annotated[Optional[Decimal], typer.Option(parser=percent("--discount"), metavar="PERCENT")] = None,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Change a contract line for the periods not billed yet.

    Example: koban contract set-line AB-2026-0001 1 --qty 3 --price 45.00
    """
    result = _service().set_line(state.ledger(), ref, position, qty, price, discount)
    output.created(result, fmt, f"{ref} line {position} changed")


@app.command("remove-line")
def remove_line(
    ref: Ref, position: Annotated[int, typer.Argument(help="Line number, from 1.")], fmt: FormatOpt = FORMAT_DEFAULT
) -> None:
    """Remove a contract line from the periods not billed yet; the next lines move up.

    Example: koban contract remove-line AB-2026-0001 2
    """
    output.created(_service().remove_line(state.ledger(), ref, position), fmt, f"{ref} line {position} removed")


@app.command()
def cancel(ref: Ref, fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Cancel a contract made by mistake (no period billed yet); it never bills.

    Example: koban contract cancel AB-2026-0001
    """
    output.created(_service().cancel(state.ledger(), ref), fmt, f"{ref} cancelled")


@app.command("bill-due")
def bill_due(
    as_of: AsOfOpt = "today",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be billed; write nothing.")] = False,
    send: Annotated[
        bool, typer.Option("--send", help="Email the validated invoices (when email is configured).")
    ] = False,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Bill every period due on or before the as-of date, once, oldest first (the cron job).

    Example: koban contract bill-due --as-of 2026-12-01 --format json
    """
    from koban_cli.services.contracts import bill_due as job

    ledger = state.ledger()
    if sys.stdout.isatty() and fmt == Format.table:
        from rich.progress import Progress

        due = len(job.due_contracts(ledger, as_of))
        with Progress(transient=True) as progress:
            task = progress.add_task("Billing contracts", total=due)
            run = job.bill_due(ledger, as_of, dry_run, on_contract=lambda: progress.advance(task))
    else:
        run = job.bill_due(ledger, as_of, dry_run)
    title = "Would bill (dry run)" if dry_run else "Billed"
    output.show_rows(list(run.periods), BILL_COLUMNS, fmt, title, empty="Nothing due.")
    for number, message in run.failed:
        typer.echo(f"Error: {number}: {message}", err=True)
    sent = True
    if send and not dry_run:
        from koban_cli.cli.sending import send_invoices

        validated = [row.invoice for row in run.periods if row.status == Status.VALIDATED]
        # With --format json|csv, stdout holds the bill-due rows only; send errors still go to stderr.
        sent = send_invoices(validated, fmt if fmt == Format.table else None, required=False)
    if run.failed or not sent:
        raise typer.Exit(1)


@app.command("list")
def list_(
    status: Annotated[Optional[str], typer.Option(help="active, terminated, ended, cancelled.")] = None,
    as_of: AsOfOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """List contracts with their next due date.

    Example: koban contract list --status active
    """
    from koban_cli.services.contracts.listing import contract_rows

    output.show_rows(contract_rows(state.ledger(), as_of, status), COLUMNS, fmt, "Contracts")


@app.command()
def show(ref: Ref, as_of: AsOfOpt = "today", fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Show a contract: lines per period, periods billed, next due.

    Example: koban contract show AB-2026-0001
    """
    from koban_cli.cli.documents import render
    from koban_cli.services.contracts import view as contract_view  # Core only: no ORM to import to read one contract

    def draw(console, view):
        render(console, view)
        output.show_rows(
            view.periods,
            [Col("start", "From"), Col("end", "To"), Col("invoice", "Invoice")],
            Format.table,
            "Periods billed",
            empty="No period billed yet.",
        )

    output.show_record(contract_view.show(state.ledger(), ref, as_of), fmt, draw)


@app.command()
def renewals(
    within: Annotated[int, typer.Option(help="Days ahead.")] = 60,
    as_of: AsOfOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Engagement ends coming up, with the notice deadline (flagged when passed).

    Example: koban contract renewals --within 90
    """
    columns = [
        Col("contract", "Contract"),
        Col("customer", "Customer"),
        Col("end", "Ends"),
        Col("notice_deadline", "Notice by"),
        Col("notice_passed", "Notice passed"),
        Col("renews", "Renews"),
    ]
    from koban_cli.services.contracts import listing as contract_list

    output.show_rows(
        contract_list.renewals(state.ledger(), as_of, within),
        columns,
        fmt,
        "Renewals",
        empty="No engagement ends in that window.",
    )


@app.command()
def terminate(
    ref: Ref,
    on: Annotated[
        Optional[dt.date], typer.Option("--on", parser=date("--on"), metavar="DATE", help="Last day covered.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Ignore the notice period.")] = False,
    undo: Annotated[bool, typer.Option("--undo", help="Revert a termination whose date has not passed.")] = False,
    as_of: AsOfOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Terminate a contract; no period after its last day is billed, days billed beyond it are credited.

    Example: koban contract terminate AB-2026-0001 --on 2027-06-30
    """
    if undo == (on is not None):
        raise InvalidValue("give --on DATE, or --undo")
    if undo:
        output.created(_service().undo_termination(state.ledger(), ref, as_of), fmt, f"{ref} goes on")
        return
    result = _service().terminate(state.ledger(), ref, on, as_of, force)
    credited = f"; credit note {result.credit_note} drafted for the days billed after it" if result.credit_note else ""
    output.created(result, fmt, f"{ref} terminated on {output.plain(result.end)}{credited}")


@app.command()
def reprice(
    ref: Ref,
    pct: Annotated[
        Decimal,
        typer.Option("--percent", parser=_change, metavar="PERCENT", help="Change in % (e.g. 3.5, or -5 to lower)."),
    ],
    from_date: Annotated[
        dt.date, typer.Option("--from", parser=date("--from"), metavar="DATE", help="First period start repriced.")
    ] = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Index the prices of the periods starting on or after a date (annual indexation).

    Example: koban contract reprice AB-2026-0001 --percent 3.5 --from 2027-01-01
    """
    result = _service().reprice(state.ledger(), ref, pct, from_date)
    record = {"ref": result.ref, "number": result.number, "percent": result.percent, "from": result.from_date}
    output.created(record, fmt, f"{ref} repriced")


pdfs.register(app, "contract", "AB-2026-0001", "contract_context", "contract")
