"""What has been billed: the sums every invoicing rule reads (the SQL is in billing_sql)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Iterable

from sqlalchemy import func
from sqlmodel import Session, select

from koban_cli.db.models import Contract, ContractLine, Invoice, InvoiceLine, OrderLine, Payment, SalesOrder
from koban_cli.db.types import Money
from koban_cli.domain import billing
from koban_cli.domain.billing import Billable, OpenDeposit, Terms
from koban_cli.domain.values import ZERO
from koban_cli.services import billing_sql

INVOICE = Invoice.__table__
REPORTED = billing_sql.reported(INVOICE)
COMMITTED = billing_sql.committed(INVOICE)
CREDIT = "credit_note"


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


def invoiced_by_project(session: Session, project_ids: Iterable[int]) -> dict[int, Decimal]:
    """`{project_id: invoiced}` by the invoices linked to a project without an order (credit notes negative)."""
    query = (
        select(Invoice.project_id, signed_sum(Invoice.net, Money))
        .where(Invoice.project_id.in_(list(project_ids)), REPORTED)
        .group_by(Invoice.project_id)
    )
    return dict(session.exec(query).all())


def invoiced(session: Session, order: SalesOrder, committed: bool = False) -> Decimal:
    return invoiced_by_order(session, [order.id], committed).get(order.id, ZERO)


def _usage(session: Session, anchor, terms: dict[int, Terms], statuses) -> dict[int, tuple[Decimal, Decimal]]:
    """What the lines anchored to `terms`' lines (by `anchor`, an InvoiceLine column) have used of them."""
    if not terms:
        return {}
    rows = session.exec(
        select(anchor, InvoiceLine.qty, InvoiceLine.unit_price, InvoiceLine.discount, InvoiceLine.net, Invoice.kind)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(anchor.in_(list(terms)), statuses)
    )
    return billing.usage(
        terms,
        ((line_id, qty, price, discount, net, kind == CREDIT) for line_id, qty, price, discount, net, kind in rows),
    )


def terms_of(lines) -> dict[int, Terms]:
    return {line.id: Terms(line.qty, line.unit_price, line.discount, line.net) for line in lines if line.kind != "text"}


def line_usage(session: Session, lines: list[OrderLine], committed: bool) -> dict[int, tuple[Decimal, Decimal]]:
    """`{order_line_id: (qty billed, net billed)}`, credit notes negative."""
    return _usage(session, InvoiceLine.order_line_id, terms_of(lines), COMMITTED if committed else REPORTED)


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


def billables(session: Session, lines: list[OrderLine], committed: bool = True) -> list[Billable]:
    """The order's priced lines with what is billed of them. A line handed over to a contract made from
    the order is billed by the contract from then on: what the order did not bill of it is closed."""
    usage = line_usage(session, lines, committed)
    handed = handed_to_contracts(session, [line.id for line in lines])
    found = []
    for line in lines:
        if line.kind == "text":
            continue
        made = billable(line, usage, order_line_id=line.id)
        if line.id in handed:
            made = replace(made, qty=made.qty_used, net=made.net_used)
        found.append(made)
    return found


def handed_to_contracts(session: Session, order_line_ids: list[int]) -> set[int]:
    """The order lines that a contract (not cancelled) bills."""
    if not order_line_ids:
        return set()
    return set(
        session.exec(
            select(ContractLine.order_line_id)
            .join(Contract, Contract.id == ContractLine.contract_id)
            .where(ContractLine.order_line_id.in_(order_line_ids), Contract.status != "cancelled")
        )
    )


def open_deposits(session: Session, order: SalesOrder, committed: bool = True) -> list[OpenDeposit]:
    """Validated deposit lines of the order with what is left to deduct: deductions and credits taken
    off (those of drafts too when `committed`, so two drafts never take the same deposit)."""
    deposit_lines = session.exec(
        select(InvoiceLine, Invoice.number)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.order_id == order.id, Invoice.kind == "deposit", Invoice.status == "validated")
        .order_by(Invoice.number, InvoiceLine.position)
    ).all()
    if not deposit_lines:
        return []
    statuses = Invoice.status.in_(("draft", "validated")) if committed else REPORTED
    used = dict(
        session.exec(
            select(InvoiceLine.deposit_line_id, signed_sum(InvoiceLine.net, Money))
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .where(InvoiceLine.deposit_line_id.in_([line.id for line, _ in deposit_lines]), statuses)
            .group_by(InvoiceLine.deposit_line_id)
        ).all()
    )
    return [
        OpenDeposit(line.id, number, line.vat_rate, line.net + used.get(line.id, ZERO))
        for line, number in deposit_lines
    ]


@dataclass(frozen=True)
class Settlement:
    """Where an order stands (validated documents only): what its lines have left to bill and its
    deposits to deduct. It is soldée when both are nothing."""

    qty_billed: dict[int, Decimal]
    lines_left: Decimal
    deposits_left: Decimal

    @property
    def done(self) -> bool:
        return not self.lines_left and not self.deposits_left


def settlement(session: Session, order: SalesOrder, lines: list[OrderLine]) -> Settlement:
    priced = billables(session, lines, committed=False)
    deposits = open_deposits(session, order, committed=False)
    return Settlement(
        {line.line_id: line.qty_used for line in priced},
        sum((line.net_left for line in priced), ZERO),
        sum((deposit.amount for deposit in deposits), ZERO),
    )


def credit_usage(session: Session, lines: list[InvoiceLine]) -> dict[int, tuple[Decimal, Decimal]]:
    """`{invoice_line_id: (qty credited, net credited)}` by draft or validated credit notes."""
    used = _usage(session, InvoiceLine.source_line_id, terms_of(lines), Invoice.status.in_(("draft", "validated")))
    return {line_id: (-qty, -net) for line_id, (qty, net) in used.items()}  # credit notes count negative there


def paid_by_invoice(session: Session, invoice_ids: Iterable[int]) -> dict[int, Decimal]:
    query = (
        select(Payment.invoice_id, func.sum(Payment.amount))
        .where(Payment.invoice_id.in_(list(invoice_ids)))
        .group_by(Payment.invoice_id)
    )
    return dict(session.exec(query).all())
