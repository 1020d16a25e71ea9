"""Fixtures: a temporary ledger file, the CLI runner, and a small catalogue."""

from __future__ import annotations

import datetime as dt
import json
import os
import traceback
import uuid
from decimal import Decimal as D

import pytest
from typer.testing import CliRunner

from koban_cli.cli.app import app
from koban_cli.db.engine import Ledger, ledger_url
from koban_cli.domain.money import Money
from koban_cli.services import parties, products

TODAY = dt.date(2026, 11, 27)


# Set KOBAN_TEST_DB to a PostgreSQL server URL (…/postgres) to run the suite there: each test gets a
# database of its own. Tests about SQLite files themselves are skipped then.
SERVER = os.environ.get("KOBAN_TEST_DB")
sqlite_only = pytest.mark.skipif(bool(SERVER), reason="about the SQLite ledger file itself")


@pytest.fixture
def db_path(tmp_path):
    if not SERVER:
        yield str(tmp_path / "ledger.db")
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"koban_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def ledger(db_path):
    opened = Ledger(ledger_url(db_path))
    yield opened
    opened.close()


def fill_catalogue(ledger: Ledger) -> Ledger:
    """A company, two customers, goods, services and a subscription."""
    parties.set_company(ledger, name="Atelier Test SARL", siren="123456782", vat_number="FR11123456782")
    parties.add_customer(ledger, "ACME", name="ACME SAS", payment_terms_days=45)
    parties.add_customer(ledger, "BOB", name="Bob & Co")
    products.add_product(ledger, "DAY", "Journée de conseil", Money(D("650.00")), D(20), "service", unit="day")
    products.add_product(ledger, "SCREEN", "Écran", Money(D("249.90")), D(20), "goods")
    products.add_product(ledger, "BOOK", "Manuel", Money(D("35.00")), D("5.5"), "goods")
    products.add_product(ledger, "HOST", "Hébergement", Money(D("49.00")), D(20), "subscription")
    return ledger


@pytest.fixture
def catalogue(ledger):
    return fill_catalogue(ledger)


@pytest.fixture(scope="session")
def catalogue_file(tmp_path_factory):
    """A SQLite ledger holding the catalogue, for property tests to copy once per example."""
    path = tmp_path_factory.mktemp("template") / "ledger.db"
    fill_catalogue(Ledger(ledger_url(str(path)))).close()
    return path


class Koban:
    """Runs `koban --db <ledger> …` in-process and returns the result."""

    def __init__(self, db: str):
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool = True):
        result = self.runner.invoke(app, ["--db", self.db, *args])
        if ok and result.exit_code != 0:
            raised = "".join(traceback.format_exception(result.exception)) if result.exception else ""
            raise AssertionError(
                f"koban {' '.join(args)} exited {result.exit_code}: {result.output} {result.stderr} {raised}"
            )
        return result

    def json(self, *args: str):
        return json.loads(self(*args, "--format", "json").stdout)


@pytest.fixture
def koban(db_path, catalogue):
    return Koban(db_path)


def dump(db: str) -> list[str]:
    """Every row of every table as text: equal dumps mean nothing changed (on SQLite or PostgreSQL)."""
    from sqlalchemy import create_engine, select
    from sqlmodel import SQLModel

    engine = create_engine(ledger_url(db))
    with engine.connect() as conn:
        rows = [
            f"{table.name}: {row}"
            for table in SQLModel.metadata.sorted_tables
            for row in conn.execute(select(table).order_by(*table.primary_key.columns))
        ]
    engine.dispose()
    return rows


def refused(koban: Koban, args: list[str], message: str) -> None:
    """The command fails with exactly `Error: message`, exit 1, and the ledger is untouched."""
    before = dump(koban.db)
    result = koban(*args, ok=False)
    assert (result.exit_code, result.stderr, result.stdout) == (1, f"Error: {message}\n", "")
    assert dump(koban.db) == before


@pytest.fixture(autouse=True)
def factur_x_passes_en16931(request):
    """Every Factur-X a test leaves under its tmp_path passes the official EN 16931 rules."""
    folder = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    yield
    from en16931 import CHECK, factur_x_of, fatal_rules

    if CHECK is None or folder is None:
        return
    failures = []
    for pdf in sorted(folder.rglob("*.pdf")):
        xml = factur_x_of(pdf)
        if xml is not None:
            failures += [f"{pdf.name}: {rule} {text[:200]}" for _, rule, text in fatal_rules(xml)]
    if failures:
        pytest.fail("EN 16931 rules failed:\n" + "\n".join(failures), pytrace=False)
