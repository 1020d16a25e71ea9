"""Nothing lost, nothing doubled: tampering, crashes, backups, concurrent writers, random operations."""

import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal as D
from pathlib import Path

import pytest
from conftest import TODAY, sqlite_only
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koban_cli.db.engine import Ledger, ledger_url
from koban_cli.domain.money import Money
from koban_cli.errors import KobanError
from koban_cli.services import demo
from koban_cli.services.invoicing import drafts as invoicing
from koban_cli.services.invoicing import lifecycle as invoices
from koban_cli.services.ledger import info as ledger_info
from koban_cli.services.ledger import maintenance
from koban_cli.services.lines import LineInput
from koban_cli.services.operations import stock
from koban_cli.services.orders import deliveries
from koban_cli.services.orders import manage as orders
from koban_cli.services.payments import paying

pytestmark = pytest.mark.slow  # real processes, kills and backups

ENV = os.environ | {"PYTHONPATH": str(Path(__file__).parents[1])}


def koban_process(db, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "koban_cli", "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        text=True,
    )


@pytest.fixture
def story(ledger):
    demo.build(ledger, TODAY)
    return ledger


@pytest.fixture
def cli(db_path):
    from conftest import Koban

    return Koban(db_path)


@sqlite_only
def test_verify_is_clean_on_the_demo_ledger_and_sees_an_invoice_changed_behind_its_back(cli, story, db_path):
    koban = cli
    assert maintenance.verify(story) == []
    assert koban("verify").stdout == "The ledger is sound: every check passed.\n"
    with sqlite3.connect(db_path) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="validated invoices are immutable"):
            conn.execute("UPDATE invoice_line SET description = 'Autre chose' WHERE id = 1")
        conn.execute("DROP TRIGGER invoice_line_validated_update")  # what a determined editor would do
        conn.execute("UPDATE invoice_line SET description = 'Autre chose' WHERE id = 1")
    result = koban("verify", ok=False)
    assert result.exit_code == 1
    assert (
        "Error: hash chain: FA-2026-0001: its content or its place in the chain was changed outside koban"
        in result.stderr
    )


@sqlite_only
def test_deleting_a_validated_invoice_is_refused_by_the_database(story, db_path):
    with sqlite3.connect(db_path) as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute("DELETE FROM invoice WHERE number = 'FA-2026-0001'")


@sqlite_only
def test_backup_restore_and_info(cli, story, tmp_path):
    koban = cli
    copy = tmp_path / "copy.db"
    koban("backup", str(copy))
    assert koban("backup", str(copy), ok=False).stderr == f'Error: "{copy}" exists; use --force to overwrite it\n'
    restored = tmp_path / "restored.db"
    koban.db = str(restored)
    koban("restore", str(copy))
    assert koban.json("info")["invoices"] == 9
    refused = koban("restore", str(copy), ok=False)
    assert refused.stderr == f'Error: ledger "{restored}" exists; use --force to replace it with "{copy}"\n'
    not_a_ledger = tmp_path / "x.db"
    not_a_ledger.write_text("hello")
    assert "is not a koban ledger" in koban("restore", str(not_a_ledger), "--force", ok=False).stderr


def contracts_ledger(tmp_path, count):
    path = tmp_path / "contracts.db"
    ledger = Ledger(ledger_url(str(path)))
    from koban_cli.services import parties, products
    from koban_cli.services.contracts import manage as contracts

    parties.set_company(ledger, name="Atelier Test SARL")
    parties.add_customer(ledger, "ACME", name="ACME SAS")
    products.add_product(ledger, "HOST", "Hébergement", Money(D("49.00")), D(20), "subscription")
    for _ in range(count):
        number = contracts.create(ledger, dt.date(2026, 1, 1), customer="ACME", auto=True).number
        contracts.add_line(ledger, number, LineInput(product="HOST"))
    return path, ledger


def test_bill_due_killed_at_random_moments_bills_every_period_exactly_once_when_rerun(tmp_path):
    path, ledger = contracts_ledger(tmp_path, 150)
    rng = random.Random(3)
    for _ in range(3):
        process = koban_process(path, "contract", "bill-due", "--as-of", "2026-06-15")
        time.sleep(rng.uniform(0.5, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
    rerun = koban_process(path, "contract", "bill-due", "--as-of", "2026-06-15", "--format", "json")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert maintenance.verify(ledger) == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM contract_period").fetchone()[0] == 150 * 6
        assert conn.execute("SELECT count(*) FROM invoice WHERE status = 'validated'").fetchone()[0] == 150 * 6
    ledger.close()


@sqlite_only
def test_a_killed_import_is_never_half_applied(koban, tmp_path):
    rows = ["order_key,customer,product,qty"] + [f"K{n},ACME,DAY,{n % 9 + 1}" for n in range(30000)]
    big = tmp_path / "orders.csv"
    big.write_text("\n".join(rows) + "\n")
    process = koban_process(koban.db, "import", "orders", str(big))
    time.sleep(1.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with sqlite3.connect(koban.db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = conn.execute("SELECT count(*) FROM sales_order").fetchone()[0]
    assert count in (0, 30000)


def test_a_backup_taken_during_bill_due_opens_as_a_usable_ledger(tmp_path):
    path, ledger = contracts_ledger(tmp_path, 150)
    process = koban_process(path, "contract", "bill-due", "--as-of", "2026-03-15")
    time.sleep(0.8)
    copy = tmp_path / "during.db"
    maintenance.backup(ledger, copy)
    process.communicate(timeout=300)
    assert process.returncode == 0
    taken = Ledger(ledger_url(str(copy)))
    assert maintenance.verify(taken) == []
    assert ledger_info.info(taken, check=True).quick_check == "ok"
    taken.close()
    ledger.close()


def test_two_processes_validating_deliveries_and_importing_at_once_keep_every_sequence(koban, tmp_path):
    koban("stock", "in", "SCREEN", "100")
    drafts = []
    for _ in range(10):
        order = koban.json("order", "create", "--customer", "ACME")["number"]
        koban("order", "add-line", order, "--product", "SCREEN", "--qty", "2")
        koban("order", "validate", order)
        drafts.append(koban.json("delivery", "create", "--from-order", order)["ref"])
    files = []
    for half in range(2):
        path = tmp_path / f"orders{half}.csv"
        path.write_text("order_key,customer,product\n" + "".join(f"H{half}-{n},BOB,DAY\n" for n in range(200)))
        files.append(path)
    processes = [koban_process(koban.db, "import", "orders", str(path)) for path in files]
    for ref in drafts:
        processes.append(koban_process(koban.db, "delivery", "validate", ref))
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    numbers = sorted(row["number"] for row in koban.json("delivery", "list"))
    assert numbers == [f"BL-2026-{n:04d}" for n in range(1, 11)]
    assert len(koban.json("order", "list")) == 10 + 400
    assert koban.json("stock", "show", "SCREEN")[0]["on_hand"] == "80"


operations = st.lists(
    st.tuples(
        st.sampled_from(["deposit", "partial", "balance", "credit", "pay", "deliver", "cancel_delivery"]),
        st.integers(1, 100),
    ),
    max_size=8,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=operations)
def test_random_operations_always_leave_verify_clean(tmp_path_factory, plan):
    path = tmp_path_factory.mktemp("fuzz") / "ledger.db"
    ledger = Ledger(ledger_url(str(path)))
    from koban_cli.services import parties, products

    parties.set_company(ledger, name="Atelier")
    parties.add_customer(ledger, "ACME", name="ACME")
    products.add_product(ledger, "SCREEN", "Écran", Money(D("249.90")), D(20), "goods")
    stock.move_in(ledger, "SCREEN", D(3), TODAY)
    number = orders.create(ledger, "ACME", TODAY).number
    orders.add_line(ledger, number, LineInput(product="SCREEN", qty=D(4)))
    orders.add_line(ledger, number, LineInput(description="Pose", price=Money(D("80.00")), vat=D(10), qty=D(3)))
    orders.validate(ledger, number)
    validated: list[str] = []
    shipped: list[str] = []
    for action, value in plan:
        try:
            if action == "deposit":
                ref = invoicing.deposit(ledger, number, TODAY, percent=D(value)).ref
            elif action == "partial":
                ref = invoicing.partial(ledger, number, TODAY, percent=D(value)).ref
            elif action == "balance":
                ref = invoicing.balance(ledger, number, TODAY).ref
            elif action == "credit" and validated:
                ref = invoices.credit(ledger, validated[-1], TODAY, amount=Money(D(value))).ref
            elif action == "pay" and validated:
                paying.pay(ledger, validated[0], Money(D(value)), TODAY)
                continue
            elif action == "deliver":
                draft = deliveries.create(ledger, number, TODAY, picks={1: D(1)}).ref
                try:
                    shipped.append(deliveries.validate(ledger, draft, TODAY).number)
                except KobanError:
                    deliveries.cancel(ledger, draft, TODAY)
                continue
            elif action == "cancel_delivery" and shipped:
                deliveries.cancel(ledger, shipped.pop(), TODAY)
                continue
            else:
                continue
            validated.append(invoices.validate(ledger, ref, TODAY).number)
        except KobanError:
            pass
        assert maintenance.verify(ledger) == [], (action, value)
    ledger.close()


def test_a_ledger_copied_to_another_database_lists_the_same_orders_and_invoices(tmp_path, db_path):
    from conftest import Koban

    source = tmp_path / "source.db"
    ledger = Ledger(ledger_url(str(source)))
    demo.build(ledger, TODAY)
    ledger.close()
    original, copy = Koban(str(source)), Koban(db_path)  # db_path is PostgreSQL when KOBAN_TEST_DB is set
    result = original.json("db", "copy", "--to", db_path)
    assert result["tables"] > 20 and result["rows"] > 80
    for args in (["order", "list"], ["invoice", "list"], ["stock", "show"], ["contract", "list"]):
        assert copy.json(*args) == original.json(*args), args
    assert copy("verify").exit_code == 0
    again = original("db", "copy", "--to", db_path, ok=False)
    assert again.stderr.startswith("Error: the target ledger is not empty")
    back = tmp_path / "back.db"  # and back again
    copy("db", "copy", "--to", str(back))
    assert Koban(str(back)).json("invoice", "list") == original.json("invoice", "list")
    ref = copy.json("invoice", "create", "--customer", "ACME")["ref"]  # ids go on after the copied ones
    assert ref == "PROV-10"
