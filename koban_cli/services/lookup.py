"""Finding things by the names users type, with errors that say what exists."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from koban_cli.db.models import Company, Customer, Invoice, Product, Quote, SalesOrder, Supplier
from koban_cli.errors import NotFound, not_found

MAX_ID = 2**63 - 1  # the largest id SQLite and PostgreSQL (bigint) can store


def company(session: Session) -> Company:
    """The company, read once per transaction (numbering asks for it often)."""
    if "company" not in session.info:
        session.info["company"] = session.get(Company, 1) or Company()
    return session.info["company"]


def customer(session: Session, code: str) -> Customer:
    found = session.exec(select(Customer).where(Customer.code == code)).first()
    if found is None:
        raise not_found("customer", code)
    return found


def supplier(session: Session, code: str) -> Supplier:
    found = session.exec(select(Supplier).where(Supplier.code == code)).first()
    if found is None:
        raise not_found("supplier", code)
    return found


def product(session: Session, ref: str) -> Product:
    found = session.exec(select(Product).where(Product.ref == ref)).first()
    if found is None:
        raise not_found("product", ref)
    return found


def quote(session: Session, number: str) -> Quote:
    found = session.exec(select(Quote).where(Quote.number == number)).first()
    if found is None:
        raise not_found("quote", number)
    return found


def order(session: Session, number: str) -> SalesOrder:
    found = session.exec(select(SalesOrder).where(SalesOrder.number == number)).first()
    if found is None:
        raise not_found("order", number)
    return found


def invoice(session: Session, ref: str) -> Invoice:
    """An invoice or credit note by its number, or a draft by `PROV-<id>`."""
    draft = re.fullmatch(r"PROV-(\d+)", ref.strip(), flags=re.IGNORECASE)
    if draft:
        invoice_id = int(draft.group(1))
        # an id no database column can hold names nothing (and must not reach the driver)
        found = session.get(Invoice, invoice_id) if invoice_id <= MAX_ID else None
        if found is not None and found.number is not None:
            raise NotFound(f"{ref} was validated as {found.number}; use that number")
    else:
        found = session.exec(select(Invoice).where(Invoice.number == ref)).first()
    if found is None:
        raise not_found("invoice", ref)
    return found


def invoice_ref(invoice: Invoice) -> str:
    return invoice.number or f"PROV-{invoice.id}"
