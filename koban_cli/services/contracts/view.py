"""`contract show`, in SQLAlchemy Core only (no ORM, no models): the contract, its lines at the price of the
next period, and that period as bill-due will bill it (services/contracts/periods.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from koban_cli.db.engine import Ledger
from koban_cli.db.tables import contract, contract_period, customer, invoice, product, sales_order
from koban_cli.domain import periods as P
from koban_cli.domain.amounts import line_net, totals
from koban_cli.domain.contract_terms import next_due, summary
from koban_cli.domain.kinds import Status
from koban_cli.domain.values import date_str, money_str, number_str
from koban_cli.errors import not_found
from koban_cli.services.contracts import periods as contract_periods


def contract_by_number(db, number: str):
    """The contract's row (every column), or NotFound."""
    found = db.execute(select(contract).where(contract.c.number == number)).first()
    if found is None:
        raise not_found("contract", number)
    return found


def show(ledger: Ledger, number: str, as_of: dt.date) -> dict:
    """The contract, its lines at the price of the next period, and that period as it will be billed."""
    with ledger.read_core() as db:
        row = contract_by_number(db, number)
        buyer = db.execute(select(customer.c.code, customer.c.name).where(customer.c.id == row.customer_id)).one()
        order = (
            db.execute(select(sales_order.c.number).where(sales_order.c.id == row.order_id)).scalar()
            if row.order_id
            else None
        )
        terms = contract_periods.Terms.load(db, [row.id])
        billed, lines, reprices = terms.billed_of(row.id), terms.lines_of(row.id), terms.reprices_of(row.id)
        refs = dict(db.execute(select(product.c.id, product.c.ref)).all())
        periods = db.execute(
            select(contract_period.c.start, contract_period.c.end, invoice.c.number, invoice.c.id)
            .join(invoice, invoice.c.id == contract_period.c.invoice_id)
            .where(contract_period.c.contract_id == row.id)
            .order_by(contract_period.c.start)
        ).all()
    upcoming = next_due(row, billed) if row.status != Status.CANCELLED else None
    every = P.months_of(row.every)
    priced_at = upcoming or P.period_at(row.start, every, 0, None, row.in_advance)
    shown, amounts = [], []
    for line in lines:
        price = contract_periods.period_price(line, every, reprices, priced_at)
        net = line_net(line.qty, price, line.discount)
        amounts.append((line.vat_rate, net))
        shown.append(
            {
                "position": line.position,
                "kind": "product" if line.product_id else "free",
                "product": refs.get(line.product_id),
                "description": line.description,
                "qty": number_str(line.qty),
                "unit_price": money_str(price),
                "discount": number_str(line.discount),
                "vat_rate": number_str(line.vat_rate),
                "net": money_str(net),
                "comment": None,
            }
        )
    result = totals(amounts)
    return summary(row, buyer.code, billed, as_of) | {
        "customer_name": buyer.name,
        "order": order,
        "in_advance": row.in_advance,
        "renew": row.renew,
        "renew_months": row.renew_months,
        "notice_days": row.notice_days,
        "terminated_on": date_str(row.terminated_on),
        "next_period_start": date_str(upcoming.start) if upcoming else None,
        "next_period_end": date_str(upcoming.end) if upcoming else None,
        "next_period_net": (
            money_str(contract_periods.period_net(row, lines, reprices, upcoming)) if upcoming else None
        ),
        "next_period_prorated": upcoming.days != upcoming.full_days if upcoming else None,
        "lines": shown,
        "vat": [
            {"rate": number_str(r.rate), "base": money_str(r.base), "amount": money_str(r.amount)} for r in result.vat
        ],
        "net": money_str(result.net),
        "tax": money_str(result.tax),
        "gross": money_str(result.gross),
        "periods": [
            {"start": date_str(start), "end": date_str(end), "invoice": ref or f"PROV-{invoice_id}"}
            for start, end, ref, invoice_id in periods
        ],
    }
