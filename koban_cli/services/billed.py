"""What has been billed: the sums every invoicing rule reads (the SQL is in billing_sql)."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from sqlalchemy import func
from sqlmodel import Session, select

from koban_cli.db.models import Invoice, InvoiceLine, OrderLine, Payment, SalesOrder
from koban_cli.db.types import Money, Quantity
from koban_cli.domain.billing import Billable, OpenDeposit
from koban_cli.domain.values import ZERO
from koban_cli.services import billing_sql

INVOICE = Invoice.__table__
REPORTED = billing_sql.reported(INVOICE)
COMMITTED = billing_sql.committed(INVOICE)


def signed_sum(column, sa_type):
    return billing_sql.signed_sum(INVOICE, column, sa_type)


def invoiced_by_order(session: Session, order_ids: Iterable[int] | None = None, committed: bool = False):
    """`{order_id: invoiced}` in one aggregate; all orders when `order_ids` is None."""
    query = (
        select(Invoice.order_id, signed_sum(Invoice.net, Money))
        .where(Invoice.order_id.is_not(None), COMMITTED if committed else REPORTED)
        .group_by(Invoice.order_id)
    )
    if order_ids is not None:
        query = query.where(Invoice.order_id.in_(list(order_ids)))
    return dict(session.exec(query).all())


def invoiced(session: Session, order: SalesOrder, committed: bool = False) -> Decimal:
    return invoiced_by_order(session, [order.id], committed).get(order.id, ZERO)


def line_usage(session: Session, order: SalesOrder, committed: bool) -> dict[int, tuple[Decimal, Decimal]]:
    """`{order_line_id: (qty billed, net billed)}`."""
    query = (
        select(InvoiceLine.order_line_id, signed_sum(InvoiceLine.qty, Quantity), signed_sum(InvoiceLine.net, Money))
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .join(OrderLine, OrderLine.id == InvoiceLine.order_line_id)
        .where(OrderLine.order_id == order.id, COMMITTED if committed else REPORTED)
        .group_by(InvoiceLine.order_line_id)
    )
    return {line_id: (qty, net) for line_id, qty, net in session.exec(query)}


def billable(line, used: dict[int, tuple[Decimal, Decimal]], **anchors) -> Billable:
    """An order or invoice line with what is already used of it (`used` by line id)."""
    qty_used, net_used = used.get(line.id, (ZERO, ZERO))
    return Billable(
        line_id=line.id,
        position=line.position,
        description=line.description,
        qty=line.qty,
        unit_price=line.unit_price,
        discount=line.discount,
        vat_rate=line.vat_rate,
        net=line.net,
        qty_used=qty_used,
        net_used=net_used,
        product_id=line.product_id,
        **anchors,
    )


def billables(session: Session, order: SalesOrder, lines: list[OrderLine]) -> list[Billable]:
    usage = line_usage(session, order, committed=True)
    return [billable(line, usage, order_line_id=line.id) for line in lines if line.kind != "text"]


def open_deposits(session: Session, order: SalesOrder) -> list[OpenDeposit]:
    """Validated deposit lines of the order with what is left to deduct (drafts count)."""
    deposit_lines = session.exec(
        select(InvoiceLine, Invoice.number)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.order_id == order.id, Invoice.kind == "deposit", Invoice.status == "validated")
        .order_by(Invoice.number, InvoiceLine.position)
    ).all()
    used = dict(
        session.exec(
            select(InvoiceLine.deposit_line_id, signed_sum(InvoiceLine.net, Money))
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .where(
                InvoiceLine.deposit_line_id.in_([line.id for line, _ in deposit_lines]),
                Invoice.status.in_(("draft", "validated")),
            )
            .group_by(InvoiceLine.deposit_line_id)
        ).all()
    )
    return [
        OpenDeposit(line.id, number, line.vat_rate, line.net + used.get(line.id, ZERO))
        for line, number in deposit_lines
    ]


def credit_usage(session: Session, invoice: Invoice) -> dict[int, tuple[Decimal, Decimal]]:
    """`{invoice_line_id: (qty credited, net credited)}` by draft or validated credit notes."""
    query = (
        select(InvoiceLine.source_line_id, func.sum(InvoiceLine.qty), func.sum(InvoiceLine.net))
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.credited_invoice_id == invoice.id, Invoice.status.in_(("draft", "validated")))
        .group_by(InvoiceLine.source_line_id)
    )
    return {line_id: (qty, net) for line_id, qty, net in session.exec(query)}


def paid_by_invoice(session: Session, invoice_ids: Iterable[int]) -> dict[int, Decimal]:
    query = (
        select(Payment.invoice_id, func.sum(Payment.amount))
        .where(Payment.invoice_id.in_(list(invoice_ids)))
        .group_by(Payment.invoice_id)
    )
    return dict(session.exec(query).all())
