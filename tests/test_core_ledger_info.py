"""`koban info --check` also reads the whole SQLite file (`PRAGMA quick_check`) and reports what it finds; plain
`koban info` does not pay for that read."""

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from koban_cli.db.engine import Ledger, ledger_url
from koban_cli.services.ledger import info as ledger_info


def _damaged(tmp_path):
    """A ledger with two customers whose pages say their free space is where their header is."""
    path = tmp_path / "ledger.db"
    ledger = Ledger(ledger_url(str(path)))
    ledger.close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode=DELETE")
    raw.execute("CREATE TABLE filler (x TEXT)")
    raw.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,) for _ in range(40)])
    raw.commit()
    pages = raw.execute("PRAGMA page_count").fetchone()[0]
    size = raw.execute("PRAGMA page_size").fetchone()[0]
    raw.close()
    data = bytearray(path.read_bytes())
    last = (pages - 1) * size  # a leaf of the filler table
    data[last + 5 : last + 7] = b"\x00\x10"  # its cell content area starts inside its own header
    path.write_bytes(data)
    raw = sqlite3.connect(path)
    found = raw.execute("PRAGMA quick_check").fetchone()[0]
    raw.close()
    return path, found


def test_what_the_check_finds_is_what_info_reports(tmp_path):
    path, found = _damaged(tmp_path)
    assert found != "ok"
    ledger = Ledger(ledger_url(str(path)))
    try:
        got = ledger_info.info(ledger, check=True)
        unchecked = ledger_info.info(ledger)
    finally:
        ledger.close()
    assert (got.quick_check, got.customers, got.orders) == (found, 0, 0)
    assert (unchecked.quick_check, unchecked.customers) == (None, 0)
    ledger = Ledger(ledger_url(str(tmp_path / "new.db")))
    try:
        assert ledger_info.info(ledger, check=True).quick_check == "ok"
    finally:
        ledger.close()


def test_an_error_in_the_check_is_raised_to_the_caller(tmp_path, monkeypatch):
    ledger = Ledger(ledger_url(str(tmp_path / "ledger.db")))
    monkeypatch.setattr(ledger_info, "text", lambda _sql: text("SELECT * FROM no_such_table"))
    try:
        with pytest.raises(OperationalError, match="no_such_table"):
            ledger_info.info(ledger, check=True)
    finally:
        ledger.close()


def test_info_reads_the_whole_file_only_with_check(koban):
    assert koban.json("info")["quick_check"] is None
    assert koban.json("info", "--check")["quick_check"] == (None if koban.db.startswith("postgresql") else "ok")
