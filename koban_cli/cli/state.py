"""The ledger chosen on the root command, opened on first use only."""

from __future__ import annotations

_db: str | None = None
_ledger = None


def choose(db: str | None) -> None:
    global _db, _ledger
    if _ledger is not None:
        _ledger.close()
    _db, _ledger = db, None


def ledger():
    """The open ledger (created or migrated on first use)."""
    global _ledger
    if _ledger is None:
        from koban_cli.db.engine import Ledger, ledger_url

        _ledger = Ledger(ledger_url(_db))
    return _ledger


def explicit_db() -> str | None:
    """The `--db` given on the root command, if any."""
    return _db
