"""contract lifecycle: customers who take no email, invoices linked to a project

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28

- customer.no_email: invoices are never emailed to this customer
  (`invoice send --unsent` and `bill-due --send` skip it).
- invoice.project_id: an invoice made for a project without an order
  (`invoice create --project AF-…`), so the project's invoiced amount is real.

Self-contained on purpose: it imports nothing from koban.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("customer", sa.Column("no_email", sa.Boolean(), nullable=False, server_default=sa.false()))
    if op.get_bind().dialect.name == "sqlite":  # a batch rebuild would drop the invoice table's triggers
        op.execute("ALTER TABLE invoice ADD COLUMN project_id INTEGER REFERENCES project (id)")
    else:
        op.add_column("invoice", sa.Column("project_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_invoice_project_id", "invoice", "project", ["project_id"], ["id"])
    op.create_index("ix_invoice_project_id", "invoice", ["project_id"])


def downgrade() -> None:
    bind = op.get_bind()
    triggers = []
    if bind.dialect.name == "sqlite":  # batch mode rebuilds the tables: their triggers come back after
        triggers = bind.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall()
        for name, _ in triggers:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index("ix_invoice_project_id", table_name="invoice")
    with op.batch_alter_table("invoice") as batch_op:
        batch_op.drop_column("project_id")
    with op.batch_alter_table("customer") as batch_op:
        batch_op.drop_column("no_email")
    for _, sql in triggers:
        op.execute(sql)
