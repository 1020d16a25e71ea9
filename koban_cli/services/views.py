"""Plain, JSON-ready views of documents: what `show` and `list` print.

Money becomes a string with two decimals, quantities and rates decimal
strings, dates ISO; the shapes are those of SPEC §11.
"""

from __future__ import annotations

from sqlmodel import Session, select

from koban_cli.db.models import Product
from koban_cli.domain.amounts import totals
from koban_cli.domain.values import date_str, money_str, number_str


def product_refs(session: Session, lines) -> dict[int, str]:
    ids = {line.product_id for line in lines if line.product_id}
    if not ids:
        return {}
    return dict(session.exec(select(Product.id, Product.ref).where(Product.id.in_(ids))).all())


def line_view(line, refs: dict[int, str]) -> dict:
    priced = line.kind != "text"
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
    result = totals((line.vat_rate, line.net) for line in lines if line.kind != "text")
    return [{"rate": number_str(r.rate), "base": money_str(r.base), "amount": money_str(r.amount)} for r in result.vat]


def amounts_view(doc) -> dict:
    return {"net": money_str(doc.net), "tax": money_str(doc.tax), "gross": money_str(doc.gross)}


def header_view(doc, customer_code: str) -> dict:
    return {"customer": customer_code, "date": date_str(doc.date), "status": doc.status, "note": doc.note or None}
