"""Plain, JSON-ready views of documents and parties: what `show` and `list` print.

Money becomes a string with two decimals, quantities and rates decimal
strings, dates ISO; the shapes are those of SPEC §11. The views read any
object with attributes: a model object in a write, a Core row in a read. The
queries here are SQLAlchemy Core (db/tables.py) and take `db`, an ORM
`Session` or a Core `Connection`.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from koban_cli.db.tables import invoice_line, order_line, product, quote_line
from koban_cli.domain.amounts import totals
from koban_cli.domain.kinds import LineKind
from koban_cli.domain.numbering import DEFAULT_PREFIXES
from koban_cli.domain.values import date_str, money_str, number_str

COMPANY_FIELDS = (
    "name",
    "address",
    "postcode",
    "city",
    "country",
    "siren",
    "vat_number",
    "iban",
    "bic",
    "email",
    "phone",
    "legal_form",
    "capital",
    "rcs",
    "logo",
    "payment_terms_days",
    "late_penalty_rate",
    "vat_exempt",
    "allow_negative_stock",
    "number_pattern",
    "global_sequence",
    "template_dir",
    "fiscal_year_end",
    "vat_on_debits",
    "strict_mentions",
    "reminder_levels",
)
CUSTOMER_FIELDS = (
    "code",
    "name",
    "email",
    "address",
    "postcode",
    "city",
    "country",
    "siren",
    "vat_number",
    "payment_terms_days",
    "kind",
    "vat_regime",
    "delivery_address",
    "delivery_postcode",
    "delivery_city",
    "delivery_country",
)
LINES = {"quote": (quote_line, "quote_id"), "order": (order_line, "order_id"), "invoice": (invoice_line, "invoice_id")}


def lines(db, kind: str, doc_id: int) -> list:
    """The lines of a quote, order or invoice (`kind`) as rows, in their order."""
    table, key = LINES[kind]
    return list(db.execute(select(table).where(table.c[key] == doc_id).order_by(table.c.position)))


def product_refs(db, lines) -> dict[int, str]:
    ids = {line.product_id for line in lines if line.product_id}
    if not ids:
        return {}
    return dict(db.execute(select(product.c.id, product.c.ref).where(product.c.id.in_(ids))).all())


def line_view(line, refs: dict[int, str]) -> dict:
    priced = line.kind != LineKind.TEXT
    return {
        "position": line.position,
        "kind": line.kind,
        "product": refs.get(line.product_id),
        "description": line.description,
        "qty": number_str(line.qty) if priced else None,
        "unit_price": money_str(line.unit_price) if priced else None,
        "discount": number_str(line.discount) if priced else None,
        "vat_rate": number_str(line.vat_rate) if priced else None,
        "net": money_str(line.net) if priced else None,
        "comment": line.comment,
    }


def vat_view(lines) -> list[dict]:
    result = totals((line.vat_rate, line.net) for line in lines if line.kind != LineKind.TEXT)
    return [{"rate": number_str(r.rate), "base": money_str(r.base), "amount": money_str(r.amount)} for r in result.vat]


def amounts_view(doc) -> dict:
    return {"net": money_str(doc.net), "tax": money_str(doc.tax), "gross": money_str(doc.gross)}


def header_view(doc, customer_code: str) -> dict:
    return {"customer": customer_code, "date": date_str(doc.date), "status": doc.status, "note": doc.note or None}


def company_view(company) -> dict:
    from koban_cli.domain.accounting import DEFAULT_ACCOUNTS  # the chart's module is large: only this view needs it

    view = {key: getattr(company, key) for key in COMPANY_FIELDS}
    view["late_penalty_rate"] = number_str(company.late_penalty_rate)
    view["prefixes"] = DEFAULT_PREFIXES | json.loads(company.prefixes or "{}")
    view["accounts"] = DEFAULT_ACCOUNTS | json.loads(company.accounts or "{}")
    return view


def customer_view(customer) -> dict:
    """What an invoice freezes of its buyer (services/invoicing/issuing.py): the account is bookkeeping, not printed."""
    return {key: getattr(customer, key) for key in CUSTOMER_FIELDS}
