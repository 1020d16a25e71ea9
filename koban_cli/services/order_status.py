"""An order's status follows what is billed: `invoiced` (soldée) when every line is billed and every
deposit deducted, back to `validated` after a credit note. Invoicing and contracts call it after a
change; it sits below both families, with the sums it reads (billed.py)."""

from __future__ import annotations

from sqlmodel import Session

from koban_cli.db.models import SalesOrder
from koban_cli.domain.kinds import Status
from koban_cli.services import billed
from koban_cli.services import lines as doc_lines


def refresh(session: Session, order: SalesOrder) -> None:
    if order.status not in (Status.VALIDATED, Status.INVOICED):
        return
    settled = billed.settlement(session, order, doc_lines.lines_of(session, order))
    order.status = Status.INVOICED if settled.done else Status.VALIDATED
    session.add(order)
