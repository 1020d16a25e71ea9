"""invoice hash chain and immutability

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

Adds the hash chain columns, chains the invoices already validated (in the
order of their ids), and on SQLite installs triggers that refuse any change
to a validated invoice or its lines. A later migration that rebuilds the
invoice tables in batch mode must create these triggers again.
"""

import sqlalchemy as sa
from alembic import op

from koban_cli.db.integrity_sql import TRIGGERS, backfill_chain

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
