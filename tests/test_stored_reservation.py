"""What validated orders reserve, stored per product (product.reserved) and kept true by every write that moves
it (services/operations/stock.py `rebook`); `stock show` reads it, `koban verify` checks it against the rule,
migration 0012 fills it. SQLite, and PostgreSQL with KOBAN_TEST_DB."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, update

from koban_cli.db import tables
from koban_cli.db.engine import SCHEMA_HEAD, Ledger, ledger_url, schema_version
from koban_cli.services.operations import stock


def stored(db: str) -> dict[str, D]:
    """`{product ref: product.reserved}` of every product, read straight from the table."""
    engine = create_engine(ledger_url(db))
    try:
        with engine.connect() as conn:
            return {ref: qty for ref, qty in conn.execute(select(tables.product.c.ref, tables.product.c.reserved))}
    finally:
        engine.dispose()


def rule(db: str) -> dict[str, D]:
    """`{product ref: what the rule reserves}`, every product (0 when nothing)."""
    engine = create_engine(ledger_url(db))
    try:
        with engine.connect() as conn:
            wanted = stock.reserved(conn)
            refs = conn.execute(select(tables.product.c.id, tables.product.c.ref)).all()
            return {ref: wanted.get(product_id, D(0)) for product_id, ref in refs}
    finally:
        engine.dispose()


def booked(db: str) -> dict[str, D]:
    """The stored reservation, checked equal to the rule's, products with something reserved only."""
    values = stored(db)
    assert values == rule(db)
    return {ref: qty for ref, qty in values.items() if qty}


def tamper(db: str, ref: str, qty: D) -> None:
    engine = create_engine(ledger_url(db))
    try:
        with engine.begin() as conn:
            conn.execute(update(tables.product).where(tables.product.c.ref == ref).values(reserved=qty))
    finally:
        engine.dispose()


def order(koban, customer: str, *lines: tuple[str, str], validate: bool = True) -> str:
    number = koban.json("order", "create", "--customer", customer, "--date", "2026-03-02")["number"]
    for product, qty in lines:
        koban("order", "add-line", number, "--product", product, "--qty", qty)
    if validate:
        koban("order", "validate", number)
    return number


def test_validating_an_order_reserves_its_lines_tracked_or_not(koban):
    draft = order(koban, "ACME", ("SCREEN", "4"), ("BOOK", "2.5"), ("DAY", "2"), validate=False)
    assert booked(koban.db) == {}  # a draft reserves nothing
    koban("order", "validate", draft)
    assert booked(koban.db) == {"SCREEN": D(4), "BOOK": D("2.5"), "DAY": D(2)}
    order(koban, "BOB", ("SCREEN", "3"))
    assert booked(koban.db) == {"SCREEN": D(7), "BOOK": D("2.5"), "DAY": D(2)}
    shown = {row["product"]: row["reserved"] for row in koban.json("stock", "show")}
    assert shown == {"BOOK": "2.5", "SCREEN": "7"}  # untracked DAY is stored, not shown


def test_a_delivery_validated_releases_what_it_delivers_and_a_cancelled_one_books_it_again(koban):
    number = order(koban, "ACME", ("SCREEN", "4"), ("BOOK", "10"))
    koban("stock", "in", "SCREEN", "10")
    koban("stock", "in", "BOOK", "10")
    ref = koban.json("delivery", "create", "--from-order", number, "--line", "1=3")["ref"]
    assert booked(koban.db) == {"SCREEN": D(4), "BOOK": D(10)}  # a draft delivers nothing yet
    note = koban.json("delivery", "validate", ref)["number"]
    assert booked(koban.db) == {"SCREEN": D(1), "BOOK": D(10)}
    koban("delivery", "cancel", note)
    assert booked(koban.db) == {"SCREEN": D(4), "BOOK": D(10)}


def test_cancelling_a_validated_order_releases_its_lines(koban):
    number = order(koban, "ACME", ("SCREEN", "4"), ("DAY", "1"))
    other = order(koban, "BOB", ("SCREEN", "2"))
    koban("order", "cancel", number)
    assert booked(koban.db) == {"SCREEN": D(2)}
    koban("order", "cancel", other)
    assert booked(koban.db) == {}


def test_imported_orders_reserve_their_lines(koban, tmp_path):
    order(koban, "BOB", ("BOOK", "1"))
    csv = tmp_path / "orders.csv"
    csv.write_text(
        "order_key,customer,product,description,qty,unit_price,discount,vat,date,customer_ref\n"
        "W1,ACME,SCREEN,,4,,,,2026-03-02,\n"
        "W1,ACME,,Port,1,25,,20,2026-03-02,\n"
        "W2,BOB,SCREEN,,1.5,,,,2026-03-03,\n"
        "W2,BOB,BOOK,,2,,,,2026-03-03,\n"
    )
    assert booked(koban.db) == {"BOOK": D(1)}
    koban("import", "orders", str(csv), "--dry-run")
    assert booked(koban.db) == {"BOOK": D(1)}
    koban("import", "orders", str(csv))
    assert booked(koban.db) == {"SCREEN": D("5.5"), "BOOK": D(3)}


def test_stock_tracking_turned_off_and_on_shows_the_reservation_again_without_a_rebook(koban):
    order(koban, "ACME", ("SCREEN", "4"))
    koban("product", "edit", "SCREEN", "--no-stock")
    assert [row["product"] for row in koban.json("stock", "show")] == ["BOOK"]
    koban("product", "edit", "SCREEN", "--stock")
    assert {row["product"]: row["reserved"] for row in koban.json("stock", "show")} == {"BOOK": "0", "SCREEN": "4"}
    assert booked(koban.db) == {"SCREEN": D(4)}


def test_a_quote_accepted_reserves_the_lines_of_its_order(koban):
    quote = koban.json("quote", "create", "--customer", "ACME", "--date", "2026-03-02")["number"]
    koban("quote", "add-line", quote, "--product", "SCREEN", "--qty", "2")
    koban("quote", "accept", quote, "--date", "2026-03-02")
    assert booked(koban.db) == {"SCREEN": D(2)}


def test_stock_show_reads_the_stored_reservation(koban):
    order(koban, "ACME", ("SCREEN", "4"))
    tamper(koban.db, "SCREEN", D("1.5"))
    (screen,) = koban.json("stock", "show", "SCREEN")
    assert (screen["reserved"], screen["available"]) == ("1.5", "-1.5")


def test_verify_finds_each_product_whose_stored_reservation_is_not_the_rule(koban):
    order(koban, "ACME", ("SCREEN", "4"), ("DAY", "2"))
    assert koban("verify").exit_code == 0
    tamper(koban.db, "SCREEN", D(3))
    tamper(koban.db, "BOOK", D("0.5"))
    tamper(koban.db, "DAY", D(0))
    result = koban("verify", ok=False)
    assert result.exit_code == 1
    found = [line for line in result.stderr.splitlines() if "reserved" in line]
    assert found == [
        "Error: reserved: BOOK: stores 0.5 reserved; its validated orders reserve 0",
        "Error: reserved: DAY: stores 0 reserved; its validated orders reserve 2",
        "Error: reserved: SCREEN: stores 3 reserved; its validated orders reserve 4",
    ]
    assert len(result.stderr.splitlines()) == 3


def test_rebook_fixes_a_stale_value_and_leaves_other_products_alone(koban):
    order(koban, "ACME", ("SCREEN", "4"), ("BOOK", "1"))
    tamper(koban.db, "SCREEN", D(9))
    tamper(koban.db, "BOOK", D(9))
    ledger = Ledger(ledger_url(koban.db))
    try:
        with ledger.write_core() as conn:
            screen = conn.execute(select(tables.product.c.id).where(tables.product.c.ref == "SCREEN")).scalar()
            stock.rebook(conn, [screen, None])
        assert stored(koban.db)["SCREEN"] == D(4) and stored(koban.db)["BOOK"] == D(9)
        with ledger.write() as session:  # on an ORM session too, every product
            stock.rebook(session)
        assert booked(koban.db) == {"SCREEN": D(4), "BOOK": D(1)}
    finally:
        ledger.close()


def test_a_ledger_at_the_previous_revision_is_upgraded_with_the_reservation_of_its_orders(koban):
    from alembic import command
    from alembic.config import Config

    import koban_cli.db.engine as engine

    number = order(koban, "ACME", ("SCREEN", "4"), ("BOOK", "2.5"), ("DAY", "1"))
    order(koban, "BOB", ("SCREEN", "1"))
    order(koban, "BOB", ("BOOK", "7"), validate=False)
    koban("stock", "in", "SCREEN", "10")
    koban("delivery", "validate", koban.json("delivery", "create", "--from-order", number, "--line", "1=3")["ref"])
    expected = booked(koban.db)
    assert expected == {"SCREEN": D(2), "BOOK": D("2.5"), "DAY": D(1)}
    config = Config()
    config.set_main_option("script_location", str(Path(engine.__file__).parent / "migrations"))
    old = create_engine(ledger_url(koban.db))
    try:
        with old.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0011")
        assert schema_version(old) == "0011"
    finally:
        old.dispose()
    upgraded = Ledger(ledger_url(koban.db))
    try:
        assert schema_version(upgraded.engine) == SCHEMA_HEAD
    finally:
        upgraded.close()
    assert booked(koban.db) == expected
    assert koban("verify").exit_code == 0


def test_a_copy_carries_the_reservation_and_a_wrong_one_is_not_copied(koban, tmp_path):
    order(koban, "ACME", ("SCREEN", "4"))
    target = str(tmp_path / "copy.db")
    koban("db", "copy", "--to", target)
    assert booked(target) == {"SCREEN": D(4)}
    tamper(koban.db, "SCREEN", D(1))
    result = koban("db", "copy", "--to", str(tmp_path / "again.db"), ok=False)
    assert result.exit_code == 1
    assert "reserved: stores 1 reserved; its validated orders reserve 4" in result.stderr


@pytest.mark.slow  # real processes paused between the rule's sum and its write
def test_two_orders_of_one_product_validated_at_once_both_stay_reserved(koban, catalogue, tmp_path):
    """The first client has summed the rule and waits before writing it; the second validates another order
    of the same product meanwhile. Without the product lock (PostgreSQL) the second stores a sum without the
    first's order, then the first one its sum without the second's: one order's reservation is lost."""
    from test_races import interleave

    from koban_cli.services import parties

    parties.edit_customer(catalogue, "ACME", siren="552100554")  # the clients' stderr then holds errors only
    first = order(koban, "ACME", ("SCREEN", "4"), validate=False)
    second = order(koban, "ACME", ("SCREEN", "3"), ("BOOK", "1"), validate=False)
    a, b = interleave(koban.db, tmp_path, "stock.rebook", ["order", "validate", first], ["order", "validate", second])
    assert (a.code, b.code) == (0, 0), (a, b)
    assert booked(koban.db) == {"SCREEN": D(7), "BOOK": D(1)}


def test_nothing_reserved_is_the_same_zero_as_the_rule_gives(koban, catalogue):
    order(koban, "ACME", ("SCREEN", "4"))
    levels = {level.product: level for level in stock.levels(catalogue)}
    assert (str(levels["BOOK"].reserved), str(levels["BOOK"].available)) == ("0", "0")  # not 0.000
    assert str(levels["SCREEN"].reserved) == "4.000"  # as the rule's sum reads, as before


def test_an_import_touching_much_of_the_catalogue_rebooks_it_from_one_read_of_every_line(koban, catalogue, tmp_path):
    from koban_cli.domain.money import Money
    from koban_cli.services import products

    for n in range(30):  # more products than a write books one by one (stock._FEW), all of them touched
        products.add_product(catalogue, f"G{n:02d}", f"Goods {n}", Money(D("1.00")), D(20), "goods")
    order(koban, "BOB", ("G00", "1"), ("SCREEN", "2"))
    csv = tmp_path / "orders.csv"
    csv.write_text(
        "order_key,customer,product,qty,date\n" + "".join(f"W{n},ACME,G{n:02d},{n + 1},2026-03-02\n" for n in range(30))
    )
    koban("import", "orders", str(csv))
    expected = {f"G{n:02d}": D(n + 1) for n in range(30)} | {"G00": D(2), "SCREEN": D(2)}
    assert booked(koban.db) == expected
