"""The plain context a document is printed from: the document, its seller and its buyer.

Rendering (koban_cli/render) receives only this dict, never a session.
"""

from __future__ import annotations

import datetime as dt

from koban_cli.db.engine import Ledger
from koban_cli.db.models import Customer
from koban_cli.errors import KobanError
from koban_cli.services import (
    contracts,
    deliveries,
    e_invoicing,
    invoice_list,
    invoices,
    issuing,
    lookup,
    orders,
    parties,
    quotes,
)

TITLES = {
    "quote": "Devis",
    "order": "Commande",
    "standard": "Facture",
    "deposit": "Facture d'acompte",
    "intermediate": "Facture intermédiaire",
    "balance": "Facture de solde",
    "subscription": "Facture",
    "credit_note": "Avoir",
    "contract": "Contrat d'abonnement",
    "delivery": "Bon de livraison",
}


def _context(ledger: Ledger, kind: str, doc: dict, title: str | None = None) -> dict:
    """A document with its seller and buyer, as the templates expect it."""
    with ledger.read() as session:
        company = parties.company_view(lookup.company(session))
        customer = parties.customer_view(lookup.customer(session, doc["customer"]))
    return {"kind": kind, "title": title or TITLES[kind], "doc": doc, "company": company, "customer": customer}


def invoice_context(ledger: Ledger, ref: str) -> dict:
    """A draft is printed with today's company and customer; a validated invoice only from what it froze."""
    doc = invoices.show(ledger, ref, dt.date.today())
    if doc["status"] != "validated":
        context = _context(ledger, "invoice", doc, TITLES[doc["kind"]])
        with ledger.read() as session:
            invoice = lookup.invoice(session, ref)
            company, customer = lookup.company(session), session.get(Customer, invoice.customer_id)
            return context | {"facts": e_invoicing.facts(session, invoice, company, customer)}
    with ledger.read() as session:
        invoice = lookup.invoice(session, ref)
        invoice_id, snapshot = invoice.id, issuing.frozen(invoice.snapshot)
    if snapshot is None:
        raise KobanError(f"{ref} has no frozen snapshot (it was emptied outside koban); see: koban verify")
    seller, buyer = snapshot["seller"], snapshot["buyer"]
    # the issued document states what was known at issue: no payment had been recorded yet
    doc = doc | {"customer": buyer["code"], "customer_name": buyer["name"], "paid": "0.00", "days_late": 0}
    doc |= {"payment_status": "unpaid"}
    return {
        "kind": "invoice",
        "title": TITLES[doc["kind"]],
        "doc": doc,
        "company": seller,
        "customer": buyer,
        "facts": snapshot.get("document"),  # None on invoices validated before the e-invoicing mentions
        "issued": {"invoice_id": invoice_id, "lang": snapshot["lang"], "ledger": ledger.url},  # where it is archived
    }


def quote_context(ledger: Ledger, number: str) -> dict:
    return _context(ledger, "quote", quotes.show(ledger, number, dt.date.today()))


def order_context(ledger: Ledger, number: str) -> dict:
    return _context(ledger, "order", orders.show(ledger, number))


def contract_context(ledger: Ledger, number: str) -> dict:
    return _context(ledger, "contract", contracts.show(ledger, number, dt.date.today()))


def delivery_context(ledger: Ledger, ref: str) -> dict:
    return _context(ledger, "delivery", deliveries.show(ledger, ref))


def invoice_contexts(ledger: Ledger, date_from: dt.date | None, date_to: dt.date | None) -> list[dict]:
    """Contexts of every validated invoice and credit note dated in the period."""
    rows = invoice_list.list_invoices(ledger, dt.date.today(), status="validated", date_from=date_from, date_to=date_to)
    return [invoice_context(ledger, row["number"]) for row in rows]
