"""What an invoice states the day it is issued: frozen at validation, printed from then on.

`freeze` stores the seller, the buyer, the terms, the bank details, the legal
mentions, the language and what the e-invoicing reform makes it state (each
line's VAT regime and unit, the operation category, the delivery address, the
buyer's reference, the corrected invoice, the deposits deducted: `document`,
see services/invoicing/e_invoicing.py) on the invoice (JSON in `invoice.snapshot`); the hash
chain covers it, and the documents of a validated invoice are printed from it
(read back by `invoice_view.frozen`), never from the live company or customer.
`link` chains with the seal key when one is configured (see `services/ledger/seal.py`).
"""

from __future__ import annotations

import datetime as dt
import json

from sqlmodel import Session

from koban_cli.db import transaction
from koban_cli.db.models import Customer, Invoice
from koban_cli.domain import integrity
from koban_cli.domain.kinds import InvoiceKind
from koban_cli.errors import InvalidValue
from koban_cli.services import lookup
from koban_cli.services.invoicing import e_invoicing
from koban_cli.services.ledger import seal
from koban_cli.services.views import COMPANY_FIELDS, company_view, customer_view

ISSUED_LANG = "fr"  # the language of the issued document (the French e-invoicing reform's)
# What the seller prints: the company's details less its working settings (numbering, stock, reminders…).
NOT_PRINTED = {
    "allow_negative_stock",
    "number_pattern",
    "global_sequence",
    "fiscal_year_end",
    "strict_mentions",
    "reminder_levels",
}
SELLER_FIELDS = tuple(field for field in COMPANY_FIELDS if field not in NOT_PRINTED)


def snapshot_of(session: Session, invoice: Invoice) -> dict:
    company = lookup.company(session)
    work = transaction.of(session)
    if not work.sealed:  # once per transaction: bill-due validates thousands in one
        seller = company_view(company)
        work.seller, work.seal_key, work.sealed = {key: seller[key] for key in SELLER_FIELDS}, seal.key(), True
    customer = session.get(Customer, invoice.customer_id)
    return {
        "frozen": "validation",
        "seller": work.seller,
        "buyer": customer_view(customer),
        "document": e_invoicing.facts(session, invoice, company, customer),
        "lang": ISSUED_LANG,
    }


def freeze(session: Session, invoice: Invoice) -> None:
    """Store what the invoice prints and exports, and how its chain link is computed; before its flush.
    A missing mandatory mention warns, or refuses the validation when the company asks for strict mentions."""
    snapshot = snapshot_of(session, invoice)
    strict = bool(getattr(lookup.company(session), "strict_mentions", False))
    e_invoicing.check_mentions(
        snapshot["seller"], snapshot["buyer"], snapshot["document"], f"PROV-{invoice.id}", strict
    )
    invoice.snapshot = json.dumps(snapshot, ensure_ascii=False, sort_keys=True)
    invoice.chain_version = integrity.SEALED if transaction.of(session).seal_key else integrity.CURRENT


def link(previous: str | None, text: str) -> str:
    """The chain link of a new invoice: an HMAC when a seal key is configured, else sha256."""
    return integrity.link(previous, text, seal.key())


def check_validation_date(date: dt.date, ref: str, today: dt.date | None = None) -> None:
    """A number is never taken for a day that has not come: it would block every invoice until then."""
    today = today or dt.date.today()
    if date > today:
        raise InvalidValue(
            f"{ref} cannot be validated on {date.isoformat()}, after today; "
            f"the latest date allowed is {today.isoformat()}"
        )


def check_credit_date(source: Invoice, date: dt.date) -> None:
    if date < source.date:
        raise InvalidValue(
            f"a credit note of {source.number} cannot be dated {date.isoformat()}, before the invoice; "
            f"the earliest date allowed is {source.date.isoformat()}"
        )


def check_credit_note_date(session: Session, credit_note: Invoice, date: dt.date) -> None:
    """At validation, a credit note is never dated before the invoice it corrects."""
    if credit_note.kind == InvoiceKind.CREDIT_NOTE and credit_note.credited_invoice_id:
        check_credit_date(session.get(Invoice, credit_note.credited_invoice_id), date)

