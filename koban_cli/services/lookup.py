"""Finding things by the names users type, with errors that say what exists.

Each lookup is one SQLAlchemy Core query over db/tables.py (`*_row`), so it
serves a read command that never imports the ORM (a Core `Connection`) and a
write (an ORM `Session`: both `execute()` a Core select). A write that needs
the model object calls the function of the thing's name (`invoice`, `order`…),
which takes the object of that same row: one rule for each name, e.g. a draft
invoice is `PROV-<id>` and a validated one answers only to its number.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.engine import Connection

from koban_cli.db import tables
from koban_cli.errors import NotFound, not_found

if TYPE_CHECKING:
    from sqlmodel import Session

    from koban_cli.db.models import Company, Customer, Invoice, Product, Quote, SalesOrder, Supplier

MAX_ID = 2**63 - 1  # the largest id SQLite and PostgreSQL (bigint) can store


def _models():
    """The ORM models, for writes only: a read command takes rows and never pays for their import."""
    from koban_cli.db import models

    return models


def company(db: Session | Connection) -> Company:
    """The company, read once per transaction (numbering asks for it often): the model object in an ORM
    session, its row (`company_row`) on a Core connection."""
    from koban_cli.db import transaction

    work = transaction.of(db)
    if work.company is None:
        if isinstance(db, Connection):
            work.company = company_row(db)
        else:
            Company = _models().Company
            work.company = db.get(Company, 1) or Company()
    return work.company


def company_row(db):
    """The company's row; a ledger where it was never set reads as the model's defaults (`tables.DEFAULTS`)."""
    found = db.execute(select(tables.company).where(tables.company.c.id == 1)).first()
    if found is not None:
        return found
    return SimpleNamespace(**(dict.fromkeys(tables.company.c.keys()) | tables.DEFAULTS["company"]))


def _named(db, table, key: str, value: str, what: str):
    found = db.execute(select(table).where(table.c[key] == value)).first()
    if found is None:
        raise not_found(what, value)
    return found


def customer_row(db, code: str):
    return _named(db, tables.customer, "code", code, "customer")


def supplier_row(db, code: str):
    return _named(db, tables.supplier, "code", code, "supplier")


def product_row(db, ref: str):
    return _named(db, tables.product, "ref", ref, "product")


def project_row(db, number: str):
    return _named(db, tables.project, "number", number, "project")


def quote_row(db, number: str):
    return _named(db, tables.quote, "number", number, "quote")


def order_row(db, number: str):
    return _named(db, tables.sales_order, "number", number, "order")


def draft_invoice_id(ref: str) -> int | None:
    """The id a `PROV-<id>` reference names (any case, spaces around ignored); None for a number."""
    draft = re.fullmatch(r"PROV-(\d+)", ref.strip(), flags=re.IGNORECASE)
    return int(draft.group(1)) if draft else None


def invoice_row(db, ref: str):
    """An invoice or credit note by its number, or a draft by `PROV-<id>`."""
    invoice = tables.invoice
    invoice_id = draft_invoice_id(ref)
    if invoice_id is None:
        found = db.execute(select(invoice).where(invoice.c.number == ref)).first()
    elif invoice_id <= MAX_ID:  # an id no database column can hold names nothing (and must not reach the driver)
        found = db.execute(select(invoice).where(invoice.c.id == invoice_id)).first()
        if found is not None and found.number is not None:
            raise NotFound(f"{ref} was validated as {found.number}; use that number")
    else:
        found = None
    if found is None:
        raise not_found("invoice", ref)
    return found


def customer(session: Session, code: str) -> Customer:
    return session.get(_models().Customer, customer_row(session, code).id)


def supplier(session: Session, code: str) -> Supplier:
    return session.get(_models().Supplier, supplier_row(session, code).id)


def product(session: Session, ref: str) -> Product:
    return session.get(_models().Product, product_row(session, ref).id)


def quote(session: Session, number: str) -> Quote:
    return session.get(_models().Quote, quote_row(session, number).id)


def order(session: Session, number: str) -> SalesOrder:
    return session.get(_models().SalesOrder, order_row(session, number).id)


def invoice(session: Session, ref: str) -> Invoice:
    """The invoice `invoice_row` finds, as a model object to change."""
    return session.get(_models().Invoice, invoice_row(session, ref).id)


def invoice_ref(invoice) -> str:
    """How an invoice (object or row) is named: its number, or `PROV-<id>` while a draft."""
    return invoice.number or f"PROV-{invoice.id}"


def delivery_ref(delivery) -> str:
    """How a delivery note (object or row) is named: its number, or `PROV-BL-<id>` while a draft."""
    return delivery.number or f"PROV-BL-{delivery.id}"
