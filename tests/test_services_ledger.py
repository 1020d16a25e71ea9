"""Services on a temporary SQLite file: transactions, drafts, credits, schema."""

import datetime as dt
import sqlite3
from decimal import Decimal as D

import pytest
from conftest import TODAY, sqlite_only

from koban_cli.db.engine import SCHEMA_HEAD, Ledger, ledger_url, schema_version
from koban_cli.domain.money import Money
from koban_cli.errors import InvalidState, InvalidValue, OverInvoicing
from koban_cli.services.invoicing import drafts as invoicing
from koban_cli.services.invoicing import editing
from koban_cli.services.invoicing import lifecycle as invoices
from koban_cli.services.invoicing import listing as invoice_list
from koban_cli.services.invoicing import view as invoice_view
from koban_cli.services.lines import LineInput
from koban_cli.services.orders import manage as orders
from koban_cli.services.orders import view as order_view
from koban_cli.services.payments import paying


@pytest.fixture
def order(catalogue):
    number = orders.create(catalogue, "ACME", TODAY).number
    orders.add_line(catalogue, number, LineInput(product="SCREEN", qty=D(4)))
    orders.add_line(catalogue, number, LineInput(product="BOOK", qty=D(10)))
    orders.validate(catalogue, number)
    return number


def test_a_new_ledger_is_at_the_newest_migration(ledger):
    from pathlib import Path

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import koban_cli.db.engine as engine

    config = Config()
    config.set_main_option("script_location", str(Path(engine.__file__).parent / "migrations"))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD
    assert schema_version(ledger.engine) == SCHEMA_HEAD


@sqlite_only
def test_money_is_stored_as_integer_cents_never_float(catalogue, order, db_path):
    with sqlite3.connect(db_path) as conn:
        kinds = conn.execute("SELECT DISTINCT typeof(net), typeof(unit_price), typeof(qty) FROM order_line").fetchall()
    assert kinds == [("integer", "integer", "integer")]


def test_two_drafts_can_never_bill_the_same_quantities(catalogue, order):
    invoicing.partial(catalogue, order, TODAY, picks={1: D(3)})
    with pytest.raises(OverInvoicing, match="1 left to invoice"):
        invoicing.partial(catalogue, order, TODAY, picks={1: D(2)})


def test_an_amount_in_another_currency_is_refused_never_converted(catalogue, order):
    dollars = Money.parse("300", currency="USD")
    with pytest.raises(InvalidValue, match='--amount "300.00 USD" is not in EUR'):
        invoicing.deposit(catalogue, order, TODAY, amount=dollars)
    draft = orders.create(catalogue, "ACME", TODAY).number
    with pytest.raises(InvalidValue, match='unit price "80.00 USD" is not in EUR'):
        orders.add_line(catalogue, draft, LineInput(description="Pose", price=Money.parse("80", currency="USD"), vat=D(20)))
    deposit = invoices.validate(catalogue, invoicing.deposit(catalogue, order, TODAY, amount=Money.parse("300")).ref, TODAY)
    with pytest.raises(InvalidValue, match='--amount "10.00 USD" is not in EUR'):
        paying.pay(catalogue, deposit.number, Money.parse("10", currency="USD"), TODAY)


def test_a_refused_action_leaves_no_trace(catalogue, order):
    before = invoice_list.invoice_rows(catalogue, TODAY)
    with pytest.raises(OverInvoicing):
        invoicing.partial(catalogue, order, TODAY, picks={1: D(1), 2: D(11)})  # line 1 fine, line 2 too much
    assert invoice_list.invoice_rows(catalogue, TODAY) == before


def test_crediting_a_deposit_gives_its_amount_back_to_the_order_and_the_balance_deducts_only_the_rest(catalogue, order):
    deposit = invoices.validate(catalogue, invoicing.deposit(catalogue, order, TODAY, amount=Money(D(300))).ref, TODAY)
    credit = invoices.credit(catalogue, deposit.number, TODAY, amount=Money(D(100))).ref
    invoices.validate(catalogue, credit, TODAY)
    assert str(order_view.show(catalogue, order).invoiced) == "200.00"
    balance = invoicing.balance(catalogue, order, TODAY)
    assert balance.net.amount == order_view.show(catalogue, order).remaining.amount
    invoices.validate(catalogue, balance.ref, TODAY)
    assert order_view.show(catalogue, order).status == "invoiced"


def test_a_cancelled_order_needs_its_invoices_credited_first(catalogue, order):
    ref = invoicing.deposit(catalogue, order, TODAY, percent=D(10)).ref
    with pytest.raises(InvalidState, match=f"has draft invoice {ref}"):
        orders.cancel(catalogue, order)
    number = invoices.validate(catalogue, ref, TODAY).number
    with pytest.raises(InvalidState, match="credit its invoices first"):
        orders.cancel(catalogue, order)
    invoices.validate(catalogue, invoices.credit(catalogue, number, TODAY).ref, TODAY)
    assert orders.cancel(catalogue, order).status == "cancelled"


def test_the_sequence_restarts_each_year(catalogue):
    for day in (dt.date(2025, 12, 31), dt.date(2026, 1, 2)):
        ref = invoicing.create(catalogue, "BOB", day).ref
        editing.add_line(catalogue, ref, LineInput(product="DAY"))
        invoices.validate(catalogue, ref, day)
    assert [r.number for r in invoice_list.invoice_rows(catalogue, TODAY)] == ["FA-2025-0001", "FA-2026-0001"]


def test_reopening_an_existing_ledger_keeps_everything(catalogue, order, db_path):
    catalogue.close()
    again = Ledger(ledger_url(db_path))
    assert str(order_view.show(again, order).net) == "1349.60"


@sqlite_only
def test_a_ledger_made_at_the_first_migration_is_upgraded_keeping_every_row(tmp_path):
    from pathlib import Path

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    import koban_cli.db.engine as engine

    path = tmp_path / "old.db"
    old = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(Path(engine.__file__).parent / "migrations"))
    with old.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    with old.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO customer (code, name, email, address, postcode, city, country, siren, "
            "vat_number) VALUES ('OLD', 'Old client', '', '', '', '', 'FR', '', '')"
        )
        conn.exec_driver_sql(
            "INSERT INTO invoice (customer_id, date, status, note, net, tax, gross, kind, number) "
            "VALUES (1, '2026-01-02', 'validated', '', 12345, 2469, 14814, 'standard', 'FA-2026-0001')"
        )
        conn.exec_driver_sql(
            "INSERT INTO invoice_line (invoice_id, position, kind, description, qty, unit_price, "
            "discount, vat_rate, net) VALUES (1, 1, 'free', 'Audit', 1000, 12345, 0, 2000, 12345)"
        )
    old.dispose()
    with old.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    upgraded = Ledger(ledger_url(str(path)))
    assert schema_version(upgraded.engine) == SCHEMA_HEAD
    rows = invoice_list.invoice_rows(upgraded, TODAY)
    assert [(r.number, r.customer, r.net_cents, r.gross_cents) for r in rows] == [("FA-2026-0001", "OLD", 12345, 14814)]
    assert invoice_view.show(upgraded, "FA-2026-0001", TODAY).lines[0].description == "Audit"
