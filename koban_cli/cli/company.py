"""`koban company`: the seller printed on every document."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Optional

import typer

from koban_cli.cli import output, state
from koban_cli.cli.nouns import noun_app
from koban_cli.cli.params import FORMAT_DEFAULT, FormatOpt, percent
from koban_cli.errors import InvalidValue

app = noun_app("company")

Text = Annotated[Optional[str], typer.Option()]


@app.command("set")
def set_(
    name: Text = None,
    address: Text = None,
    postcode: Text = None,
    city: Text = None,
    country: Text = None,
    siren: Text = None,
    vat_number: Text = None,
    iban: Text = None,
    bic: Text = None,
    email: Text = None,
    phone: Text = None,
    legal_form: Text = None,
    capital: Text = None,
    rcs: Text = None,
    logo: Annotated[Optional[str], typer.Option(help="Logo image file.")] = None,
    payment_terms_days: Annotated[Optional[int], typer.Option(min=0, max=365, help="Default payment terms.")] = None,
    late_penalty_rate: Annotated[
        Optional[Decimal],
        typer.Option(parser=percent("--late-penalty-rate"), metavar="PERCENT", help="Late-payment penalty rate in %."),
    ] = None,
    vat_exempt: Annotated[
        Optional[bool], typer.Option("--vat-exempt/--no-vat-exempt", help="Franchise en base (art. 293 B du CGI).")
    ] = None,
    allow_negative_stock: Annotated[Optional[bool], typer.Option("--allow-negative-stock/--no-negative-stock")] = None,
    number_pattern: Annotated[
        Optional[str],
        typer.Option(help="e.g. {prefix}-{year}-{seq:04d}; changes only on empty sequences or from a new year."),
    ] = None,
    global_sequence: Annotated[
        Optional[bool],
        typer.Option(
            "--global-sequence/--yearly-sequence",
            help="One sequence that never restarts (pattern without {year}), or one per year (the default).",
        ),
    ] = None,
    prefix: Annotated[Optional[list[str]], typer.Option(metavar="KIND=PREFIX", help="e.g. invoice=FAC")] = None,
    template_dir: Annotated[Optional[str], typer.Option(help="Folder of your own document templates.")] = None,
    fiscal_year_end: Annotated[
        Optional[str], typer.Option(metavar="MM-DD", help="Closing day of the fiscal year (default 12-31).")
    ] = None,
    vat_on_debits: Annotated[
        Optional[bool],
        typer.Option(
            "--vat-on-debits/--no-vat-on-debits",
            help="VAT on services due on invoicing (option pour les débits), not on payment.",
        ),
    ] = None,
    strict_mentions: Annotated[
        Optional[bool],
        typer.Option(
            "--strict-mentions/--no-strict-mentions",
            help="Refuse to validate an invoice missing a mandatory mention (e.g. the buyer's SIREN); else warn.",
        ),
    ] = None,
    reminder_levels: Annotated[
        Optional[str],
        typer.Option(
            metavar="DAYS,DAYS,…",
            help="Days after the due date of each reminder (default 7,30,45); the last is the formal notice.",
        ),
    ] = None,
    account: Annotated[
        Optional[list[str]],
        typer.Option(metavar="ROLE=NUMBER", help="An account of the chart, e.g. sales_goods=707100 or vat_20=445712."),
    ] = None,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Set the company's details (only the options given change).

    Example: koban company set --name "Atelier Durand" --siren 123456782 --vat-number FR11123456782
    """
    fields = {k: v for k, v in locals().items() if k not in ("fmt", "prefix", "account")}
    from koban_cli.services import parties

    prefixes = {}
    for item in prefix or []:
        kind, sep, value = item.partition("=")
        if not sep:
            raise InvalidValue(f'--prefix "{item}" must be KIND=PREFIX (e.g. invoice=FAC)')
        prefixes[kind] = value
    accounts = {}
    for item in account or []:
        role, sep, number = item.partition("=")
        if not sep:
            raise InvalidValue(f'--account "{item}" must be ROLE=NUMBER (e.g. sales_goods=707100)')
        accounts[role.strip()] = number
    output.show_record(parties.set_company(state.ledger(), prefixes=prefixes, accounts=accounts, **fields), fmt)


@app.command()
def show(fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Show the company's details.

    Example: koban company show --format json
    """
    from koban_cli.services import parties

    output.show_record(parties.show_company(state.ledger()), fmt)
