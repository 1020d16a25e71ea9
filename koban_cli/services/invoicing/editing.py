"""Editing the lines of a standalone draft invoice, on SQLAlchemy Core (`Ledger.write_core`): `invoice
add-line` and `invoice remove-line` never import the ORM. A draft computed from an order or an invoice (a
deposit, a balance, a credit note) is not edited: it is deleted and drafted again."""

from __future__ import annotations

from koban_cli.db.engine import Ledger
from koban_cli.domain.kinds import InvoiceKind, Status
from koban_cli.errors import InvalidState
from koban_cli.services import lines as doc_lines
from koban_cli.services import lookup
from koban_cli.services.views import LineChanged


def _editable(db, ref: str) -> doc_lines.Draft:
    """The standalone draft invoice, locked (its validation waits, or it waits for its validation)."""
    draft = doc_lines.locked(db, doc_lines.INVOICE, lookup.invoice_row(db, ref))
    invoice = draft.row
    if invoice.status != Status.DRAFT:
        raise InvalidState(f"{ref} is validated; correct it with a credit note (koban invoice credit {ref})")
    if invoice.order_id or invoice.kind == InvoiceKind.CREDIT_NOTE:
        raise InvalidState(f"{ref} was computed from its order or invoice; delete it and draft it again")
    return draft


def add_line(ledger: Ledger, ref: str, spec: doc_lines.LineInput) -> LineChanged:
    return doc_lines.add_line(ledger, ref, spec, _editable)


def remove_line(ledger: Ledger, ref: str, position: int) -> None:
    doc_lines.remove_line(ledger, ref, position, _editable)
