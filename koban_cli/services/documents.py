"""The plain context a document is printed from: the document, its seller and its buyer.

Rendering (koban_cli/render) receives only this dict, never a session.
"""

from __future__ import annotations

import datetime as dt

from koban_cli.db.engine import Ledger
from koban_cli.services import contracts, deliveries, invoices, lookup, orders, parties, quotes

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


def _parties(ledger: Ledger, customer_code: str) -> dict:
    with ledger.read() as session:
        company = parties.company_view(lookup.company(session))
        customer = parties.customer_view(lookup.customer(session, customer_code))
    return {"company": company, "customer": customer}


def invoice_context(ledger: Ledger, ref: str) -> dict:
    doc = invoices.show(ledger, ref, dt.date.today())
    return {"kind": "invoice", "title": TITLES[doc["kind"]], "doc": doc, **_parties(ledger, doc["customer"])}


def quote_context(ledger: Ledger, number: str) -> dict:
    doc = quotes.show(ledger, number, dt.date.today())
    return {"kind": "quote", "title": TITLES["quote"], "doc": doc, **_parties(ledger, doc["customer"])}


def order_context(ledger: Ledger, number: str) -> dict:
    doc = orders.show(ledger, number)
    return {"kind": "order", "title": TITLES["order"], "doc": doc, **_parties(ledger, doc["customer"])}


def invoice_contexts(ledger: Ledger, date_from: dt.date | None, date_to: dt.date | None) -> list[dict]:
    """Contexts of every validated invoice and credit note dated in the period."""
    rows = invoices.list_invoices(ledger, dt.date.today(), status="validated", date_from=date_from, date_to=date_to)
    return [invoice_context(ledger, row["number"]) for row in rows]


def contract_context(ledger: Ledger, number: str) -> dict:
    doc = contracts.show(ledger, number, dt.date.today())
    return {"kind": "contract", "title": TITLES["contract"], "doc": doc, **_parties(ledger, doc["customer"])}


def delivery_context(ledger: Ledger, ref: str) -> dict:
    doc = deliveries.show(ledger, ref)
    return {"kind": "delivery", "title": TITLES["delivery"], "doc": doc, **_parties(ledger, doc["customer"])}
