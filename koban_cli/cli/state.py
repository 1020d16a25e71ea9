"""The ledger chosen on the root command, for the length of that command: opened on first use only, closed
when the command ends (a process's one command, or each command a test runs in-process)."""

from __future__ import annotations


class _Chosen:
    def __init__(self, db: str | None) -> None:
        self.db = db
        self.opened: dict[str, object] = {}  # by URL: the chosen ledger, and any other the command reads
        self.main = None  # the chosen ledger, once open

    def close(self) -> None:
        for ledger in self.opened.values():
            ledger.close()
        self.opened.clear()
        self.main = None


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


def ledger(url: str | None = None):
    """The chosen ledger, or the one at `url` (the demo archives in a ledger of its own), open until the
    command ends (created or migrated on first use)."""
    from koban_cli.db.engine import Ledger, ledger_url

    chosen = _chosen()
    if url is None and chosen.main is not None:
        return chosen.main
    key = url or ledger_url(chosen.db)
    if key not in chosen.opened:
        chosen.opened[key] = Ledger(key)
    if url is None:
        chosen.main = chosen.opened[key]
    return chosen.opened[key]


def opened():
    """The chosen ledger if the running command opened it."""
    return _running.main if _running is not None else None


def explicit_db() -> str | None:
    """The `--db` given on the root command, if any."""
    return _chosen().db
