"""What one transaction remembers between the services it calls (a unit of work), reset in one place.

A write transaction caches what it read or took so that bill-due, which
validates thousands of invoices in one transaction, does not read them again:
the company, the sequences' last numbers, the head of the invoice chain, the
frozen seller and the seal key, and whether it holds the chain lock. They live
on the ORM session or Core connection (`db.info`), bound to the transaction
that is open: a new transaction on the same connection starts afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection


@dataclass
class UnitOfWork:
    company: Any = None  # the Company row
    sequences: dict = field(default_factory=dict)  # kind -> its NumberSequence row (or Core values)
    chain_head: tuple[int, str] | None = None  # (index, hash) of the last invoice validated in it
    chain_locked: bool = False  # the PostgreSQL advisory lock of the invoice chain is held
    seller: dict | None = None  # the company's details an invoice freezes
    seal_key: bytes | None = None
    sealed: bool = False  # whether seller and seal_key were read

    def forget_rolled_back(self) -> None:
        """After a savepoint rollback: the sequences and chain head may be ahead of the database, and
        PostgreSQL released a lock taken inside the savepoint."""
        self.sequences.clear()
        self.chain_head = None
        self.chain_locked = False


def of(db) -> UnitOfWork:
    """The unit of work of the transaction open on `db` (an ORM Session or a Core Connection)."""
    transaction = db.get_transaction()
    held = db.info.get("koban")
    if held is None or held[0] is not transaction:
        held = db.info["koban"] = (transaction, UnitOfWork())
    return held[1]


def flushed(db) -> None:
    """Before Core statements on an ORM session: write what the session holds pending (a Core connection has
    nothing pending)."""
    if not isinstance(db, Connection):
        db.flush()
