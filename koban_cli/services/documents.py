"""The plain context a document is printed from: the document, its seller and its buyer.

Rendering (koban_cli/render) receives only this dict, never a session: the
document's typed view (`doc`), its kind, the seller and the buyer; render
picks the words, the title included, by kind and language. An invoice and an
order are read in SQLAlchemy Core (invoice_view, order_view),
with the company and the customer: printing a validated invoice loads its data
without the ORM, from what it froze at issue. A draft invoice adds the
e-invoicing facts it would freeze (computed on the ORM, as at validation);
quotes, contracts and delivery notes come from their own services.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from koban_cli.db.engine import Ledger
from koban_cli.domain.kinds import PaymentStatus, Status
from koban_cli.domain.money import Money
from koban_cli.errors import KobanError
from koban_cli.services import lookup
from koban_cli.services.invoicing import view as invoice_view


def _context(ledger: Ledger, kind: str, doc) -> dict:
    """A document with its seller and buyer, as the templates expect it."""
    with ledger.read_core() as db:
        return _with_parties(db, kind, doc)


def _with_parties(db, kind: str, doc) -> dict:
    from koban_cli.services import views  # today's parties: not read to print a validated invoice

    company = views.company_view(lookup.company_row(db))
    customer = views.customer_view(lookup.customer_row(db, doc.customer))
    return {"kind": kind, "doc": doc, "company": company, "customer": customer}


def invoice_context(ledger: Ledger, ref: str) -> dict:
    """A draft is printed with today's company and customer; a validated invoice only from what it froze."""
    with ledger.read_core() as db:
        row = lookup.invoice_row(db, ref)
        doc = invoice_view.view(db, row, dt.date.today())
        if row.status == Status.VALIDATED:
            return _issued(ledger, row, doc, ref)
        context = _with_parties(db, "invoice", doc)
    return context | {"facts": _draft_facts(ledger, row.id)}


def _draft_facts(ledger: Ledger, invoice_id: int) -> dict:
    """What the draft would freeze of the e-invoicing mentions if validated now (e_invoicing.facts, on the ORM)."""
    from koban_cli.db.models import Customer, Invoice
    from koban_cli.services.invoicing import e_invoicing

    with ledger.read() as session:
        invoice = session.get(Invoice, invoice_id)
        customer = session.get(Customer, invoice.customer_id)
        return e_invoicing.facts(session, invoice, lookup.company(session), customer)


def _issued(ledger: Ledger, row, doc, ref: str) -> dict:
    """The context of a validated invoice: its seller and buyer as frozen at issue."""
    snapshot = invoice_view.frozen(row.snapshot)
    if snapshot is None:
        raise KobanError(f"{ref} has no frozen snapshot (it was emptied outside koban); see: koban verify")
    seller, buyer = snapshot["seller"], snapshot["buyer"]
    # the issued document states what was known at issue: no payment had been recorded yet
    doc = replace(
        doc,
        customer=buyer["code"],
        customer_name=buyer["name"],
        paid=Money.of(0),
        days_late=0,
        payment_status=PaymentStatus.UNPAID,
    )
    return {
        "kind": "invoice",
        "doc": doc,
        "company": seller,
        "customer": buyer,
        "facts": snapshot.get("document"),  # None on invoices validated before the e-invoicing mentions
        "issued": {"invoice_id": row.id, "lang": snapshot["lang"], "ledger": ledger.url},  # where it is archived
    }


def quote_context(ledger: Ledger, number: str) -> dict:
    from koban_cli.services.orders import quotes

    return _context(ledger, "quote", quotes.show(ledger, number, dt.date.today()))


def order_context(ledger: Ledger, number: str) -> dict:
    from koban_cli.services.orders import view as order_view

    with ledger.read_core() as db:
        return _with_parties(db, "order", order_view.view(db, lookup.order_row(db, number)))


def contract_context(ledger: Ledger, number: str) -> dict:
    from koban_cli.services.contracts import view as contract_view

    return _context(ledger, "contract", contract_view.show(ledger, number, dt.date.today()))


def delivery_context(ledger: Ledger, ref: str) -> dict:
    from koban_cli.services.orders import delivery_view

    return _context(ledger, "delivery", delivery_view.show(ledger, ref))


def invoice_contexts(ledger: Ledger, date_from: dt.date | None, date_to: dt.date | None) -> list[dict]:
    """Contexts of every validated invoice and credit note dated in the period."""
    from koban_cli.services.invoicing import listing as invoice_list

    rows = invoice_list.invoice_rows(
        ledger, dt.date.today(), status=Status.VALIDATED, date_from=date_from, date_to=date_to
    )
    return [invoice_context(ledger, row.number) for row in rows]
