"""Moving a ledger between databases (SQLite <-> PostgreSQL), checked row for row."""

from __future__ import annotations

from sqlalchemy import func, insert, select, text
from sqlmodel import SQLModel

from koban_cli.db.engine import Ledger
from koban_cli.db.integrity_sql import TRIGGERS
from koban_cli.db.models import Invoice, SalesOrder
from koban_cli.domain.values import money_str
from koban_cli.errors import KobanError
from koban_cli.services import maintenance

CHUNK = 5000


def copy(source: Ledger, target: Ledger) -> dict:
    """Copy every row into an empty ledger, then compare counts, totals and `verify`."""
    tables = SQLModel.metadata.sorted_tables
    with target.engine.connect() as conn:
        filled = [t.name for t in tables if conn.execute(select(func.count()).select_from(t)).scalar()]
    if filled:
        raise KobanError(f"the target ledger is not empty ({', '.join(filled[:3])}…); copy into a new database")
    with source.engine.connect() as src, target.engine.begin() as dst:
        if target.is_sqlite:  # the rows come validated already; the triggers return once they are in
            for name in TRIGGERS:
                dst.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        for table in tables:
            rows = src.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            while chunk := rows.fetchmany(CHUNK):
                dst.execute(insert(table), [dict(row) for row in chunk])
        if target.is_sqlite:
            for sql in TRIGGERS.values():
                dst.exec_driver_sql(sql)
        else:
            _reset_sequences(dst, tables)
    counts = {t.name: _counts(source, t) for t in tables}
    mismatched = [name for name, count in counts.items() if _counts(target, SQLModel.metadata.tables[name]) != count]
    sums = [_sums(source), _sums(target)]
    if mismatched or sums[0] != sums[1]:
        raise KobanError(
            f"the copy differs from the source ({', '.join(mismatched) or 'totals'}); do not use the target"
        )
    problems = maintenance.verify(target)
    if problems:
        raise KobanError(f"the copy does not verify: {problems[0].check}: {problems[0].message}")
    return {"rows": sum(counts.values()), "tables": len(counts), "invoiced_gross": sums[0][0], "orders_net": sums[0][1]}


def _counts(ledger: Ledger, table) -> int:
    with ledger.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def _sums(ledger: Ledger) -> tuple[str, str]:
    with ledger.read() as session:
        gross = session.execute(select(func.sum(Invoice.gross))).scalar() or 0
        net = session.execute(select(func.sum(SalesOrder.net))).scalar() or 0
        return money_str(gross), money_str(net)


def _reset_sequences(conn, tables) -> None:
    """Rows were inserted with their ids: PostgreSQL's id sequences must continue after them."""
    for table in tables:
        if "id" in table.columns and table.columns["id"].autoincrement in (True, "auto"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
