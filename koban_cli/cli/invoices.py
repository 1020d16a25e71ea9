"""`koban invoice`: deposits, intermediate and balance invoices, credit notes, payments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Optional

import typer

from koban_cli.cli import lines, output, reminders, state
from koban_cli.cli.nouns import noun_app
from koban_cli.cli.output import Col
from koban_cli.cli.params import (
    FORMAT_DEFAULT,
    Amount,
    AsOfOpt,
    DateOpt,
    Format,
    FormatOpt,
    LangOpt,
    Lines,
    Percent,
    date,
    money,
    parse_picks,
)
from koban_cli.domain.kinds import InvoiceKind
from koban_cli.domain.money import Money
from koban_cli.errors import InvalidValue

app = noun_app("invoice")
Ref = Annotated[str, typer.Argument(help="Invoice number (FA-…, AV-…) or draft reference PROV-<id>.")]
Order = Annotated[str, typer.Argument(help="Order number, e.g. CO-2026-0001.")]
COLUMNS = [
    Col("ref", "Invoice"),
    Col("kind", "Kind"),
    Col("customer", "Customer"),
    Col("order", "Order"),
    Col("date", "Date"),
    Col("due_date", "Due"),
    Col("payment_status", "Payment"),
    Col("days_late", "Days late", numeric=True),
    Col("net", "Net", numeric=True, total=True),
    Col("gross", "Gross", numeric=True, total=True),
    Col("paid", "Paid", numeric=True, total=True),
    Col("sent_at", "Sent"),
]


def _drafting():
    from koban_cli.services.invoicing import drafts as invoicing

    return invoicing


def _editing():
    from koban_cli.services.invoicing import editing  # Core only: no ORM to edit a draft's lines

    return editing


def _lifecycle():
    from koban_cli.services.invoicing import lifecycle as invoices

    return invoices


lines.register(app, "invoice", "PROV-12", _editing)
reminders.register(app)  # remind, apply


def _drafted(result, fmt) -> None:
    """A draft made (drafts.DraftMade, lifecycle.CreditNoteDrafted): its reference and totals."""
    made = output.fields_of(result)
    output.created(result, fmt, f"{made['ref']} (draft, net {made['net']}, gross {made['gross']})")


@app.command()
def deposit(
    order: Order,
    percent: Percent = None,
    amount: Amount = None,
    date: DateOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Draft a deposit invoice (acompte), split over the order's VAT rates.

    Example: koban invoice deposit CO-2026-0001 --percent 30
    """
    _drafted(_drafting().deposit(state.ledger(), order, date, percent, amount), fmt)


@app.command()
def partial(
    order: Order,
    percent: Percent = None,
    amount: Amount = None,
    line: Lines = None,
    deduct: Annotated[
        bool, typer.Option("--deduct", help="Also deduct the deposits pro rata of what this invoice bills.")
    ] = False,
    date: DateOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Draft an intermediate invoice: a share of every line, or chosen quantities.

    Deposits are deducted as far as needed to keep the order within its net (--deduct: pro rata).

    Example: koban invoice partial CO-2026-0001 --line 1=2 --line 3=1
    """
    picks = parse_picks(line)
    _drafted(_drafting().partial(state.ledger(), order, date, percent, amount, picks, deduct), fmt)


@app.command()
def balance(order: Order, date: DateOpt = "today", fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Draft the final invoice: all that remains, less the deposits not yet deducted.

    Example: koban invoice balance CO-2026-0001
    """
    _drafted(_drafting().balance(state.ledger(), order, date), fmt)


@app.command()
def create(
    customer: Annotated[Optional[str], typer.Option(help="Customer code.")] = None,
    project: Annotated[
        Optional[str], typer.Option(help="Project without an order (AF-…) the invoice counts for.")
    ] = None,
    date: DateOpt = "today",
    note: Annotated[str, typer.Option(help="Note printed on the invoice.")] = "",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Draft a standalone invoice (not linked to an order); add lines with add-line.

    Example: koban invoice create --customer ACME
    """
    _drafted(_drafting().create(state.ledger(), customer, date, note, project), fmt)


@app.command()
def validate(ref: Ref, date: DateOpt = "today", fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Validate a draft: definitive gapless number, frozen totals, due date.

    Example: koban invoice validate PROV-3 --date 2026-11-27
    """
    output.created(_lifecycle().validate(state.ledger(), ref, date), fmt)


@app.command()
def delete(ref: Ref) -> None:
    """Delete a draft invoice (a validated one is corrected by a credit note).

    Example: koban invoice delete PROV-3
    """
    _lifecycle().delete(state.ledger(), ref)
    typer.echo(f"{ref} deleted")


@app.command()
def credit(
    ref: Ref,
    amount: Amount = None,
    line: Lines = None,
    reason: Annotated[str, typer.Option(help="Why the invoice is corrected.")] = "",
    date: DateOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Draft a credit note (avoir) for a validated invoice: all of it, an amount, or lines.

    Example: koban invoice credit FA-2026-0002 --amount 150.00 --reason "Remise commerciale"
    """
    _drafted(_lifecycle().credit(state.ledger(), ref, date, amount, parse_picks(line), reason), fmt)


@app.command()
def pay(
    ref: Ref,
    amount: Annotated[
        Money, typer.Option(parser=money("--amount", allow_zero=False), metavar="AMOUNT", help="Amount received.")
    ],
    date: DateOpt = "today",
    method: Annotated[str, typer.Option(help="e.g. transfer, card, cheque.")] = "",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Record a payment received on a validated invoice.

    Example: koban invoice pay FA-2026-0001 --amount 1200.00 --method transfer
    """
    from koban_cli.services.payments import paying  # Core only: no ORM to import to record a payment

    result = paying.pay(state.ledger(), ref, amount, date, method)
    output.created(result, fmt, f"{ref}: paid {result.paid} ({result.payment_status})")


@app.command()
def show(ref: Ref, as_of: AsOfOpt = "today", fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Show an invoice or credit note with its lines, VAT and payments.

    Example: koban invoice show FA-2026-0001 --format json
    """
    from koban_cli.cli.documents import render
    from koban_cli.services.invoicing import view as invoice_view  # Core only: no ORM to import to read one invoice

    output.show_record(invoice_view.show(state.ledger(), ref, as_of), fmt, render)


@app.command()
def pdf(
    ref: Annotated[Optional[str], typer.Argument(help="Invoice number or PROV-<id>; omit with --all.")] = None,
    output_file: Annotated[Optional[Path], typer.Option("-o", "--output", help="Default: <number>.pdf")] = None,
    lang: LangOpt = "fr",
    facturx: Annotated[bool, typer.Option("--facturx/--no-facturx", help="Embed the EN 16931 XML.")] = True,
    all_: Annotated[bool, typer.Option("--all", help="Every validated invoice and credit note.")] = False,
    date_from: Annotated[Optional[dt.date], typer.Option("--from", parser=date("--from"), metavar="DATE")] = None,
    date_to: Annotated[Optional[dt.date], typer.Option("--to", parser=date("--to"), metavar="DATE")] = None,
    outdir: Annotated[Path, typer.Option("--outdir", help="Folder for --all.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists.")] = False,
) -> None:
    """Render an invoice or credit note to PDF; validated ones are Factur-X (PDF/A-3b + XML).

    With --all, every validated invoice and credit note of the period, in parallel over the CPU cores.

    Example: koban invoice pdf FA-2026-0001 -o facture.pdf
    """
    from koban_cli.cli import pdfs
    from koban_cli.services import documents

    if all_ == (ref is not None):
        raise InvalidValue("give an invoice reference, or --all (with --from/--to) to render many")
    if ref:
        pdfs.write_pdf(documents.invoice_context(state.ledger(), ref), output_file, lang, facturx, overwrite=force)
    else:
        contexts = documents.invoice_contexts(state.ledger(), date_from, date_to)
        count = pdfs.write_many(contexts, outdir, lang, facturx)
        typer.echo(f"{count} PDF files written to {outdir}")


@app.command()
def send(
    ref: Annotated[Optional[str], typer.Argument(help="Invoice number; omit with --unsent.")] = None,
    unsent: Annotated[bool, typer.Option("--unsent", help="Every validated invoice not sent yet.")] = False,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Email a validated invoice with its PDF to the customer (SMTP from config or KOBAN_SMTP_*).

    Example: koban invoice send --unsent
    """
    from koban_cli.cli.sending import send_invoices
    from koban_cli.services.sending import unsent as unsent_refs

    if unsent == (ref is not None):
        raise InvalidValue("give an invoice number, or --unsent to retry every invoice not sent yet")
    if not send_invoices([ref] if ref else unsent_refs(state.ledger()), fmt):
        raise typer.Exit(1)


@app.command("from-plan")
def from_plan(order: Order, as_of: AsOfOpt = "today", fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Draft the invoices of the order's planned entries that are due.

    Example: koban invoice from-plan CO-2026-0001 --as-of 2027-01-31
    """
    from koban_cli.services.orders import schedule as order_schedule

    made = order_schedule.from_plan(state.ledger(), order, as_of)
    if fmt == Format.table:
        for result in made:
            _drafted(result, fmt)
    else:
        output.show_rows(made, [], fmt)


@app.command()
def forecast(
    date_from: Annotated[Optional[dt.date], typer.Option("--from", parser=date("--from"), metavar="DATE")] = None,
    date_to: Annotated[Optional[dt.date], typer.Option("--to", parser=date("--to"), metavar="DATE")] = None,
    by: Annotated[str, typer.Option(help="month or week.")] = "month",
    as_of: AsOfOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Billing forecast: planned order invoices and contract invoices per period, and late entries.

    Example: koban invoice forecast --from 2027-01-01 --to 2027-06-30 --by month
    """
    from koban_cli.cli import forecast as view
    from koban_cli.services.orders import planning

    figures = planning.figures(state.ledger(), as_of, date_from, date_to, by)
    if fmt == Format.json:
        output.emit_json(view.as_json(figures))
    elif fmt == Format.csv:
        output.emit_csv(view.periods(figures))
    else:
        view.render(output.console(), figures)


@app.command("list")
def list_(
    order: Annotated[Optional[str], typer.Option(help="Order number.")] = None,
    customer: Annotated[Optional[str], typer.Option(help="Customer code.")] = None,
    status: Annotated[Optional[str], typer.Option(help="draft or validated.")] = None,
    kind: Annotated[Optional[str], typer.Option(help="standard, deposit, intermediate, balance, credit_note…")] = None,
    date_from: Annotated[Optional[dt.date], typer.Option("--from", parser=date("--from"), metavar="DATE")] = None,
    date_to: Annotated[Optional[dt.date], typer.Option("--to", parser=date("--to"), metavar="DATE")] = None,
    unpaid: Annotated[bool, typer.Option("--unpaid", help="Only validated invoices not fully paid.")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only unpaid invoices past their due date.")] = False,
    as_of: AsOfOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """List invoices and credit notes with due dates and days late.

    Example: koban invoice list --overdue --as-of 2026-12-31
    """
    from koban_cli.services.invoicing import listing as invoice_list

    rows = invoice_list.invoice_rows(
        state.ledger(), as_of, order, customer, status, kind, date_from, date_to, unpaid, overdue
    )
    output.show_rows(invoice_dicts(rows), COLUMNS, fmt, "Invoices", negative=is_credit_note)


def invoice_dicts(rows) -> list[dict]:
    """`invoice list` rows (listing.InvoiceRow, money in cents) as JSON gives them: one pass, no Money per cell."""
    from koban_cli.domain.values import cents_str

    return [
        {
            "ref": ref,
            "number": number,
            "kind": kind,
            "status": status,
            "payment_status": paid_status,
            "customer": customer,
            "order": order,
            "date": day.isoformat(),
            "due_date": due.isoformat() if due else None,
            "net": cents_str(net),
            "gross": cents_str(gross),
            "paid": cents_str(paid),
            "days_late": late,
            "sent_at": output.plain(sent_at) if sent_at else None,
        }
        for ref, number, kind, status, paid_status, customer, order, day, due, net, gross, paid, late, sent_at in rows
    ]


def is_credit_note(row: dict) -> bool:
    """Credit notes show positive amounts but count negative in totals."""
    return row["kind"] == InvoiceKind.CREDIT_NOTE
