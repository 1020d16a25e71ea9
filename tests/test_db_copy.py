"""`koban db copy`: the source is checked first, the target written all or nothing, `--force` replaces."""

import uuid

import pytest
from conftest import SERVER, Koban, dump

from koban_cli.services.ledger import maintenance
from koban_cli.services.ledger.maintenance import Finding


@pytest.fixture(params=["file", "server"])
def target(request, tmp_path):
    """An empty ledger to copy into: a SQLite file, or (with KOBAN_TEST_DB) a new PostgreSQL database."""
    if request.param == "file":
        yield str(tmp_path / "copy.db")
        return
    if not SERVER:
        pytest.skip("needs KOBAN_TEST_DB (a PostgreSQL server)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"koban_copy_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def contracts_only(koban: Koban) -> None:
    """A business with a contract and its lines but no order and no invoice yet."""
    number = koban.json("contract", "create", "--customer", "ACME", "--start", "2026-01-01")["number"]
    koban("contract", "add-line", number, "--product", "HOST")


def test_a_ledger_without_any_order_or_invoice_is_copied_and_verified(koban, target):
    contracts_only(koban)
    result = koban.json("db", "copy", "--to", target)
    assert (result["invoiced_gross"], result["orders_net"], result["replaced"]) == ("0.00", "0.00", False)
    assert dump(target) == dump(koban.db)
    assert Koban(target)("verify").exit_code == 0


def test_an_empty_ledger_is_copied(db_path, target):
    koban = Koban(db_path)
    assert koban.json("db", "copy", "--to", target)["rows"] == 0
    assert dump(target) == dump(db_path) == []


def test_a_ledger_with_invoices_and_deliveries_is_copied_row_for_row(koban, target):
    koban("stock", "in", "SCREEN", "5")
    order = koban.json("order", "create", "--customer", "ACME", "--date", "2026-11-02")["number"]
    koban("order", "add-line", order, "--product", "SCREEN", "--qty", "2")
    koban("order", "validate", order)
    koban(
        "delivery", "validate", koban.json("delivery", "create", "--from-order", order)["ref"], "--date", "2026-11-03"
    )
    koban(
        "invoice", "validate", koban.json("invoice", "deposit", order, "--percent", "30")["ref"], "--date", "2026-11-03"
    )
    result = koban.json("db", "copy", "--to", target)
    assert (result["orders_net"], result["invoiced_gross"]) == ("499.80", "179.93")
    assert dump(target) == dump(koban.db)
    # The copy goes on numbering after the source's last number, whatever its back end.
    copied = Koban(target)
    assert copied.json("order", "create", "--customer", "BOB")["number"] == "CO-2026-0002"


def test_copying_into_a_ledger_that_is_not_empty_needs_force_and_then_replaces_it(koban, target):
    contracts_only(koban)
    other = Koban(target)
    other("customer", "add", "ZED", "--name", "Zed")
    before = dump(target)
    result = koban("db", "copy", "--to", target, ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the target ledger is not empty (")
    assert result.stderr.endswith("copy into a new database, or use --force to replace its koban tables\n")
    assert dump(target) == before
    assert koban.json("db", "copy", "--to", target, "--force")["replaced"] is True
    assert dump(target) == dump(koban.db)


def test_a_copy_that_fails_on_the_target_leaves_it_as_it_was(koban, target, monkeypatch):
    contracts_only(koban)
    Koban(target)("customer", "add", "ZED", "--name", "Zed")
    before = dump(target)
    checked = []

    def verify(ledger):  # the source verifies; the copy, checked inside its transaction, does not
        checked.append(ledger)
        return [] if len(checked) == 1 else [Finding("sequences", None, "simulated")]

    monkeypatch.setattr(maintenance, "verify", verify)
    result = koban("db", "copy", "--to", target, "--force", ok=False)
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: the copy does not verify (sequences: simulated); nothing was written to the target\n",
    )
    assert dump(target) == before


def test_a_source_that_does_not_verify_is_not_copied(koban, target, monkeypatch):
    contracts_only(koban)
    monkeypatch.setattr(maintenance, "verify", lambda ledger: [Finding("chain", "FA-2026-0001", "hash differs")])
    result = koban("db", "copy", "--to", target, ok=False)
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: the source ledger does not verify (chain: hash differs); nothing was copied (see: koban verify)\n",
    )
    assert dump(target) == []


def test_a_ledger_is_not_copied_onto_itself(koban):
    result = koban("db", "copy", "--to", koban.db, "--force", ok=False)
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: the target is the ledger being copied; give another database with --to\n",
    )


def test_archived_invoices_follow_the_copy_and_it_verifies(koban, target, tmp_path):
    order = koban.json("order", "create", "--customer", "ACME", "--date", "2026-11-02")["number"]
    koban("order", "add-line", order, "--product", "DAY")
    koban("order", "validate", order)
    number = koban.json("invoice", "validate", koban.json("invoice", "balance", order)["ref"], "--date", "2026-11-03")[
        "number"
    ]
    koban("invoice", "pdf", number, "-o", str(tmp_path / "first.pdf"))  # archived on first print
    koban("invoice", "pay", number, "--amount", "100", "--date", "2026-11-04")
    koban.json("db", "copy", "--to", target)
    copied = Koban(target)
    assert copied("verify").exit_code == 0
    copied("invoice", "pdf", number, "-o", str(tmp_path / "again.pdf"))
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()
    assert koban.json("db", "copy", "--to", target, "--force")["replaced"] is True  # payments' triggers too
