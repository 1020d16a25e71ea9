"""The ledger chosen on the root command, for the length of that command: opened on first use only, closed
when the command ends (a process's one command, or each command a test runs in-process)."""

from __future__ import annotations


class _Chosen:
    def __init__(self, db: str | None) -> None:
        self.db = db
        self.ledger = None

    def close(self) -> None:
        if self.ledger is not None:
            self.ledger.close()
            self.ledger = None


_running: _Chosen | None = None  # the command running, set by the root command


def choose(context, db: str | None) -> None:
    """Called by the root command with its context (typer's) and its `--db`."""
    global _running
    _running = chosen = _Chosen(db)
    context.call_on_close(lambda: _end(chosen))


def _end(chosen: _Chosen) -> None:
    global _running
    chosen.close()
    if _running is chosen:
        _running = None


def _chosen() -> _Chosen:
    if _running is None:
        raise RuntimeError("no koban command is running (the root command chooses the ledger)")
    return _running


def ledger():
    """The open ledger (created or migrated on first use)."""
    chosen = _chosen()
    if chosen.ledger is None:
        from koban_cli.db.engine import Ledger, ledger_url

        chosen.ledger = Ledger(ledger_url(chosen.db))
    return chosen.ledger


def opened():
    """The ledger this command opened, if one is running and opened it."""
    return _running.ledger if _running is not None else None


def explicit_db() -> str | None:
    """The `--db` given on the root command, if any."""
    return _chosen().db
