"""Anchoring the chain outside the ledger, and sealing it with a key kept outside the ledger."""

import json
import os
import sqlite3

import pytest
from conftest import sqlite_only
from sqlalchemy import create_engine, text

from koban_cli.db.engine import ledger_url
from koban_cli.db.integrity_sql import backfill_chain

SOUND = "The ledger is sound: every check passed.\n"


def invoice_on(koban, day, customer="ACME"):
    ref = koban.json("invoice", "create", "--customer", customer, "--date", day)["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY")
    return koban.json("invoice", "validate", ref, "--date", day)["number"]


def sql(koban, *statements, triggers_off=True):
    engine = create_engine(ledger_url(koban.db))
    with engine.begin() as conn:
        if triggers_off and engine.dialect.name == "sqlite":  # what a determined editor would do
            for (name,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all():
                conn.execute(text(f"DROP TRIGGER {name}"))
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


@pytest.fixture
def anchored(koban, tmp_path):
    for day in ("2026-03-01", "2026-03-02", "2026-03-03"):
        invoice_on(koban, day)
    path = tmp_path / "anchor.json"
    assert koban("anchor", "-o", str(path)).stdout == f"{path}\n"
    return path


def test_anchor_prints_the_chain_head_with_running_totals(koban, anchored):
    head = json.loads(koban("anchor").stdout)
    assert (head["count"], head["last_number"], head["sealed"]) == (3, "FA-2026-0003", False)
    assert head["invoiced"] == {"net": "1950.00", "tax": "390.00", "gross": "2340.00"}
    assert head["hash"] == json.loads(anchored.read_text())["hash"]
    invoice_on(koban, "2026-03-04")  # the chain goes on after its anchor
    assert koban("verify", "--anchor", str(anchored)).stdout == SOUND


def test_removing_the_tail_before_an_anchor_is_seen_even_with_counters_lowered(koban, anchored):
    sql(
        koban,
        "UPDATE invoice SET status = 'draft', number = NULL, chain_index = NULL, chain_hash = NULL "
        "WHERE number = 'FA-2026-0003'",
        "UPDATE number_sequence SET last = 2 WHERE kind = 'invoice'",
    )
    assert koban("verify").stdout == SOUND  # without the anchor, nothing shows
    stderr = koban("verify", "--anchor", str(anchored), ok=False).stderr
    assert stderr == "Error: anchor: FA-2026-0003: the chain has 2 invoices, the anchor 3: invoices were removed\n"


def test_a_chain_recomputed_by_a_writer_is_seen_against_the_anchor(koban, anchored):
    sql(koban, "UPDATE invoice_line SET description = 'Autre chose' WHERE id = 1")
    engine = create_engine(ledger_url(koban.db))
    with engine.begin() as conn:  # koban's own backfill rewrites every link
        backfill_chain(conn)
    engine.dispose()
    stderr = koban("verify", "--anchor", str(anchored), ok=False).stderr
    assert (
        "Error: anchor: FA-2026-0003: the chain at 3 is no longer the anchored one: invoices were rewritten" in stderr
    )


def test_a_file_that_is_not_an_anchor_is_one_error_line(koban, tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{}")
    result = koban("verify", "--anchor", str(path), ok=False)
    assert result.stderr == f'Error: "{path}" is not a koban anchor (make one with: koban anchor -o FILE)\n'


@sqlite_only
def test_backup_writes_the_anchor_of_the_copy_beside_it(koban, anchored, tmp_path):
    copy = tmp_path / "copy.db"
    koban("backup", str(copy))
    beside = json.loads((tmp_path / "copy.db.anchor.json").read_text())
    assert beside["hash"] == json.loads(anchored.read_text())["hash"] and beside["count"] == 3


def test_a_sealed_chain_cannot_be_recomputed_without_the_key(koban, monkeypatch):
    monkeypatch.setenv("KOBAN_SEAL_KEY", "a long secret kept outside the ledger")
    number = invoice_on(koban, "2026-04-01")
    assert json.loads(koban("anchor").stdout)["sealed"] is True
    assert koban("verify").stdout == SOUND
    monkeypatch.delenv("KOBAN_SEAL_KEY")
    assert f"Error: seal: {number}: the chain is sealed from here on" in koban("verify", ok=False).stderr
    monkeypatch.setenv("KOBAN_SEAL_KEY", "a guess")
    assert f"Error: hash chain: {number}:" in koban("verify", ok=False).stderr


def test_the_seal_key_file_must_be_private(koban, tmp_path, monkeypatch):
    monkeypatch.setenv("KOBAN_CONFIG", str(tmp_path / "config.toml"))
    key = tmp_path / "seal.key"
    key.write_text("another long secret\n")
    os.chmod(key, 0o644)
    ref = koban.json("invoice", "create", "--customer", "ACME", "--date", "2026-04-01")["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY")
    result = koban("invoice", "validate", ref, "--date", "2026-04-01", ok=False)
    assert result.stderr == f"Error: the seal key {key} can be read by others; make it private with: chmod 600 {key}\n"
    os.chmod(key, 0o600)
    koban("invoice", "validate", ref, "--date", "2026-04-01")
    assert json.loads(koban("anchor").stdout)["sealed"] is True


@sqlite_only
def test_archived_files_are_protected_by_the_database(koban, tmp_path):
    number = invoice_on(koban, "2026-03-01")
    koban("invoice", "pdf", number, "-o", str(tmp_path / "fa.pdf"))
    with sqlite3.connect(koban.db) as conn, pytest.raises(sqlite3.IntegrityError, match="never changed"):
        conn.execute("UPDATE invoice_archive SET sha256 = 'x'")
