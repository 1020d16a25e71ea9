"""What counts as billed, in SQL over an invoice table.

Credit notes count negative. Two views of "billed" exist:
- reported: validated documents only (what `order show` calls invoiced);
- committed: validated documents plus draft invoices (not draft credit
  notes), so that two drafts can never bill the same quantities and a
  draft credit note frees nothing until it is validated.

The table is the ORM's (`Invoice.__table__`) in services, or a lightweight
`sqlalchemy.table()` in reports that must start without the ORM; only
SQLAlchemy Core is imported here.
"""

from __future__ import annotations

from sqlalchemy import and_, case, func, or_, type_coerce

from koban_cli.domain.kinds import InvoiceKind, Status


def is_credit(invoice):
    return invoice.c.kind == InvoiceKind.CREDIT_NOTE


def reported(invoice):
    return invoice.c.status == Status.VALIDATED


def committed(invoice):
    return or_(reported(invoice), and_(invoice.c.status == Status.DRAFT, ~is_credit(invoice)))


def signed_sum(invoice, column, sa_type):
    """SUM(column), credit notes negative, 0 when nothing matches."""
    return type_coerce(func.coalesce(func.sum(case((is_credit(invoice), -column), else_=column)), 0), sa_type)
