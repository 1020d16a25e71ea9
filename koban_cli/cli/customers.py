"""`koban customer`: who buys."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from koban_cli.cli import output, state, statements
from koban_cli.cli.nouns import noun_app
from koban_cli.cli.output import Col
from koban_cli.cli.params import FORMAT_DEFAULT, FormatOpt

app = noun_app("customer")

Text = Annotated[Optional[str], typer.Option()]
Terms = Annotated[Optional[int], typer.Option(min=0, max=365, help="Payment terms in days.")]
Account = Annotated[Optional[str], typer.Option(help="Auxiliary account in the books (default: 411 + the code).")]
Country = Annotated[Optional[str], typer.Option(help="ISO code or name, e.g. DE or Allemagne (default FR).")]
Regime = Annotated[
    Optional[str],
    typer.Option(metavar="S|K|AE|G|O|auto", help="Force one VAT regime on every line (auto: derived, the default)."),
]
DeliveryText = Annotated[Optional[str], typer.Option(help="Delivery address, when not the billing address.")]
DeliveryCountry = Annotated[Optional[str], typer.Option(help="Delivery country (ISO code or name).")]
NoEmail = Annotated[
    Optional[bool], typer.Option("--no-email/--by-email", help="Never email this customer (invoices, reminders).")
]
NoReminders = Annotated[
    Optional[bool], typer.Option("--no-reminders/--reminders", help="Never remind this customer's overdue invoices.")
]
COLUMNS = [
    Col("code", "Code"),
    Col("name", "Name"),
    Col("email", "Email"),
    Col("siren", "SIREN"),
    Col("vat_number", "VAT number"),
    Col("payment_terms_days", "Terms", numeric=True),
    Col("country", "Country"),
]


@app.command()
def add(
    code: Annotated[str, typer.Argument(help="Customer code, e.g. ACME.")],
    name: Annotated[str, typer.Option(help="Legal name.")],
    email: Text = None,
    address: Text = None,
    postcode: Text = None,
    city: Text = None,
    country: Country = None,
    siren: Text = None,
    vat_number: Text = None,
    payment_terms_days: Terms = None,
    account: Account = None,
    individual: Annotated[
        bool, typer.Option("--individual/--company", help="A consumer (no SIREN) or a business (the default).")
    ] = False,
    vat_regime: Regime = None,
    delivery_address: DeliveryText = None,
    delivery_postcode: DeliveryText = None,
    delivery_city: DeliveryText = None,
    delivery_country: DeliveryCountry = None,
    no_email: NoEmail = None,
    no_reminders: NoReminders = None,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Add a customer.

    Example: koban customer add ACME --name "ACME SAS" --siren 552100554 --city Lyon
    """
    fields = {k: v for k, v in locals().items() if k not in ("fmt", "code", "individual")}
    fields["kind"] = "individual" if individual else "company"
    from koban_cli.services import parties

    customer = parties.add_customer(state.ledger(), code, **fields)
    output.created({"ref": customer.code} | output.fields_of(customer), fmt, code)


@app.command()
def edit(
    code: Annotated[str, typer.Argument(help="Customer code.")],
    name: Text = None,
    email: Text = None,
    address: Text = None,
    postcode: Text = None,
    city: Text = None,
    country: Country = None,
    siren: Text = None,
    vat_number: Text = None,
    payment_terms_days: Terms = None,
    account: Account = None,
    individual: Annotated[
        Optional[bool], typer.Option("--individual/--company", help="A consumer (no SIREN) or a business.")
    ] = None,
    vat_regime: Regime = None,
    delivery_address: DeliveryText = None,
    delivery_postcode: DeliveryText = None,
    delivery_city: DeliveryText = None,
    delivery_country: DeliveryCountry = None,
    no_email: NoEmail = None,
    no_reminders: NoReminders = None,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Change a customer's details (only the options given change).

    Example: koban customer edit ACME --payment-terms-days 45
    """
    fields = {k: v for k, v in locals().items() if k not in ("fmt", "code", "individual")}
    if individual is not None:
        fields["kind"] = "individual" if individual else "company"
    from koban_cli.services import parties

    output.show_record(parties.edit_customer(state.ledger(), code, **fields), fmt)


@app.command("list")
def list_(fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """List customers.

    Example: koban customer list --format csv
    """
    from koban_cli.services import parties

    rows = parties.list_customers(state.ledger())
    # the list keeps the columns scripts already read; `customer show` gives every detail (kind, delivery...)
    fields = ["code", "name", "email", "address", "postcode", "city", "country", "siren", "vat_number"]
    fields.append("payment_terms_days")
    rows = [{key: getattr(row, key) for key in fields} for row in rows]
    output.show_rows(rows, COLUMNS, fmt, "Customers", fields=fields)


@app.command()
def show(code: Annotated[str, typer.Argument(help="Customer code.")], fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Show one customer.

    Example: koban customer show ACME
    """
    from koban_cli.services import parties

    output.show_record(parties.show_customer(state.ledger(), code), fmt)


statements.register_statement(app)
