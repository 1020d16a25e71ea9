"""Database-side protection of validated invoices, and the chain computed from stored rows."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from koban_cli.db.types import Money, Quantity, Rate
from koban_cli.domain.integrity import INVOICE_FIELDS, LINE_FIELDS, content, link

_MESSAGE = "validated invoices are immutable; correct them with a credit note"
_CHANGED = " OR ".join(
    f"NEW.{c} IS NOT OLD.{c}" for c in INVOICE_FIELDS + ("status", "chain_index", "chain_hash", "note")
)
_VALIDATED = "(SELECT status FROM invoice WHERE id = {}.invoice_id) = 'validated'"

TRIGGERS = {
    "invoice_validated_update": f"CREATE TRIGGER invoice_validated_update BEFORE UPDATE ON invoice "
    f"WHEN OLD.status = 'validated' AND ({_CHANGED}) "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
    "invoice_validated_delete": f"CREATE TRIGGER invoice_validated_delete BEFORE DELETE ON invoice "
    f"WHEN OLD.status = 'validated' BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
    "invoice_line_validated_update": f"CREATE TRIGGER invoice_line_validated_update BEFORE UPDATE ON invoice_line "
    f"WHEN {_VALIDATED.format('OLD')} BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
    "invoice_line_validated_delete": f"CREATE TRIGGER invoice_line_validated_delete BEFORE DELETE ON invoice_line "
    f"WHEN {_VALIDATED.format('OLD')} BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
    "invoice_line_validated_insert": f"CREATE TRIGGER invoice_line_validated_insert BEFORE INSERT ON invoice_line "
    f"WHEN {_VALIDATED.format('NEW')} BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
}

_DECIMALS = {
    "net": Money,
    "tax": Money,
    "gross": Money,
    "unit_price": Money,
    "qty": Quantity,
    "discount": Rate,
    "vat_rate": Rate,
}


def _values(row: dict) -> dict:
    """Stored integers back to the Decimals the chain is computed on (as the ORM reads them)."""
    return {k: (_DECIMALS[k].process_result_value(v, None) if k in _DECIMALS else v) for k, v in row.items()}


def stored_content(connection: Connection, invoice_id: int) -> str:
    invoice = (
        connection.execute(text(f"SELECT {', '.join(INVOICE_FIELDS)} FROM invoice WHERE id = :id"), {"id": invoice_id})
        .mappings()
        .one()
    )
    lines = (
        connection.execute(
            text(f"SELECT {', '.join(LINE_FIELDS)} FROM invoice_line WHERE invoice_id = :id ORDER BY position"),
            {"id": invoice_id},
        )
        .mappings()
        .all()
    )
    return content(_values(dict(invoice)), [_values(dict(line)) for line in lines])


def backfill_chain(connection: Connection) -> None:
    """Chain the invoices validated before the chain existed, in the order of their ids."""
    previous = None
    ids = connection.execute(text("SELECT id FROM invoice WHERE status = 'validated' ORDER BY id")).scalars().all()
    for index, invoice_id in enumerate(ids, start=1):
        previous = link(previous, stored_content(connection, invoice_id))
        connection.execute(
            text("UPDATE invoice SET chain_index = :i, chain_hash = :h WHERE id = :id"),
            {"i": index, "h": previous, "id": invoice_id},
        )
