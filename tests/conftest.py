"""Fixtures: a temporary ledger file, the CLI runner, and a small catalogue."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from typer.testing import CliRunner

from koban_cli.cli import state
from koban_cli.cli.app import app
from koban_cli.db.engine import Ledger, ledger_url
from koban_cli.services import parties, products

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "ledger.db")


@pytest.fixture
def ledger(db_path):
    opened = Ledger(ledger_url(db_path))
    yield opened
    opened.close()


@pytest.fixture
def catalogue(ledger):
    """A company, two customers, goods, services and a subscription."""
    parties.set_company(ledger, name="Atelier Test SARL", siren="123456789", vat_number="FR32123456789")
    parties.add_customer(ledger, "ACME", name="ACME SAS", payment_terms_days=45)
    parties.add_customer(ledger, "BOB", name="Bob & Co")
    products.add_product(ledger, "DAY", "Journée de conseil", D("650.00"), D(20), "service", unit="day")
    products.add_product(ledger, "SCREEN", "Écran", D("249.90"), D(20), "goods")
    products.add_product(ledger, "BOOK", "Manuel", D("35.00"), D("5.5"), "goods")
    products.add_product(ledger, "HOST", "Hébergement", D("49.00"), D(20), "subscription")
    return ledger


class Koban:
    """Runs `koban --db <ledger> …` in-process and returns the result."""

    def __init__(self, db: str):
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool = True):
        result = self.runner.invoke(app, ["--db", self.db, *args])
        state.choose(None)  # close the ledger like a finished process would
        if ok and result.exit_code != 0:
            raise AssertionError(f"koban {' '.join(args)} exited {result.exit_code}: {result.output} {result.stderr}")
        return result

    def json(self, *args: str):
        return json.loads(self(*args, "--format", "json").stdout)


@pytest.fixture
def koban(db_path, catalogue):
    return Koban(db_path)


def dump(db_path: str) -> list[str]:
    """The whole ledger as SQL text: equal dumps mean nothing changed."""
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        return list(conn.iterdump())


def refused(koban: Koban, args: list[str], message: str) -> None:
    """The command fails with exactly `Error: message`, exit 1, and the ledger is untouched."""
    before = dump(koban.db)
    result = koban(*args, ok=False)
    assert (result.exit_code, result.stderr, result.stdout) == (1, f"Error: {message}\n", "")
    assert dump(koban.db) == before
