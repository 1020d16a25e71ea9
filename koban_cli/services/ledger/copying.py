"""Moving a ledger between databases (SQLite <-> PostgreSQL), checked row for row.

The source is read in one snapshot and checked (counts, totals, `verify`) before anything is written;
the target is written in one transaction, checked again inside it, and committed only when it equals
the source: a failed copy leaves the target as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel

from koban_cli.db.engine import Ledger
from koban_cli.db.integrity_sql import CURRENT_TRIGGERS
from koban_cli.db.models import Invoice, SalesOrder
from koban_cli.domain.money import Money
from koban_cli.errors import KobanError
from koban_cli.services.ledger import archive, maintenance

CHUNK = 5000


@dataclass(frozen=True, slots=True)
class CopyMade:
    """A ledger copied and checked: how many rows and tables, whether the target's rows were replaced, the totals
    found equal on both sides."""

    rows: int
    tables: int
    replaced: bool
    invoiced_gross: Money
    orders_net: Money


class _Within:
    """A ledger seen through one open connection, so that `verify` reads that connection's transaction
    (the source's snapshot, or the target's rows not yet committed)."""

    def __init__(self, connection: Connection):
        self.connection = connection

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(bind=self.connection) as session:  # joins the connection's transaction, never ends it
            yield session

    @contextmanager
    def read_core(self) -> Iterator[Connection]:
        yield self.connection


def copy(source: Ledger, target: Ledger, force: bool = False) -> CopyMade:
    """Copy every row of `source` into `target` (emptied first with `force`), all of it checked, or nothing."""
    if source.engine.url == target.engine.url:
        raise KobanError("the target is the ledger being copied; give another database with --to")
    tables = SQLModel.metadata.sorted_tables
    with _snapshot(source) as src:
        counts = {t.name: _count(src, t) for t in tables}
        sums = _sums(src)
        problems = maintenance.verify(_Within(src))
        if problems:
            raise KobanError(
                f"the source ledger does not verify ({problems[0].check}: {problems[0].message}); "
                f"nothing was copied (see: koban verify)"
            )
        # SQLite: BEGIN IMMEDIATE, the target's write lock for the whole copy.
        with target.engine.execution_options(koban_write=True).begin() as dst:
            filled = [t.name for t in tables if _count(dst, t)]
            if filled and not force:
                raise KobanError(
                    f"the target ledger is not empty ({', '.join(filled[:3])}…); "
                    f"copy into a new database, or use --force to replace its koban tables"
                )
            _write(src, dst, source, target, tables, filled)
            mismatched = [t.name for t in tables if _count(dst, t) != counts[t.name]]
            if mismatched or _sums(dst) != sums:
                raise KobanError(
                    f"the copy differs from the source ({', '.join(mismatched) or 'totals'}); "
                    f"nothing was written to the target"
                )
            problems = maintenance.verify(_Within(dst))
            if problems:
                raise KobanError(
                    f"the copy does not verify ({problems[0].check}: {problems[0].message}); "
                    f"nothing was written to the target"
                )
    return CopyMade(
        rows=sum(counts.values()),
        tables=len(counts),
        replaced=bool(filled),
        invoiced_gross=sums[0],
        orders_net=sums[1],
    )


@contextmanager
def _snapshot(ledger: Ledger) -> Iterator[Connection]:
    """One read transaction: the rows copied are the rows checked, even while clients write."""
    options = {} if ledger.is_sqlite else {"isolation_level": "REPEATABLE READ"}
    with ledger.engine.connect().execution_options(**options) as conn, conn.begin():
        yield conn


def _write(src: Connection, dst: Connection, source: Ledger, target: Ledger, tables, filled: list[str]) -> None:
    if target.is_sqlite:  # the rows come validated already (and --force deletes some); the triggers come back after
        for name in CURRENT_TRIGGERS:
            dst.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    if filled:
        for table in reversed(tables):  # children first: no reference is ever left dangling
            dst.execute(delete(table))
    for table in tables:
        rows = src.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        while chunk := rows.fetchmany(CHUNK):
            values = [dict(row) for row in chunk]
            if table.name == "invoice_archive":  # the archived files follow: bytes in a server, a folder beside a file
                values = [archive.moved(source, target, row) for row in values]
            dst.execute(insert(table), values)
    if target.is_sqlite:
        for sql in CURRENT_TRIGGERS.values():
            dst.exec_driver_sql(sql)
    else:
        _reset_sequences(dst, tables)


def _count(conn: Connection, table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar()


def _sums(conn: Connection) -> tuple[Money, Money]:
    """Gross of every invoice and net of every order; a ledger without any is 0.00 (SUM over no row is NULL)."""
    gross = conn.execute(select(func.sum(Invoice.gross))).scalar()
    net = conn.execute(select(func.sum(SalesOrder.net))).scalar()
    return Money.of(gross), Money.of(net)


def _reset_sequences(conn: Connection, tables) -> None:
    """Rows were inserted with their ids: PostgreSQL's id sequences must continue after them."""
    for table in tables:
        if "id" in table.columns and table.columns["id"].autoincrement in (True, "auto"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
