"""`koban info`: the ledger in use, its schema and what it holds, read in SQLAlchemy Core (no ORM import)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, text

from koban_cli.db import tables
from koban_cli.db.engine import SCHEMA_HEAD, Ledger, schema_version

COUNTED = (
    ("customers", tables.customer),
    ("products", tables.product),
    ("quotes", tables.quote),
    ("orders", tables.sales_order),
    ("invoices", tables.invoice),
    ("contracts", tables.contract),
    ("deliveries", tables.delivery),
    ("projects", tables.project),
)


def info(ledger: Ledger) -> dict:
    with ledger.read_core() as connection:
        counts = {name: connection.execute(select(func.count()).select_from(table)).scalar() for name, table in COUNTED}
        integrity = connection.execute(text("PRAGMA quick_check")).scalar() if ledger.is_sqlite else None
    return {
        "ledger": ledger.where,
        "schema_version": schema_version(ledger.engine),
        "koban_schema": SCHEMA_HEAD,  # the newest revision this koban knows
        "bytes": Path(ledger.where).stat().st_size if ledger.is_sqlite else None,
        "quick_check": integrity,
        **counts,
    }
