"""db/tables.py, the Core description read commands use, is what the models generate."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from koban_cli.db import generate_tables, tables
from koban_cli.db.types import UTCMoment


def test_the_core_tables_are_generated_from_the_models():
    assert generate_tables.TARGET.read_text() == generate_tables.source(), (
        "db/tables.py is stale: run python -m koban_cli.db.generate_tables"
    )


def test_a_core_read_gives_the_values_the_models_give(tmp_path):
    from sqlmodel import Session

    from koban_cli.db.engine import Ledger
    from koban_cli.db.models import Customer, Product

    ledger = Ledger(f"sqlite:///{tmp_path / 'k.db'}")
    with Session(ledger.engine) as session:
        session.add(Customer(code="C1", name="Client"))
        session.add(Product(ref="P1", name="Produit", price=Decimal("12.34"), vat_rate=Decimal("5.5")))
        session.commit()
    with ledger.read_core() as connection:
        price, rate = connection.execute(select(tables.product.c.price, tables.product.c.vat_rate)).one()
        cents = connection.execute(select(tables.cents(tables.product.c.price))).scalar()
    assert (price, rate, cents) == (Decimal("12.34"), Decimal("5.5"), 1234)


def test_a_moment_reads_back_aware_in_utc():
    naive = dt.datetime(2026, 1, 2, 3, 4, 5)
    moment = UTCMoment().process_result_value(naive, None)
    assert moment == naive.replace(tzinfo=dt.timezone.utc)


def test_a_core_insert_takes_the_defaults_an_orm_insert_takes(tmp_path):
    """`tables.insert` fills what is not given with the models' defaults: both rows read back the same."""
    from sqlmodel import Session

    from koban_cli.db import models
    from koban_cli.db.engine import Ledger

    ledger = Ledger(f"sqlite:///{tmp_path / 'k.db'}")
    with Session(ledger.engine) as session:
        session.add(models.Customer(code="C1", name="Client"))
        session.flush()
        session.add(models.SalesOrder(number="ORM", customer_id=1, date=dt.date(2026, 1, 2)))
        session.add(models.Quote(number="ORM", customer_id=1, date=dt.date(2026, 1, 2)))
        session.commit()
    with ledger.write_core() as connection:
        connection.execute(tables.insert(tables.customer, code="C2", name="Client"))
        connection.execute(tables.insert(tables.sales_order, number="CORE", customer_id=1, date=dt.date(2026, 1, 2)))
        connection.execute(tables.insert(tables.quote, number="CORE", customer_id=1, date=dt.date(2026, 1, 2)))
    with ledger.read_core() as connection:
        for table in (tables.customer, tables.sales_order, tables.quote):
            orm, core = (row._asdict() for row in connection.execute(select(table).order_by(table.c.id)))
            different = {name for name in orm if orm[name] != core[name]}
            assert different <= {"id", "number", "code"}, (table.name, different)


def test_the_migrations_build_the_tables_columns_and_indexes_the_models_describe(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from koban_cli.db import models  # noqa: F401 (the models' metadata)
    from koban_cli.db.engine import Ledger, ledger_url

    ledger = Ledger(ledger_url(str(tmp_path / "ledger.db")))  # built by the migrations
    try:
        with ledger.engine.connect() as connection:
            found = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    finally:
        ledger.close()
    structural = ("add_table", "remove_table", "add_column", "remove_column", "add_index", "remove_index")
    differences = [
        (kind, getattr(thing, "name", thing))
        for kind, thing, *_ in (change for change in found if not isinstance(change, list))
        if kind in structural
    ]
    # the models declare chain_index UNIQUE; migration 0006 made it a unique index: the same constraint
    assert differences == [("remove_index", "ix_invoice_chain_index")]
