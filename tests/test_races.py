"""Two clients at once on one ledger: every check still holds (SQLite, and PostgreSQL with KOBAN_TEST_DB).

Each race is made deterministic with the pause hook of `koban_cli.db.locks`: the first client stops
between its check and its write; the second client runs while it waits, until it either finishes or
queues on a lock; then the first one goes on. Without the locks the second client passes the same
check and both write.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from decimal import Decimal as D
from pathlib import Path

import pytest
from conftest import Koban
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import IntegrityError

from koban_cli.db.engine import Ledger, ledger_url
from koban_cli.db.models import ContractPeriod, Delivery, DeliveryLine, OrderLine, StockMove
from koban_cli.services.contracts import bill_due

pytestmark = pytest.mark.slow  # real processes paused between check and write

ROOT = Path(__file__).parents[1]


@pytest.fixture(autouse=True)
def customers_with_siren(catalogue):
    """The catalogue's French businesses with their SIREN: the clients' stderr then holds errors only."""
    from koban_cli.services import parties

    parties.edit_customer(catalogue, "ACME", siren="552100554")
    parties.edit_customer(catalogue, "BOB", siren="732829320")


@dataclass
class Done:
    code: int
    out: str
    err: str


def _start(db: str, args: list[str], pause: str | None = None) -> subprocess.Popen:
    env = os.environ | {"PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("KOBAN_TEST_PAUSE", None)
    if pause:
        env["KOBAN_TEST_PAUSE"] = pause
    return subprocess.Popen(
        [sys.executable, "-m", "koban_cli", "--db", db, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )


def _waiting_on_a_lock(db: str) -> bool:
    """PostgreSQL tells which sessions queue on a lock; SQLite cannot (a second writer waits in BEGIN)."""
    if not db.startswith("postgresql"):
        return False
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                ).scalar()
            )
    finally:
        engine.dispose()


def interleave(db: str, folder: Path, point: str, first: list[str], second: list[str]) -> tuple[Done, Done]:
    """`first` stops at `point` (after its check, before its write); `second` runs meanwhile."""
    a = _start(db, first, pause=f"{point}:{folder}")
    paused = folder / f"{point}.paused"
    deadline = time.monotonic() + 60
    while not paused.exists():
        assert a.poll() is None, f"{' '.join(first)} ended without reaching {point}: {a.communicate()}"
        assert time.monotonic() < deadline, f"{point} never reached"
        time.sleep(0.02)
    b = _start(db, second)
    # The second client runs to its end, or to a lock the first one holds (PostgreSQL shows it; SQLite
    # queues every writer in BEGIN IMMEDIATE, where a short wait is the only sign).
    patience = time.monotonic() + (30 if db.startswith("postgresql") else 2)
    while b.poll() is None and time.monotonic() < patience and not _waiting_on_a_lock(db):
        time.sleep(0.05)
    (folder / f"{point}.go").touch()
    results = []
    for process in (a, b):
        out, err = process.communicate(timeout=120)
        results.append(Done(process.returncode, out, err))
    return results[0], results[1]


def one_winner(a: Done, b: Done) -> Done:
    """Exactly one client succeeded; the other printed one `Error:` line, no traceback; returns the loser."""
    codes = sorted([a.code, b.code])
    assert codes == [0, 1], (a, b)
    loser = a if a.code else b
    assert loser.err.startswith("Error: ") and loser.err.count("\n") == 1, loser.err
    return loser


def count(db: str, query) -> object:
    engine = create_engine(ledger_url(db))
    try:
        with engine.connect() as conn:
            return conn.execute(query).scalar()
    finally:
        engine.dispose()


def clean(koban: Koban) -> None:
    result = koban("verify", ok=False)
    assert result.exit_code == 0, result.stdout + result.stderr


# --- deliveries ---------------------------------------------------------------------------------------


@pytest.fixture
def order_of_ten(koban):
    """A validated order of 10 books, 20 in stock, and 10 kits (goods not tracked in stock)."""
    koban("product", "add", "KIT", "--name", "Kit", "--price", "10.00", "--vat", "20", "--no-stock")
    koban("stock", "in", "BOOK", "20", "--date", "2026-11-01")
    number = koban.json("order", "create", "--customer", "ACME", "--date", "2026-11-02")["number"]
    koban("order", "add-line", number, "--product", "BOOK", "--qty", "10")
    koban("order", "validate", number)
    return number


def delivered(db: str) -> object:
    return count(
        db,
        select(func.count(DeliveryLine.id))
        .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
        .where(Delivery.status == "validated"),
    )


@pytest.mark.slow
def test_two_delivery_drafts_of_a_whole_order_at_once_make_one_note(koban, order_of_ten, tmp_path):
    create = ["delivery", "create", "--from-order", order_of_ten]
    loser = one_winner(*interleave(koban.db, tmp_path, "deliveries.create", create, create))
    assert loser.err == f"Error: {order_of_ten} has nothing left to deliver\n"
    assert count(koban.db, select(func.count(Delivery.id))) == 1
    assert count(koban.db, select(func.sum(DeliveryLine.qty))) == 10


def _second_draft(db: str, order_ref: str) -> str:
    """A second draft of the whole order written straight into the ledger: what a racing `delivery create`
    made before the order was locked, or a draft of an older version."""
    ledger = Ledger(ledger_url(db))
    try:
        with ledger.write() as session:
            from koban_cli.services import lookup

            order = lookup.order(session, order_ref)
            line = session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)).first()
            delivery = Delivery(order_id=order.id, date=dt.date(2026, 11, 3))
            session.add(delivery)
            session.flush()
            session.add(
                DeliveryLine(
                    delivery_id=delivery.id, position=1, order_line_id=line.id, product_id=line.product_id, qty=line.qty
                )
            )
            return f"PROV-BL-{delivery.id}"
    finally:
        ledger.close()


@pytest.mark.slow
def test_two_deliveries_of_a_whole_order_validated_at_once_deliver_it_once(koban, order_of_ten, tmp_path):
    first = koban.json("delivery", "create", "--from-order", order_of_ten)["ref"]
    second = _second_draft(koban.db, order_of_ten)
    a, b = interleave(
        koban.db,
        tmp_path,
        "deliveries.validate",
        ["delivery", "validate", first, "--date", "2026-11-03"],
        ["delivery", "validate", second, "--date", "2026-11-03"],
    )
    loser = one_winner(a, b)
    assert loser.err == f"Error: line 1 of {second} would deliver more than the 10 ordered\n"
    assert (
        count(koban.db, select(func.sum(DeliveryLine.qty)).join(Delivery).where(Delivery.status == "validated")) == 10
    )
    assert count(koban.db, select(func.sum(StockMove.qty)).where(StockMove.kind == "delivery")) == -10
    assert count(koban.db, select(func.count(StockMove.id)).where(StockMove.kind == "delivery")) == 1


@pytest.mark.slow
def test_the_same_delivery_validated_twice_at_once_takes_one_number(koban, tmp_path):
    koban("product", "add", "KIT", "--name", "Kit", "--price", "10.00", "--vat", "20", "--no-stock")
    order = koban.json("order", "create", "--customer", "ACME", "--date", "2026-11-02")["number"]
    koban("order", "add-line", order, "--product", "KIT", "--qty", "4")
    koban("order", "validate", order)
    ref = koban.json("delivery", "create", "--from-order", order)["ref"]
    validate = ["delivery", "validate", ref, "--date", "2026-11-03"]
    loser = one_winner(*interleave(koban.db, tmp_path, "deliveries.validate", validate, validate))
    assert loser.err in (
        f"Error: {ref} is validated; only a draft delivery is validated\n",
        f'Error: delivery "{ref}" does not exist (see: koban delivery list)\n',
    )
    assert [row["number"] for row in koban.json("delivery", "list")] == ["BL-2026-0001"]
    clean(koban)


@pytest.mark.slow
def test_a_delivery_cancelled_twice_at_once_brings_the_goods_back_once(koban, order_of_ten, tmp_path):
    ref = koban.json("delivery", "create", "--from-order", order_of_ten)["ref"]
    number = koban.json("delivery", "validate", ref, "--date", "2026-11-03")["number"]
    cancel = ["delivery", "cancel", number]
    loser = one_winner(*interleave(koban.db, tmp_path, "deliveries.cancel", cancel, cancel))
    assert loser.err == f"Error: {number} is already cancelled\n"
    assert koban.json("stock", "show", "BOOK")[0]["on_hand"] == "20"


@pytest.mark.slow
def test_a_line_added_while_its_order_is_validated_is_reserved(koban, tmp_path):
    # add-line holds the draft order it checked; validate waits for it, then reads and reserves both lines
    # (without the lock, validate reserved only the first line and the second landed on a validated order)
    number = koban.json("order", "create", "--customer", "ACME", "--date", "2026-11-02")["number"]
    koban("order", "add-line", number, "--product", "BOOK", "--qty", "2")
    added, validated = interleave(
        koban.db,
        tmp_path,
        "lines.add_line",
        ["order", "add-line", number, "--product", "BOOK", "--qty", "3"],
        ["order", "validate", number],
    )
    assert (added.code, validated.code) == (0, 0), (added, validated)
    assert [(row["product"], row["reserved"]) for row in koban.json("stock", "show", "BOOK")] == [("BOOK", "5")]
    clean(koban)


@pytest.mark.slow
def test_two_drafts_raised_at_once_never_draft_more_than_ordered(koban, order_of_ten, tmp_path):
    first = koban.json("delivery", "create", "--from-order", order_of_ten, "--line", "1=3")["ref"]
    second = koban.json("delivery", "create", "--from-order", order_of_ten, "--line", "1=3")["ref"]
    loser = one_winner(
        *interleave(
            koban.db,
            tmp_path,
            "deliveries.set",
            ["delivery", "set", first, "1", "7"],
            ["delivery", "set", second, "1", "7"],
        )
    )
    assert loser.err.endswith(": 7 asked, 3 left to deliver\n")
    assert count(koban.db, select(func.sum(DeliveryLine.qty))) == 10


@pytest.mark.slow
def test_deliveries_of_two_orders_validated_at_once_never_take_more_than_the_stock(koban, tmp_path):
    koban("stock", "in", "BOOK", "10", "--date", "2026-11-01")
    refs = []
    for _ in range(2):
        order = koban.json("order", "create", "--customer", "ACME", "--date", "2026-11-02")["number"]
        koban("order", "add-line", order, "--product", "BOOK", "--qty", "10")
        koban("order", "validate", order)
        refs.append(koban.json("delivery", "create", "--from-order", order)["ref"])
    loser = one_winner(
        *interleave(
            koban.db,
            tmp_path,
            "deliveries.validate",
            ["delivery", "validate", refs[0], "--date", "2026-11-03"],
            ["delivery", "validate", refs[1], "--date", "2026-11-03"],
        )
    )
    assert loser.err.startswith('Error: not enough "BOOK" in stock: 10 to deliver, 0 on hand')
    assert koban.json("stock", "show", "BOOK")[0]["on_hand"] == "0"


# --- bill-due -----------------------------------------------------------------------------------------


def subscriptions(koban: Koban, contracts: int, auto: bool = True, start: str = "2026-09-01") -> list[str]:
    numbers = []
    for i in range(contracts):
        args = ["contract", "create", "--customer", "ACME" if i % 2 else "BOB", "--start", start]
        number = koban.json(*args, "--auto" if auto else "--manual")["number"]
        koban("contract", "add-line", number, "--product", "HOST")
        numbers.append(number)
    return numbers


def billed_periods(db: str) -> list[tuple[int, dt.date]]:
    engine = create_engine(ledger_url(db))
    try:
        with engine.connect() as conn:
            return sorted(conn.execute(select(ContractPeriod.contract_id, ContractPeriod.start)).all())
    finally:
        engine.dispose()


@pytest.mark.slow
def test_two_bill_due_runs_at_once_bill_every_period_once(koban, tmp_path):
    subscriptions(koban, 3, auto=True)
    subscriptions(koban, 2, auto=False)
    run = ["contract", "bill-due", "--as-of", "2026-11-27", "--format", "json"]
    a, b = interleave(koban.db, tmp_path, "bill_due.batch", run, run)
    assert (a.code, a.err, b.code, b.err) == (0, "", 0, "")
    periods = billed_periods(koban.db)
    assert len(periods) == len(set(periods)) == 5 * 3  # September to November, once each
    invoices = koban.json("invoice", "list")
    assert len(invoices) == 15
    assert sorted(row["number"] for row in invoices if row["number"]) == [f"FA-2026-{n:04d}" for n in range(1, 10)]
    clean(koban)


@pytest.mark.slow
def test_bill_due_and_a_credit_note_at_once_lose_no_contract(koban, tmp_path):
    """bill-due bills contract by contract (the first contract has no line, so the batch is retried one by
    one) and stops before writing its invoice; a credit note validated meanwhile takes the next chain index.
    bill-due's write then fails on the chain, not on its period: it must bill the contract again, not skip it."""
    broken = koban.json("contract", "create", "--customer", "BOB", "--start", "2026-11-01", "--auto")["number"]
    (good,) = subscriptions(koban, 1, auto=True, start="2026-11-01")  # one period: its chain index not yet written
    invoice = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    koban("invoice", "add-line", invoice, "--product", "DAY")
    number = koban.json("invoice", "validate", invoice, "--date", "2026-11-27")["number"]
    credit = koban.json("invoice", "credit", number, "--amount", "100.00")["ref"]
    a, b = interleave(
        koban.db,
        tmp_path,
        "bill_due.contract",
        ["contract", "bill-due", "--as-of", "2026-11-27", "--format", "json"],
        ["invoice", "validate", credit, "--date", "2026-11-27"],
    )
    assert (b.code, b.err) == (0, "")
    assert (
        a.code == 1 and a.err == f"Error: {broken}: {broken} has no line to bill (koban contract add-line {broken} …)\n"
    )
    assert len(billed_periods(koban.db)) == 1  # the good contract's November
    assert [period["invoice"] for period in koban.json("contract", "show", good)["periods"]] == ["FA-2026-0002"]
    clean(koban)


def _failing_draft(monkeypatch, failures: int | None) -> list[int]:
    """bill-due's draft raises a unique violation that is not its period (a chain index, a number taken by
    another client) `failures` times (None: always)."""
    calls = []
    real = bill_due.draft

    def draft(*args, **kwargs):
        calls.append(1)
        if failures is None or len(calls) <= failures:
            raise IntegrityError("INSERT INTO invoice …", {}, Exception("duplicate key value violates (chain_index)"))
        return real(*args, **kwargs)

    monkeypatch.setattr(bill_due, "draft", draft)
    return calls


def test_bill_due_bills_again_a_contract_whose_write_failed_on_something_else_than_its_period(catalogue, monkeypatch):
    koban = Koban(catalogue.url)
    subscriptions(koban, 2, auto=True)
    _failing_draft(monkeypatch, failures=2)  # the batch together, then the first contract alone
    run = bill_due.bill_due(catalogue, dt.date(2026, 9, 15))
    assert run.failed == ()
    assert [row.contract for row in run.periods] == ["AB-2026-0001", "AB-2026-0002"]
    assert len(billed_periods(catalogue.url)) == 2


def test_bill_due_reports_a_contract_it_could_not_bill_and_exits_1(catalogue, monkeypatch):
    koban = Koban(catalogue.url)
    subscriptions(koban, 1, auto=True)
    _failing_draft(monkeypatch, failures=None)
    result = koban("contract", "bill-due", "--as-of", "2026-09-15", "--format", "json", ok=False)
    assert (result.exit_code, result.stdout) == (1, "[]\n")
    assert result.stderr == (
        "Error: AB-2026-0001: not billed after 3 attempts (duplicate key value violates (chain_index))\n"
    )
    assert billed_periods(catalogue.url) == []


# --- invoices (the locks belong in services/invoic*.py; the pause points too) -------------------------


@pytest.fixture
def draft_invoice(koban):
    ref = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY")
    return ref


@pytest.mark.slow
def test_the_same_draft_validated_twice_at_once_takes_one_number(koban, draft_invoice, tmp_path):
    validate = ["invoice", "validate", draft_invoice, "--date", "2026-11-27"]
    one_winner(*interleave(koban.db, tmp_path, "invoices.validate", validate, validate))
    assert [row["number"] for row in koban.json("invoice", "list")] == ["FA-2026-0001"]
    clean(koban)


@pytest.mark.slow
def test_two_payments_of_one_invoice_at_once_never_pay_more_than_its_gross(koban, draft_invoice, tmp_path):
    made = koban.json("invoice", "validate", draft_invoice, "--date", "2026-11-27")
    part = str((D(made["gross"]) * D("0.6")).quantize(D("0.01")))
    pay = ["invoice", "pay", made["number"], "--amount", part, "--date", "2026-11-27"]
    loser = one_winner(*interleave(koban.db, tmp_path, "paying.pay", pay, pay))
    assert "left to pay" in loser.err
    assert koban.json("invoice", "show", made["number"])["paid"] == part
    clean(koban)


@pytest.mark.slow
def test_an_invoice_and_a_credit_note_validated_at_once_share_the_chain(koban, draft_invoice, tmp_path):
    first = koban.json("invoice", "validate", draft_invoice, "--date", "2026-11-27")["number"]
    credit = koban.json("invoice", "credit", first, "--amount", "100.00")["ref"]
    other = koban.json("invoice", "create", "--customer", "BOB")["ref"]
    koban("invoice", "add-line", other, "--product", "DAY")
    a, b = interleave(  # the invoice stops once it has read the chain head, before it writes its link
        koban.db,
        tmp_path,
        "invoices.chained",
        ["invoice", "validate", other, "--date", "2026-11-27"],
        ["invoice", "validate", credit, "--date", "2026-11-27"],
    )
    assert (a.code, a.err, b.code, b.err) == (0, "", 0, "")
    assert sorted(row["number"] for row in koban.json("invoice", "list")) == [
        "AV-2026-0001",
        "FA-2026-0001",
        "FA-2026-0002",
    ]
    clean(koban)


@pytest.mark.slow
def test_two_partials_drafted_at_once_never_draft_above_the_order(koban, tmp_path):
    order = koban.json("order", "create", "--customer", "ACME", "--date", "2026-11-02")["number"]
    koban("order", "add-line", order, "--product", "DAY", "--qty", "10")
    koban("order", "validate", order)
    partial = ["invoice", "partial", order, "--percent", "60"]
    one_winner(*interleave(koban.db, tmp_path, "invoicing.partial", partial, partial))
    assert len(koban.json("invoice", "list", "--order", order)) == 1
