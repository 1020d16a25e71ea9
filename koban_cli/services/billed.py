"""What has been billed: the sums every invoicing rule reads (the SQL is in billed_sql).

Written in SQLAlchemy Core over db/tables.py, so the same functions serve a
write (an ORM `Session`) and a read command that never imports the ORM (a Core
`Connection`): both `execute()` a Core select.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Iterable

from sqlalchemy import func, select, type_coerce

from koban_cli.db.tables import contract, contract_line, invoice, invoice_line, payment
from koban_cli.db.types import MoneyColumn
from koban_cli.domain import billing
from koban_cli.domain.billing import Billable, OpenDeposit, Terms
from koban_cli.domain.kinds import InvoiceKind, LineKind, Status
from koban_cli.domain.values import ZERO
from koban_cli.services import billed_sql

REPORTED = billed_sql.reported(invoice)
COMMITTED = billed_sql.committed(invoice)

DRAFT_OR_VALIDATED = invoice.c.status.in_((Status.DRAFT, Status.VALIDATED))


def signed_sum(column, sa_type):
    return billed_sql.signed_sum(invoice, column, sa_type)


def invoiced_by_order(db, order_ids: Iterable[int] | None = None, committed: bool = False):
    """`{order_id: invoiced}` in one aggregate; all orders when `order_ids` is None."""
    query = (
        select(invoice.c.order_id, signed_sum(invoice.c.net, MoneyColumn))
        .where(invoice.c.order_id.is_not(None), COMMITTED if committed else REPORTED)
        .group_by(invoice.c.order_id)
    )
    if order_ids is not None:
        query = query.where(invoice.c.order_id.in_(list(order_ids)))
    return dict(db.execute(query).all())


def invoiced_by_project(db, project_ids: Iterable[int]) -> dict[int, Decimal]:
    """`{project_id: invoiced}` by the invoices linked to a project without an order (credit notes negative)."""
    query = (
        select(invoice.c.project_id, signed_sum(invoice.c.net, MoneyColumn))
        .where(invoice.c.project_id.in_(list(project_ids)), REPORTED)
        .group_by(invoice.c.project_id)
    )
    return dict(db.execute(query).all())


def invoiced(db, order, committed: bool = False) -> Decimal:
    return invoiced_by_order(db, [order.id], committed).get(order.id, ZERO)


def _usage(db, anchor, terms: dict[int, Terms], statuses) -> dict[int, tuple[Decimal, Decimal]]:
    """What the lines anchored to `terms`' lines (by `anchor`, an invoice_line column) have used of them."""
    if not terms:
        return {}
    line = invoice_line.c
    rows = db.execute(
        select(anchor, line.qty, line.unit_price, line.discount, line.net, invoice.c.kind)
        .join(invoice, invoice.c.id == line.invoice_id)
        .where(anchor.in_(list(terms)), statuses)
    )
    return billing.usage(
        terms,
        (
            (line_id, qty, price, discount, net, kind == InvoiceKind.CREDIT_NOTE)
            for line_id, qty, price, discount, net, kind in rows
        ),
    )


def terms_of(lines) -> dict[int, Terms]:
    return {
        line.id: Terms(line.qty, line.unit_price, line.discount, line.net)
        for line in lines
        if line.kind != LineKind.TEXT
    }


def line_usage(db, lines, committed: bool) -> dict[int, tuple[Decimal, Decimal]]:
    """`{order_line_id: (qty billed, net billed)}` of order lines, credit notes negative."""
    return _usage(db, invoice_line.c.order_line_id, terms_of(lines), COMMITTED if committed else REPORTED)


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


def billables(db, lines, committed: bool = True) -> list[Billable]:
    """The order's priced lines with what is billed of them. A line handed over to a contract made from
    the order is billed by the contract from then on: what the order did not bill of it is closed."""
    usage = line_usage(db, lines, committed)
    handed = handed_to_contracts(db, [line.id for line in lines])
    found = []
    for line in lines:
        if line.kind == LineKind.TEXT:
            continue
        made = billable(line, usage, order_line_id=line.id)
        if line.id in handed:
            made = replace(made, qty=made.qty_used, net=made.net_used)
        found.append(made)
    return found


def handed_to_contracts(db, order_line_ids: list[int]) -> set[int]:
    """The order lines that a contract (not cancelled) bills."""
    if not order_line_ids:
        return set()
    return set(
        db.execute(
            select(contract_line.c.order_line_id)
            .join(contract, contract.c.id == contract_line.c.contract_id)
            .where(contract_line.c.order_line_id.in_(order_line_ids), contract.c.status != Status.CANCELLED)
        ).scalars()
    )


def open_deposits(db, order, committed: bool = True) -> list[OpenDeposit]:
    """Validated deposit lines of the order with what is left to deduct: deductions and credits taken
    off (those of drafts too when `committed`, so two drafts never take the same deposit)."""
    line = invoice_line.c
    deposit_lines = db.execute(
        select(line.id, invoice.c.number, line.vat_rate, line.net)
        .join(invoice, invoice.c.id == line.invoice_id)
        .where(
            invoice.c.order_id == order.id, invoice.c.kind == InvoiceKind.DEPOSIT, invoice.c.status == Status.VALIDATED
        )
        .order_by(invoice.c.number, line.position)
    ).all()
    if not deposit_lines:
        return []
    used = dict(
        db.execute(
            select(line.deposit_line_id, signed_sum(line.net, MoneyColumn))
            .join(invoice, invoice.c.id == line.invoice_id)
            .where(
                line.deposit_line_id.in_([row.id for row in deposit_lines]),
                DRAFT_OR_VALIDATED if committed else REPORTED,
            )
            .group_by(line.deposit_line_id)
        ).all()
    )
    return [
        OpenDeposit(line_id, number, rate, net + used.get(line_id, ZERO))
        for line_id, number, rate, net in deposit_lines
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


def settlement(db, order, lines) -> Settlement:
    priced = billables(db, lines, committed=False)
    deposits = open_deposits(db, order, committed=False)
    return Settlement(
        {line.line_id: line.qty_used for line in priced},
        sum((line.net_left for line in priced), ZERO),
        sum((deposit.amount for deposit in deposits), ZERO),
    )


def credit_usage(db, lines) -> dict[int, tuple[Decimal, Decimal]]:
    """`{invoice_line_id: (qty credited, net credited)}` by draft or validated credit notes."""
    used = _usage(db, invoice_line.c.source_line_id, terms_of(lines), DRAFT_OR_VALIDATED)
    return {line_id: (-qty, -net) for line_id, (qty, net) in used.items()}  # credit notes count negative there


def paid_by_invoice(db, invoice_ids: Iterable[int]) -> dict[int, Decimal]:
    query = (
        select(payment.c.invoice_id, type_coerce(func.sum(payment.c.amount), MoneyColumn))
        .where(payment.c.invoice_id.in_(list(invoice_ids)))
        .group_by(payment.c.invoice_id)
    )
    return dict(db.execute(query).all())
