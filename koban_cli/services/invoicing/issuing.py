"""What an invoice states the day it is issued: frozen at validation, printed from then on.

`freeze` stores the seller, the buyer, the terms, the bank details, the legal
mentions, the language and what the e-invoicing reform makes it state (each
line's VAT regime and unit, the operation category, the delivery address, the
buyer's reference, the corrected invoice, the deposits deducted: `document`,
see services/invoicing/e_invoicing.py) on the invoice (JSON in `invoice.snapshot`); the hash
chain covers it, and the documents of a validated invoice are printed from it
(read back by `invoice_view.frozen`), never from the live company or customer.
`link` chains with the seal key when one is configured (see `services/ledger/seal.py`).

Every function takes `db`, an ORM `Session` or a Core `Connection`, and reads
with Core statements over db/tables.py (validation runs on Core, bill-due in
an ORM session); invoices, customers and companies are rows or objects alike.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from koban_cli.db import tables, transaction
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


def customer_of(db, invoice):
    """The invoice's customer (a row): what it freezes of its buyer and the terms of its due date."""
    return db.execute(select(tables.customer).where(tables.customer.c.id == invoice.customer_id)).one()


def snapshot_of(db, doc, customer) -> dict:
    """`doc`: the invoice, a model object or a `lines.Draft`; `customer`: its customer (`customer_of`)."""
    company = lookup.company(db)
    work = transaction.of(db)
    if not work.sealed:  # once per transaction: bill-due validates thousands in one
        seller = company_view(company)
        work.seller, work.seal_key, work.sealed = {key: seller[key] for key in SELLER_FIELDS}, seal.key(), True
    return {
        "frozen": "validation",
        "seller": work.seller,
        "buyer": customer_view(customer),
        "document": e_invoicing.facts(db, doc, company, customer),
        "lang": ISSUED_LANG,
    }


def freeze(db, doc, invoice_id: int, customer) -> dict:
    """What the invoice stores of what it prints and exports, and how its chain link is computed: the
    `snapshot` and `chain_version` values to write with its number. A missing mandatory mention warns, or
    refuses the validation when the company asks for strict mentions."""
    snapshot = snapshot_of(db, doc, customer)
    strict = bool(getattr(lookup.company(db), "strict_mentions", False))
    e_invoicing.check_mentions(
        snapshot["seller"], snapshot["buyer"], snapshot["document"], f"PROV-{invoice_id}", strict
    )
    return {
        "snapshot": json.dumps(snapshot, ensure_ascii=False, sort_keys=True),
        "chain_version": integrity.SEALED if transaction.of(db).seal_key else integrity.CURRENT,
    }


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


def check_credit_date(source, date: dt.date) -> None:
    if date < source.date:
        raise InvalidValue(
            f"a credit note of {source.number} cannot be dated {date.isoformat()}, before the invoice; "
            f"the earliest date allowed is {source.date.isoformat()}"
        )


def check_credit_note_date(db, credit_note, date: dt.date) -> None:
    """At validation, a credit note is never dated before the invoice it corrects."""
    if credit_note.kind == InvoiceKind.CREDIT_NOTE and credit_note.credited_invoice_id:
        source = tables.invoice.c
        found = db.execute(select(source.number, source.date).where(source.id == credit_note.credited_invoice_id)).one()
        check_credit_date(found, date)
