"""`koban info`: the ledger in use, its schema and what it holds, read in SQLAlchemy Core (no ORM import)."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class LedgerInfo:
    """The ledger in use, its schema, its integrity (SQLite) and how many of each record it holds."""

    ledger: str
    schema_version: str | None
    koban_schema: str  # the newest revision this koban knows
    bytes: int | None  # SQLite: the file's size
    quick_check: str | None  # SQLite, when asked: "ok" when the file is sound
    customers: int
    products: int
    quotes: int
    orders: int
    invoices: int
    contracts: int
    deliveries: int
    projects: int


def info(ledger: Ledger, check: bool = False) -> LedgerInfo:
    """What the ledger is and holds; with `check`, SQLite's `PRAGMA quick_check` too, which reads the whole file
    (a third of the time on 50,000 orders), so it runs only when asked (`koban info --check`)."""
    with ledger.read_core() as connection:
        counts = {name: connection.execute(select(func.count()).select_from(table)).scalar() for name, table in COUNTED}
        sound = connection.execute(text("PRAGMA quick_check")).scalar() if check and ledger.is_sqlite else None
    return LedgerInfo(
        ledger=ledger.where,
        schema_version=schema_version(ledger.engine),
        koban_schema=SCHEMA_HEAD,
        bytes=Path(ledger.where).stat().st_size if ledger.is_sqlite else None,
        quick_check=sound,
        **counts,
    )
