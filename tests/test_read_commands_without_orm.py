"""Every read command of the CLI starts without the ORM (issue 21): on a demo ledger, each `koban …` process
that only reads imports none of sqlmodel, pydantic, sqlalchemy.orm or the models (`startup.ORM`), in every
format it offers.

A real process is started per command and format (`startup.imported`): the test is slow.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from startup import ORM, imported

from koban_cli.db.engine import Ledger, ledger_url
from koban_cli.services import demo

TODAY = dt.date(2026, 11, 28)
FORMATS = ("table", "json", "csv")


@pytest.fixture
def story(db_path):
    """The demo's ledger (what `koban demo` makes), on a fixed day; and what it made."""
    ledger = Ledger(ledger_url(db_path))
    made = demo.build(ledger, TODAY)
    ledger.close()
    return made


def read_commands(made) -> list[tuple[str, ...]]:
    """Every read command, each with the formats it offers (None: it has no --format)."""
    order, invoice, contract = made.orders[0], made.invoices[0], made.contracts[0]
    as_of = ("--as-of", TODAY.isoformat())
    offered = [
        ("company", "show"),
        ("customer", "list"),
        ("customer", "show", "ACME"),
        ("customer", "statement", "ACME", *as_of),
        ("supplier", "list"),
        ("product", "list"),
        ("product", "show", "ECRAN"),
        ("report", "aging", *as_of),
        ("delivery", "list"),
        ("delivery", "show", made.deliveries[0]),
        ("purchase", "list"),
        ("purchase", "show", f"CF-{TODAY.year}-0001"),
        ("order", "schedule", order, "--list", *as_of),
        ("quote", "list"),
        ("quote", "show", f"DE-{TODAY.year}-0001"),
        ("order", "list"),
        ("order", "show", order),
        ("invoice", "list"),
        ("invoice", "show", invoice),
        ("invoice", "forecast", *as_of),
        ("contract", "list"),
        ("contract", "show", contract),
        ("contract", "renewals", *as_of),
        ("stock", "show"),
        ("stock", "moves"),
        ("stock", "alerts"),
        ("project", "list"),
        ("project", "show", made.projects[0]),
    ]
    runs = [(*args, "--format", fmt) for args in offered for fmt in FORMATS]
    runs.append(("info",))  # text only
    return runs


@pytest.mark.slow  # a process per command and format
def test_no_read_command_imports_the_orm(story, db_path, tmp_path):
    runs = read_commands(story)
    # without --format, `customer statement` writes its PDF: a read too
    runs.append(("customer", "statement", "ACME", "--as-of", TODAY.isoformat(), "-o", str(tmp_path / "s.pdf")))
    with ThreadPoolExecutor(2) as pool:
        found = dict(zip(runs, pool.map(lambda args: ORM & imported(db_path, *args), runs)))
    assert {args: sorted(modules) for args, modules in found.items() if modules} == {}
