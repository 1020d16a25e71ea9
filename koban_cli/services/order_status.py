"""An order's status follows what is billed: `invoiced` (soldée) when every line is billed and every
deposit deducted, back to `validated` after a credit note. Invoicing and contracts call it after a
change; it sits below both families, with the sums it reads (billed.py).

`refresh` runs Core statements over db/tables.py on `db`, an ORM `Session` or a Core `Connection`
(as services/lines.py): the order is a model object, kept in step with what is written, or a
`lines.Draft` (its row)."""

from __future__ import annotations

from sqlalchemy import update

from koban_cli.db import tables
from koban_cli.domain.kinds import Status
from koban_cli.services import billed
from koban_cli.services import lines as doc_lines


def refresh(db, order) -> None:
    values = doc_lines.values_of(order)
    if values.status not in (Status.VALIDATED, Status.INVOICED):
        return
    settled = billed.settlement(db, values, doc_lines.lines_of(db, order))
    status = Status.INVOICED if settled.done else Status.VALIDATED
    if status == values.status:
        return
    db.execute(update(tables.sales_order).where(tables.sales_order.c.id == values.id).values(status=status))
    if values is order:  # a model object: it holds what was written, so the ORM has nothing more to write
        from sqlalchemy.orm.attributes import set_committed_value

        set_committed_value(order, "status", status)
