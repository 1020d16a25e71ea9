"""e-invoicing reform: customers' kind, VAT regime and delivery address; an order's delivery address; strict mentions

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28

- customer.kind: company (default) or individual (no SIREN needed, French VAT on EU sales).
- customer.vat_regime: a regime forced for every line (S, K, AE, G, O); NULL derives it.
- customer.delivery_*: where goods go when it is not the billing address (printed, BT-70..80).
- sales_order.delivery_*: an order's own delivery address, over the customer's.
- company.strict_mentions: a missing mandatory mention refuses validation instead of warning.
- customer.country: country names typed before codes were checked become ISO codes where the
  name is a usual one (the others are read as their first two letters until edited).

Self-contained on purpose: it imports nothing from koban. No table with triggers is touched.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ADDRESS = ("delivery_address", "delivery_postcode", "delivery_city", "delivery_country")
# names a user may have typed in `customer add --country` before 0010 (French, then English)
COUNTRY_NAMES = {
    "france": "FR",
    "allemagne": "DE",
    "germany": "DE",
    "belgique": "BE",
    "belgium": "BE",
    "espagne": "ES",
    "spain": "ES",
    "italie": "IT",
    "italy": "IT",
    "suisse": "CH",
    "switzerland": "CH",
    "luxembourg": "LU",
    "pays-bas": "NL",
    "netherlands": "NL",
    "royaume-uni": "GB",
    "united kingdom": "GB",
    "états-unis": "US",
    "etats-unis": "US",
    "united states": "US",
    "usa": "US",
    "canada": "CA",
    "monaco": "MC",
    "portugal": "PT",
    "irlande": "IE",
    "ireland": "IE",
    "autriche": "AT",
    "austria": "AT",
}


def upgrade() -> None:
    op.add_column("customer", sa.Column("kind", sa.String(), nullable=False, server_default="company"))
    op.add_column("customer", sa.Column("vat_regime", sa.String(), nullable=True))
    for table in ("customer", "sales_order"):
        for column in ADDRESS:
            op.add_column(table, sa.Column(column, sa.String(), nullable=True))
    op.add_column("company", sa.Column("strict_mentions", sa.Boolean(), nullable=False, server_default=sa.false()))
    customer = sa.table("customer", sa.column("country", sa.String()))
    for name, code in COUNTRY_NAMES.items():
        op.execute(customer.update().where(sa.func.lower(customer.c.country) == name).values(country=code))


def downgrade() -> None:
    # customer, sales_order and company have no triggers: batch mode may rebuild them
    with op.batch_alter_table("company") as batch_op:
        batch_op.drop_column("strict_mentions")
    with op.batch_alter_table("sales_order") as batch_op:
        for column in ADDRESS:
            batch_op.drop_column(column)
    with op.batch_alter_table("customer") as batch_op:
        for column in ("kind", "vat_regime", *ADDRESS):
            batch_op.drop_column(column)
