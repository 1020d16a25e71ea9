"""`order list` and the remaining-to-invoice report, in SQLAlchemy Core only.

Scripts and cron jobs run this report over the whole ledger many times a
day: it imports neither the ORM nor the models, aggregates in one query and
keeps money in integer cents from SQL: the rows are `OrderRow` tuples (no
Money object per cell: issue 21) that the CLI turns into text in one pass.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

from sqlalchemy import BigInteger, String, cast, func, select

from koban_cli.db.engine import Ledger
from koban_cli.db.tables import (
    cents,
    contract,
    contract_line,
    customer,
    invoice,
    invoice_line,
    order_line,
    sales_order,
)
from koban_cli.domain.kinds import ORDER_STATUSES, Status
from koban_cli.errors import InvalidValue, not_found
from koban_cli.services import billed_sql

STATUSES = ORDER_STATUSES


class OrderRow(NamedTuple):
    """One order of `order list`: money in integer cents as SQL sums it, the date as ISO text."""

    number: str
    customer: str
    status: str
    date: str
    net_cents: int
    invoiced_cents: int
    remaining_cents: int


# A result row as an OrderRow at C speed: `OrderRow._make` runs Python code per row, 10 % of the report.
_order_row = partial(tuple.__new__, OrderRow)


def _handed_to_contracts():
    """Per order, what its lines handed over to a contract had left to bill (see billed.billables):
    the contract bills them, so they leave the order's remaining."""
    handed = (
        select(contract_line.c.order_line_id)
        .join(contract, contract.c.id == contract_line.c.contract_id)
        .where(contract.c.status != Status.CANCELLED)
    )
    billed = (
        select(
            invoice_line.c.order_line_id,
            billed_sql.signed_sum(invoice, cents(invoice_line.c.net), BigInteger).label("net"),
        )
        .join(invoice, invoice.c.id == invoice_line.c.invoice_id)
        .where(billed_sql.reported(invoice), invoice_line.c.order_line_id.in_(handed))
        .group_by(invoice_line.c.order_line_id)
        .subquery()
    )
    return (
        select(
            order_line.c.order_id, func.sum(cents(order_line.c.net) - func.coalesce(billed.c.net, 0)).label("amount")
        )
        .outerjoin(billed, billed.c.order_line_id == order_line.c.id)
        .where(order_line.c.id.in_(handed))
        .group_by(order_line.c.order_id)
        .subquery()
    )


def order_rows(
    ledger: Ledger, status: str | None = None, open_only: bool = False, customer_code: str | None = None
) -> list[OrderRow]:
    """Every order with net, invoiced and remaining; `open_only` keeps validated orders (still to invoice)."""
    if status and status not in STATUSES:
        raise InvalidValue(f'status "{status}" is not one of {", ".join(STATUSES)}')
    invoiced = (
        select(invoice.c.order_id, billed_sql.signed_sum(invoice, cents(invoice.c.net), BigInteger).label("amount"))
        .where(invoice.c.order_id.is_not(None), billed_sql.reported(invoice))
        .group_by(invoice.c.order_id)
        .subquery()
    )
    handed = _handed_to_contracts()
    query = (
        select(
            sales_order.c.number,
            customer.c.code,
            sales_order.c.status,
            cast(sales_order.c.date, String),  # ISO text on every backend, no date object in between
            cents(sales_order.c.net),
            func.coalesce(invoiced.c.amount, 0),
            cents(sales_order.c.net) - func.coalesce(invoiced.c.amount, 0) - func.coalesce(handed.c.amount, 0),
        )
        .join(customer, customer.c.id == sales_order.c.customer_id)
        .outerjoin(invoiced, invoiced.c.order_id == sales_order.c.id)
        .outerjoin(handed, handed.c.order_id == sales_order.c.id)
        .order_by(sales_order.c.id)
    )
    if status:
        query = query.where(sales_order.c.status == status)
    if open_only:
        query = query.where(sales_order.c.status == Status.VALIDATED)
    with ledger.read_core() as connection:
        if customer_code:
            found = connection.execute(select(customer.c.id).where(customer.c.code == customer_code)).scalar()
            if found is None:
                raise not_found("customer", customer_code)
            query = query.where(sales_order.c.customer_id == found)
        return list(map(_order_row, connection.execute(query)))
