"""accounting: the accounts entries are posted to, the fiscal year, the VAT option

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29

- company.accounts: JSON {"sales_goods": "707100", "vat_20": "445712", …} overriding
  the default chart (see domain/accounting.py).
- company.fiscal_year_end: "MM-DD", the closing day of every fiscal year (the FEC's name).
- company.vat_on_debits: the option for paying VAT on services on debits (invoices)
  rather than on receipts (payments).
- customer.account: the customer's auxiliary account (NULL: 411 followed by the code).
- product.account: the revenue account of a product (NULL: the company's per kind).

Columns without a foreign key: plain ADD COLUMN on SQLite too, no table rebuild, so the
invoice tables' triggers are untouched. Self-contained on purpose: it imports nothing from koban.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("company", sa.Column("accounts", sa.String(), nullable=False, server_default="{}"))
    op.add_column("company", sa.Column("fiscal_year_end", sa.String(), nullable=False, server_default="12-31"))
    op.add_column("company", sa.Column("vat_on_debits", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("customer", sa.Column("account", sa.String(), nullable=True))
    op.add_column("product", sa.Column("account", sa.String(), nullable=True))


def downgrade() -> None:
    # none of these tables carries a trigger, so batch mode (a rebuild on SQLite) is safe here
    with op.batch_alter_table("product") as batch_op:
        batch_op.drop_column("account")
    with op.batch_alter_table("customer") as batch_op:
        batch_op.drop_column("account")
    with op.batch_alter_table("company") as batch_op:
        batch_op.drop_column("vat_on_debits")
        batch_op.drop_column("fiscal_year_end")
        batch_op.drop_column("accounts")
