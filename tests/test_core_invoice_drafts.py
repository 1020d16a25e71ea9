"""Invoice drafting is written on SQLAlchemy Core (services/invoicing/drafts.py over db/tables.py).

`invoice deposit|partial|balance|create` import neither the ORM nor pydantic; the ORM writes that draft
(from-plan, credit notes, reminders' fees, contracts) go through the same insert (`drafts.insert`) and
still get the model object from `drafts.draft`.
"""

import datetime as dt
from decimal import Decimal as D

import pytest
from sqlalchemy import select
from startup import ORM, imported

from koban_cli.db import tables
from koban_cli.domain.kinds import InvoiceKind
from koban_cli.domain.lines import Line
from koban_cli.services.invoicing import drafts


def _clean(koban, *args):
    modules = imported(koban.db, *args)
    assert "sqlalchemy" in modules
    assert not ORM & modules, (args, sorted(ORM & modules))


def _order(koban):
    order = koban.json("order", "create", "--customer", "ACME", "--date", "2026-11-02")["number"]
    koban("order", "add-line", order, "--product", "DAY", "--qty", "4")
    koban("order", "add-line", order, "--product", "SCREEN", "--qty", "2")
    koban("order", "validate", order)
    return order


@pytest.mark.slow  # fresh processes
def test_drafting_commands_start_without_orm_or_pydantic(koban):
    order = _order(koban)
    _clean(koban, "invoice", "deposit", order, "--percent", "30", "--date", "2026-11-03", "--format", "json")
    _clean(koban, "invoice", "partial", order, "--line", "1=1", "--date", "2026-11-03")
    _clean(koban, "invoice", "create", "--customer", "BOB", "--date", "2026-11-03", "--format", "csv")
    for ref in ("PROV-1", "PROV-2"):
        koban("invoice", "delete", ref)
    _clean(koban, "invoice", "balance", order, "--date", "2026-11-03", "--format", "json")
    shown = koban.json("invoice", "show", "PROV-4")
    assert (shown["kind"], shown["net"], shown["gross"]) == ("balance", "3099.80", "3719.76")


def _rows(ledger, invoice_id):
    with ledger.read_core() as db:
        invoice = db.execute(select(tables.invoice).where(tables.invoice.c.id == invoice_id)).one()
        lines = db.execute(
            select(tables.invoice_line)
            .where(tables.invoice_line.c.invoice_id == invoice_id)
            .order_by(tables.invoice_line.c.position)
        ).all()
    return invoice, lines


def test_a_deposit_to_an_eu_business_answers_the_totals_its_lines_were_charged(koban, ledger):
    """The buyer became an EU business after its order was taken at 20 %: its regime takes the VAT off the
    deposit's lines after they were built. The command answers, and the row keeps, the totals of the lines
    as written (0 % VAT), not those of the lines as built."""
    order = _order(koban)
    koban("customer", "edit", "ACME", "--country", "DE", "--vat-number", "DE136695976")
    made = koban.json("invoice", "deposit", order, "--percent", "50", "--date", "2026-11-03")
    assert (made["net"], made["gross"]) == ("1549.90", "1549.90")
    invoice, lines = _rows(ledger, 1)
    assert (invoice.net, invoice.tax, invoice.gross) == (D("1549.90"), D("0.00"), D("1549.90"))
    assert {line.vat_rate for line in lines} == {D(0)}


def test_the_orm_draft_and_the_core_write_store_the_same_rows(koban, ledger):
    """`draft(session, …)` (credit notes, reminders, contracts) inserts through `write`: the same rows as on
    a Core connection, and the model object it answers holds what was written."""
    lines = [Line("Frais", D(2), D("12.50"), D(20), D("25.00")), Line("Port", D(1), D("7.10"), D("5.5"), D("7.10"))]
    with ledger.write() as session:
        from koban_cli.db.models import Invoice

        made = drafts.draft(session, 1, InvoiceKind.STANDARD, dt.date(2026, 11, 3), lines, note="n")
        assert isinstance(made, Invoice)
        assert (made.id, made.net, made.tax, made.gross, made.note) == (
            1,
            D("32.10"),
            D("5.39"),
            D("37.49"),
            "n",
        )
    with ledger.write_core() as db:
        row = drafts.write(db, 1, InvoiceKind.STANDARD, dt.date(2026, 11, 3), lines, note="n")
        assert (row.id, row.net, row.gross) == (2, D("32.10"), D("37.49"))
    first, first_lines = _rows(ledger, 1)
    second, second_lines = _rows(ledger, 2)
    assert first._asdict() | {"id": 2} == second._asdict()
    assert [line._asdict() | {"id": 0, "invoice_id": 0} for line in first_lines] == [
        line._asdict() | {"id": 0, "invoice_id": 0} for line in second_lines
    ]


def test_planned_entries_drafted_on_a_session_through_the_core_rules(koban):
    """from-plan (an ORM transaction) drafts through draft_deposit/draft_partial/draft_balance."""
    order = _order(koban)
    koban("order", "schedule", order, "--date", "2026-11-04", "--percent", "30", "--kind", "deposit")
    koban("order", "schedule", order, "--date", "2026-11-05", "--amount", "100", "--kind", "intermediate")
    made = koban.json("invoice", "from-plan", order, "--as-of", "2026-11-06")
    assert [(row["ref"], row["kind"], row["net"]) for row in made] == [
        ("PROV-1", "deposit", "929.94"),
        ("PROV-2", "intermediate", "100.00"),
    ]
    koban("order", "schedule", order, "--date", "2026-11-06", "--amount", "1", "--kind", "balance")
    refused = koban("invoice", "from-plan", order, "--as-of", "2026-11-06", ok=False)
    assert "has draft invoice PROV-1; validate or delete it before the balance; nothing was drafted" in refused.stderr
