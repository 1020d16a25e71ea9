"""Database-side protection of validated invoices, and the chain computed from stored rows.

`TRIGGERS` are the ones migration 0006 installed (and `db copy` reinstalls);
migration 0007 replaces `invoice_validated_update` by `invoice_issued_update`
(which also covers the snapshot) and protects payments and archived files.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from koban_cli.db.types import MoneyColumn, QuantityColumn, RateColumn
from koban_cli.domain.integrity import INVOICE_FIELDS, LINE_FIELDS, ORIGINAL, content, link

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
    "net": MoneyColumn,
    "tax": MoneyColumn,
    "gross": MoneyColumn,
    "unit_price": MoneyColumn,
    "qty": QuantityColumn,
    "discount": RateColumn,
    "vat_rate": RateColumn,
}


def _values(row: dict) -> dict:
    """Stored integers back to the Decimals the chain is computed on (as the ORM reads them)."""
    return {k: (_DECIMALS[k].process_result_value(v, None) if k in _DECIMALS else v) for k, v in row.items()}


def _lines(connection: Connection, invoice_id: int) -> list[dict]:
    rows = connection.execute(
        text(f"SELECT {', '.join(LINE_FIELDS)} FROM invoice_line WHERE invoice_id = :id ORDER BY position"),
        {"id": invoice_id},
    ).mappings()
    return [_values(dict(line)) for line in rows]


def stored_content(connection: Connection, invoice_id: int) -> str:
    """The text the invoice's chain link covers, as its `chain_version` says it was computed."""
    row = dict(
        connection.execute(
            text(f"SELECT {', '.join(INVOICE_FIELDS)}, chain_version, snapshot FROM invoice WHERE id = :id"),
            {"id": invoice_id},
        )
        .mappings()
        .one()
    )
    version, snapshot = row.pop("chain_version") or ORIGINAL, row.pop("snapshot")
    return content(_values(row), _lines(connection, invoice_id), version, snapshot)


def _original_content(connection: Connection, invoice_id: int) -> str:
    """Version 1 content, readable before migration 0007 added `chain_version` and `snapshot`."""
    invoice = (
        connection.execute(text(f"SELECT {', '.join(INVOICE_FIELDS)} FROM invoice WHERE id = :id"), {"id": invoice_id})
        .mappings()
        .one()
    )
    return content(_values(dict(invoice)), _lines(connection, invoice_id))


def backfill_chain(connection: Connection) -> None:
    """Chain the invoices validated before the chain existed, in the order of their ids (migration 0006)."""
    previous = None
    ids = connection.execute(text("SELECT id FROM invoice WHERE status = 'validated' ORDER BY id")).scalars().all()
    for index, invoice_id in enumerate(ids, start=1):
        previous = link(previous, _original_content(connection, invoice_id))
        connection.execute(
            text("UPDATE invoice SET chain_index = :i, chain_hash = :h WHERE id = :id"),
            {"i": index, "h": previous, "id": invoice_id},
        )


_PAYMENTS = "payments are never changed or deleted; record a refund or a credit note instead"
_ARCHIVE = "archived invoice files are never changed or deleted"
_ISSUED = " OR ".join(
    f"NEW.{c} IS NOT OLD.{c}"
    for c in INVOICE_FIELDS + ("status", "chain_index", "chain_hash", "note", "chain_version", "snapshot")
)

# The triggers a ledger at the newest revision has (0006's, with the invoice one widened by 0007), for `db copy`
# to drop and put back; migration 0007 holds its own copy of the same text, as migrations must.
CURRENT_TRIGGERS = {name: sql for name, sql in TRIGGERS.items() if name != "invoice_validated_update"} | {
    "invoice_issued_update": "CREATE TRIGGER invoice_issued_update BEFORE UPDATE ON invoice "
    f"WHEN OLD.status = 'validated' AND ({_ISSUED}) BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
    "payment_update": "CREATE TRIGGER payment_update BEFORE UPDATE ON payment "
    f"BEGIN SELECT RAISE(ABORT, '{_PAYMENTS}'); END",
    "payment_delete": "CREATE TRIGGER payment_delete BEFORE DELETE ON payment "
    f"BEGIN SELECT RAISE(ABORT, '{_PAYMENTS}'); END",
    "invoice_archive_update": "CREATE TRIGGER invoice_archive_update BEFORE UPDATE ON invoice_archive "
    f"BEGIN SELECT RAISE(ABORT, '{_ARCHIVE}'); END",
    "invoice_archive_delete": "CREATE TRIGGER invoice_archive_delete BEFORE DELETE ON invoice_archive "
    f"BEGIN SELECT RAISE(ABORT, '{_ARCHIVE}'); END",
}
