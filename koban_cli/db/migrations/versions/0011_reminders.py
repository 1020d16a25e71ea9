"""getting paid: reminder levels, reminders sent, customers not reminded, credit notes applied to invoices

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28

- company.reminder_levels: days after the due date of each reminder level ("7,30,45"; the last one is
  the formal notice, mise en demeure).
- customer.no_reminders: overdue invoices of this customer are never reminded by `invoice remind`.
- reminder: one row per invoice and level (unique): the level was reached and recorded, with what the
  letter states (amount due, penalty rate, penalties, indemnity) and whether it was emailed.
- credit_application: a credit note applied to an invoice, naming the two payments it recorded
  (method "credit" on the invoice, a refund on the credit note).

Self-contained on purpose: it imports nothing from koban. No table with triggers is rebuilt: columns are
added with plain ALTER TABLE, and the new tables carry their own constraints.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("company", sa.Column("reminder_levels", sa.String(), nullable=False, server_default="7,30,45"))
    op.add_column("customer", sa.Column("no_reminders", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoice.id"), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("formal_notice", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount_due", sa.BigInteger(), nullable=False),  # integer cents, like every Money column
        sa.Column("penalty_rate", sa.BigInteger(), nullable=False),  # hundredths of a percent, like every rate
        sa.Column("penalties", sa.BigInteger(), nullable=False),
        sa.Column("indemnity", sa.BigInteger(), nullable=False),
        sa.Column("lang", sa.String(), nullable=False, server_default="fr"),
        sa.Column("by_email", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("send_error", sa.String(), nullable=True),
        sa.UniqueConstraint("invoice_id", "level", name="uq_reminder_invoice_level"),
    )
    op.create_index("ix_reminder_invoice_id", "reminder", ["invoice_id"])
    op.create_table(
        "credit_application",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("credit_note_id", sa.Integer(), sa.ForeignKey("invoice.id"), nullable=False),
        sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoice.id"), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("payment_id", sa.Integer(), sa.ForeignKey("payment.id"), nullable=False, unique=True),
        sa.Column("refund_id", sa.Integer(), sa.ForeignKey("payment.id"), nullable=False, unique=True),
    )
    op.create_index("ix_credit_application_credit_note_id", "credit_application", ["credit_note_id"])
    op.create_index("ix_credit_application_invoice_id", "credit_application", ["invoice_id"])


def downgrade() -> None:
    op.drop_index("ix_credit_application_invoice_id", table_name="credit_application")
    op.drop_index("ix_credit_application_credit_note_id", table_name="credit_application")
    op.drop_table("credit_application")
    op.drop_index("ix_reminder_invoice_id", table_name="reminder")
    op.drop_table("reminder")
    with op.batch_alter_table("customer") as batch_op:  # neither table has triggers
        batch_op.drop_column("no_reminders")
    with op.batch_alter_table("company") as batch_op:
        batch_op.drop_column("reminder_levels")
