"""invoice hash chain and immutability

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

Adds the hash chain columns, chains the invoices already validated (in the
order of their ids), and on SQLite installs triggers that refuse any change
to a validated invoice or its lines. A later migration that rebuilds the
invoice tables in batch mode must create these triggers again.
"""

import hashlib
import json
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

# Self-contained: the triggers and the version-1 chain exactly as koban wrote them at this revision, so the
# migration stays what it was whatever the live code becomes.
_MESSAGE = "validated invoices are immutable; correct them with a credit note"
_CHANGED = " OR ".join(
    f"NEW.{c} IS NOT OLD.{c}"
    for c in (
        "number", "kind", "date", "due_date", "customer_id", "order_id", "credited_invoice_id", "contract_id", "net",
        "tax", "gross", "status", "chain_index", "chain_hash", "note",
    )
)
_VALIDATED = "(SELECT status FROM invoice WHERE id = {}.invoice_id) = 'validated'"
_RAISE = f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
TRIGGERS = {
    "invoice_validated_update": "CREATE TRIGGER invoice_validated_update BEFORE UPDATE ON invoice "
    f"WHEN OLD.status = 'validated' AND ({_CHANGED}) {_RAISE}",
    "invoice_validated_delete": "CREATE TRIGGER invoice_validated_delete BEFORE DELETE ON invoice "
    f"WHEN OLD.status = 'validated' {_RAISE}",
    "invoice_line_validated_update": "CREATE TRIGGER invoice_line_validated_update BEFORE UPDATE ON invoice_line "
    f"WHEN {_VALIDATED.format('OLD')} {_RAISE}",
    "invoice_line_validated_delete": "CREATE TRIGGER invoice_line_validated_delete BEFORE DELETE ON invoice_line "
    f"WHEN {_VALIDATED.format('OLD')} {_RAISE}",
    "invoice_line_validated_insert": "CREATE TRIGGER invoice_line_validated_insert BEFORE INSERT ON invoice_line "
    f"WHEN {_VALIDATED.format('NEW')} {_RAISE}",
}
INVOICE_FIELDS = (
    "number", "kind", "date", "due_date", "customer_id", "order_id", "credited_invoice_id", "contract_id", "net",
    "tax", "gross",
)
LINE_FIELDS = (
    "position", "kind", "product_id", "description", "qty", "unit_price", "discount", "vat_rate", "net",
    "period_start", "period_end", "order_line_id", "deposit_line_id", "source_line_id",
)
_PLACES = {"net": 2, "tax": 2, "gross": 2, "unit_price": 2, "qty": 3, "discount": 2, "vat_rate": 2}


def _text(name: str, value) -> str | None:
    """A stored value as the chain writes it: scaled integers back to their decimals, dates in ISO."""
    if value is None:
        return None
    if name in _PLACES:
        return str(Decimal(int(value)).scaleb(-_PLACES[name]))
    return str(value)


def backfill_chain(connection) -> None:
    """Chain the invoices validated before the chain existed, in the order of their ids."""
    previous = "0" * 64
    ids = connection.execute(sa.text("SELECT id FROM invoice WHERE status = 'validated' ORDER BY id")).scalars()
    for index, invoice_id in enumerate(list(ids), start=1):
        invoice = connection.execute(
            sa.text(f"SELECT {', '.join(INVOICE_FIELDS)} FROM invoice WHERE id = :id"), {"id": invoice_id}
        ).mappings().one()
        lines = connection.execute(
            sa.text(f"SELECT {', '.join(LINE_FIELDS)} FROM invoice_line WHERE invoice_id = :id ORDER BY position"),
            {"id": invoice_id},
        ).mappings().all()
        content = json.dumps(
            {
                "invoice": [_text(k, invoice[k]) for k in INVOICE_FIELDS],
                "lines": [[_text(k, line[k]) for k in LINE_FIELDS] for line in lines],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        previous = hashlib.sha256((previous + content).encode()).hexdigest()
        connection.execute(
            sa.text("UPDATE invoice SET chain_index = :i, chain_hash = :h WHERE id = :id"),
            {"i": index, "h": previous, "id": invoice_id},
        )

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("invoice", sa.Column("chain_index", sa.Integer(), nullable=True))
    op.add_column("invoice", sa.Column("chain_hash", sa.String(), nullable=True))
    op.create_index("ix_invoice_chain_index", "invoice", ["chain_index"], unique=True)
    backfill_chain(op.get_bind())
    if op.get_bind().dialect.name == "sqlite":
        for name, sql in TRIGGERS.items():
            op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_invoice_chain_index", table_name="invoice")
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_column("chain_hash")
        batch_op.drop_column("chain_index")
