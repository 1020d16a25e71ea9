"""stock: each product stores what validated orders have left to deliver of it (product.reserved)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28

- product.reserved: a cache of the reservation rule (services/operations/stock.py `reserved`): over the
  lines of validated and invoiced orders, what each line has left to deliver (its quantity less what
  validated deliveries shipped of it, never below zero), summed per product. Stored for every product,
  tracked or not, in thousandths like every quantity; `stock show` reads it, every write that moves it
  recomputes it (`stock.rebook`), `koban verify` compares it with the rule.
- ix_order_line_product_id: a write recomputes the reservation of the products it touched from their order
  lines only, found by this index instead of reading every order line.

The upgrade adds the column and fills it with the same rule, written here in SQL on purpose: a migration
imports nothing from koban (the rule may change; what this revision stored may not). Plain ALTER TABLE:
the product table has no triggers.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_RESERVED = sa.text(
    """
    SELECT ol.product_id,
           SUM(CASE WHEN ol.qty - COALESCE(shipped.qty, 0) > 0 THEN ol.qty - COALESCE(shipped.qty, 0) ELSE 0 END)
    FROM order_line ol
    JOIN sales_order o ON o.id = ol.order_id
    LEFT JOIN (
        SELECT dl.order_line_id AS line_id, SUM(dl.qty) AS qty
        FROM delivery_line dl JOIN delivery d ON d.id = dl.delivery_id
        WHERE d.status = 'validated'
        GROUP BY dl.order_line_id
    ) shipped ON shipped.line_id = ol.id
    WHERE o.status IN ('validated', 'invoiced') AND ol.product_id IS NOT NULL
    GROUP BY ol.product_id
    """
)


def upgrade() -> None:
    op.add_column("product", sa.Column("reserved", sa.BigInteger(), nullable=False, server_default="0"))
    bind = op.get_bind()
    booked = [{"id": product_id, "qty": qty} for product_id, qty in bind.execute(_RESERVED) if qty]
    if booked:
        bind.execute(sa.text("UPDATE product SET reserved = :qty WHERE id = :id"), booked)
    # after the sum over every line: SQLite would read them through it, one lookup each (3x slower)
    op.create_index("ix_order_line_product_id", "order_line", ["product_id"])


def downgrade() -> None:
    op.drop_index("ix_order_line_product_id", table_name="order_line")
    with op.batch_alter_table("product") as batch_op:  # the product table has no triggers
        batch_op.drop_column("reserved")
