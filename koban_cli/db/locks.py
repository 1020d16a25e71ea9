"""Row locks for check-then-write transactions, and the test hook that pauses between the two.

On SQLite every writer holds the whole database from its first statement
(`BEGIN IMMEDIATE`, see `engine.py`), so a check and the write after it can
never be interleaved: every function here is a no-op there. On PostgreSQL
(READ COMMITTED) two clients may both pass a check and both write; a service
therefore locks what its check reads, in the same write transaction, before
reading it:

    from koban_cli.db import locks

    invoice = locks.row(session, lookup.invoice(session, ref))  # SELECT … FOR NO KEY UPDATE, re-read
    if invoice.status != Status.DRAFT: ...                           # the status seen after the lock
    locks.order(session, invoice.order_id)                      # before any room check of an order
    locks.chain_head(session)                                   # before taking a number that joins the chain

A Core write (or a rule that runs Core statements on either, as invoice
validation does) takes the same locks on rows: `locked(db, table, id)`
(`locks.locked(db, tables.invoice, lookup.invoice_row(db, ref).id)`), then
`locked(db, tables.sales_order, order_id)`, then `chain_head(db)`.

`row` waits until no other transaction holds the row, then reloads every
attribute from the database, so the check sees what the last writer
committed. Locks are held until the transaction ends (commit or rollback).

Lock order, to keep clients from deadlocking: the document (invoice or
delivery) -> its order -> products -> the chain head -> number sequences
(`services.numbering` locks those). Take each kind in that order and several
rows of one kind by ascending id (`rows` sorts them).

`pause(point)` is a test hook: a no-op unless `KOBAN_TEST_PAUSE` names the
point (see its docstring).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from koban_cli.db import transaction

if TYPE_CHECKING:
    from sqlmodel import Session

    from koban_cli.db.models import SalesOrder

T = TypeVar("T")

# pg_advisory_xact_lock key of the invoice chain head: one lock for every document kind that joins the
# chain (invoices, credit notes, bill-due's invoices). An advisory lock needs no row, so no schema change;
# PostgreSQL releases it at the end of the transaction. The value spells "KOBANCHN".
CHAIN_HEAD_KEY = 0x4B4F42414E43484E


def _locking(db: Session | Connection) -> bool:
    """Whether this back end needs row locks (SQLite writers already hold the whole database)."""
    dialect = db.dialect if isinstance(db, Connection) else db.get_bind().dialect
    return dialect.name != "sqlite"


def row(session: Session, obj: T) -> T:
    """Lock the object's row and re-read it; returns the object, up to date.

    `FOR NO KEY UPDATE`: two clients locking the row queue, as do updates of it, but rows that only
    reference it (a delivery of the order, a line of the product) can still be inserted meanwhile.
    Call it before changing the object: the re-read replaces attributes not yet flushed.
    """
    if _locking(session):
        session.refresh(obj, with_for_update={"key_share": True})
    return obj


def locked(db: Session | Connection, table, row_id: int):
    """A Core write's `row`: the row of `table` with id `row_id`, locked (FOR NO KEY UPDATE) and read;
    `db` a Core Connection or an ORM Session (which executes the same statement)."""
    query = select(table).where(table.c.id == row_id)
    if _locking(db):
        query = query.with_for_update(key_share=True)
    return db.execute(query).one()


def rows(session: Session, objs: Iterable[T]) -> list[T]:
    """Lock several rows of one table, by ascending id so that two clients queue instead of deadlocking."""
    ordered = sorted(objs, key=lambda obj: obj.id)
    for obj in ordered:
        row(session, obj)
    return ordered


def order(session: Session, order_id: int) -> SalesOrder:
    """The order, locked and re-read: take it before any check of what is left to invoice or to deliver."""
    from koban_cli.db.models import SalesOrder

    found = session.get(SalesOrder, order_id)
    return row(session, found) if found is not None else found


def chain_head(db: Session | Connection) -> None:
    """Hold the invoice chain (and the right to read its head) until the transaction ends.

    Take it before the number is taken and before the chain head is read, in every transaction that
    validates an invoice or a credit note; taking it again in the same transaction costs one query.
    """
    work = transaction.of(db)
    if _locking(db) and not work.chain_locked:
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_HEAD_KEY})
        work.chain_locked = True


_paused: set[str] = set()


def pause(point: str) -> None:
    """Test hook between a check and its write; a no-op unless `KOBAN_TEST_PAUSE` is `<point>:<folder>`.

    The first time this process reaches `point`, it creates `<folder>/<point>.paused` and waits until
    `<folder>/<point>.go` exists (at most 60 s). A race test starts a client with the hook, waits for
    the `.paused` file, runs a second client, then creates `.go`: the two interleave for sure.
    """
    wanted = os.environ.get("KOBAN_TEST_PAUSE")
    if not wanted or point in _paused:
        return
    name, _, folder = wanted.partition(":")
    if name != point or not folder:
        return
    _paused.add(point)
    Path(folder, f"{point}.paused").touch()
    go = Path(folder, f"{point}.go")
    deadline = time.monotonic() + 60
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
