"""The nouns of koban, listed without importing their modules, so `koban --help` starts fast."""

from __future__ import annotations

import typer

NOUNS: dict[str, tuple[str, str]] = {
    "company": ("koban_cli.cli.company", "The company: identity, bank details, terms, numbering."),
    "customer": ("koban_cli.cli.customers", "Customers."),
    "supplier": ("koban_cli.cli.suppliers", "Suppliers."),
    "product": ("koban_cli.cli.products", "Products: goods, services, subscriptions."),
    "quote": ("koban_cli.cli.quotes", "Quotes (devis)."),
    "order": ("koban_cli.cli.orders", "Sales orders (commandes)."),
    "invoice": ("koban_cli.cli.invoices", "Invoices and credit notes (factures, avoirs)."),
    "contract": ("koban_cli.cli.contracts", "Subscription contracts (abonnements)."),
    "delivery": ("koban_cli.cli.deliveries", "Delivery notes (bons de livraison)."),
    "stock": ("koban_cli.cli.stock", "Stock of goods."),
    "project": ("koban_cli.cli.projects", "Projects (affaires): tasks, time, purchases, margin."),
    "purchase": ("koban_cli.cli.purchases", "Supplier purchase orders (commandes fournisseur)."),
    "export": ("koban_cli.cli.exports", "Accounting exports: the FEC and the journal entries."),
    "report": ("koban_cli.cli.reports", "Reports for returns: VAT collected per month (CA3)."),
    "db": ("koban_cli.cli.ledger_copy", "Move the ledger to another database (SQLite, PostgreSQL)."),
}


def new_app(help: str) -> typer.Typer:
    """A sub-app with koban's settings: plain help (Rich is for tables), help when called bare."""
    return typer.Typer(no_args_is_help=True, help=help, rich_markup_mode=None, add_completion=False)


def noun_app(noun: str) -> typer.Typer:
    return new_app(NOUNS[noun][1])
