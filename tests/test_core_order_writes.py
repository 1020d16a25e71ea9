"""Orders and quotes are written on SQLAlchemy Core (services/lines.py over db/tables.py).

Their commands' processes import neither the ORM nor pydantic; the line rules
they use are the ones the ORM writes (invoice drafts, credit notes, bill-due)
call on a Session, which keep the model objects they hold true to what Core
wrote.
"""

import datetime as dt
from decimal import Decimal as D

import pytest
from sqlalchemy import select
from startup import ORM, imported

from koban_cli.db import tables
from koban_cli.domain.lines import text_line
from koban_cli.domain.money import Money
from koban_cli.services import lines as doc_lines
from koban_cli.services import lookup


def _clean(koban, *args):
    modules = imported(koban.db, *args)
    assert "sqlalchemy" in modules
    assert not ORM & modules, (args, sorted(ORM & modules))


@pytest.mark.slow  # fresh processes
def test_order_and_quote_writes_and_quote_reads_start_without_orm_or_pydantic(koban):
    _clean(koban, "order", "create", "--customer", "ACME", "--date", "2026-11-02", "--format", "json")
    order = "CO-2026-0001"
    _clean(koban, "order", "add-line", order, "--product", "SCREEN", "--qty", "2")
    _clean(koban, "order", "add-line", order, "--text", "Section")
    _clean(koban, "order", "remove-line", order, "2")
    _clean(koban, "order", "validate", order, "--format", "json")
    _clean(koban, "quote", "create", "--customer", "BOB", "--date", "2026-11-02")
    quote = "DE-2026-0001"
    _clean(koban, "quote", "add-line", quote, "--product", "DAY", "--discount", "10")
    _clean(koban, "quote", "add-line", quote, "--description", "Frais", "--price", "12.50", "--vat", "20")
    _clean(koban, "quote", "remove-line", quote, "2")
    for fmt in ("table", "json", "csv"):
        _clean(koban, "quote", "show", quote, "--format", fmt)
        _clean(koban, "quote", "list", "--format", fmt)
    assert koban.json("order", "show", order)["net"] == "499.80"
    assert koban.json("order", "show", order)["status"] == "validated"
    shown = koban.json("quote", "show", quote)
    assert (shown["net"], shown["gross"], len(shown["lines"])) == ("585.00", "702.00", 1)


def test_core_line_edits_keep_totals_positions_and_the_buyers_vat(koban, ledger):
    koban("customer", "add", "EXPORT", "--name", "Export Inc", "--country", "US")
    order = koban.json("order", "create", "--customer", "EXPORT")["number"]
    koban("order", "add-line", order, "--product", "SCREEN")  # goods exported: 0 %
    koban("order", "add-line", order, "--text", "Notes")
    koban("order", "add-line", order, "--product", "BOOK", "--qty", "2")
    koban("order", "remove-line", order, "1")
    shown = koban.json("order", "show", order)
    assert [(line["position"], line["kind"], line["vat_rate"]) for line in shown["lines"]] == [
        (1, "text", None),
        (2, "product", "0"),
    ]
    assert (shown["net"], shown["tax"], shown["gross"]) == ("70.00", "0.00", "70.00")
    assert "no line 3 (it has 2)" in koban("order", "remove-line", order, "3", ok=False).stderr


def test_a_session_sees_what_the_core_line_rules_wrote(koban, ledger):
    """On an ORM session (invoice drafts, credit notes, bill-due): what is pending is flushed first, the
    invoice object gets the totals written, and a line object the session holds follows its renumbering."""
    from koban_cli.db.models import Invoice, InvoiceLine

    ref = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    with ledger.write() as session:
        invoice = lookup.invoice(session, ref)
        invoice.note = "pending"  # not flushed yet: a Core statement must not run before it
        line = doc_lines.resolve(session, doc_lines.LineInput(product="DAY", qty=D(2)))
        assert doc_lines.append(session, invoice, [text_line("Titre"), line, line]) == [1, 2, 3]
        assert (invoice.net, invoice.tax, invoice.gross) == (D("2600.00"), D("520.00"), D("3120.00"))
        assert not _changed(invoice)  # the note flushed first; the totals set as written: nothing left to write
        held = select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id, InvoiceLine.position == 3)
        third = session.scalars(held).one()
        doc_lines.remove(session, invoice, 1, ref)
        assert third.position == 2
        assert invoice.gross == D("3120.00")
        doc_lines.remove(session, invoice, 1, ref)
        assert (invoice.net, invoice.gross) == (D("1300.00"), D("1560.00"))
        assert session.get(Invoice, invoice.id).note == "pending"
    with ledger.read_core() as db:
        stored = db.execute(select(tables.invoice).where(tables.invoice.c.id == invoice.id)).one()
        assert (stored.net, stored.gross, stored.note) == (D("1300.00"), D("1560.00"), "pending")


def test_a_draft_edited_twice_in_one_transaction_keeps_true_totals(koban, ledger):
    """A Draft's row is as read: its totals are written after each edit, even when they come back to it."""
    order = koban.json("order", "create", "--customer", "ACME")["number"]
    with ledger.write_core() as db:
        draft = doc_lines.Draft(doc_lines.ORDER, lookup.order_row(db, order))
        doc_lines.append(db, draft, [doc_lines.resolve(db, doc_lines.LineInput(product="SCREEN"))])
        doc_lines.remove(db, draft, 1, order)
    shown = koban.json("order", "show", order)
    assert (shown["lines"], shown["net"], shown["gross"]) == ([], "0.00", "0.00")


def test_a_session_holding_a_line_core_removed_goes_on_editing(koban, ledger):
    from koban_cli.db.models import InvoiceLine

    ref = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    with ledger.write() as session:
        invoice = lookup.invoice(session, ref)
        line = doc_lines.resolve(session, doc_lines.LineInput(product="DAY"))
        doc_lines.append(session, invoice, [line, line])
        held = select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id, InvoiceLine.position == 1)
        first = session.scalars(held).one()
        doc_lines.remove(session, invoice, 1, ref)
        assert first not in session  # its row is gone: the session lets it go
        doc_lines.remove(session, invoice, 1, ref)
        assert (invoice.net, invoice.gross) == (D("0.00"), D("0.00"))


def _changed(obj) -> set[str]:
    from sqlalchemy import inspect

    return {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}


def test_a_core_write_on_a_ledger_without_company_takes_the_models_defaults(db_path):
    """No company row yet: the line rules read the model's defaults (not VAT-exempt), without the ORM."""
    from koban_cli.db.engine import Ledger, ledger_url
    from koban_cli.services import parties
    from koban_cli.services.orders import manage

    ledger = Ledger(ledger_url(db_path))
    parties.add_customer(ledger, "ACME", name="ACME SAS")

    number = manage.create(ledger, "ACME", dt.date(2026, 11, 2)).number
    manage.add_line(ledger, number, doc_lines.LineInput(description="Frais", price=Money(D("10.00")), vat=D(20)))
    with ledger.read_core() as db:
        assert db.execute(select(tables.sales_order.c.gross)).scalar() == D("12.00")
        assert lookup.company_row(db).number_pattern == "{prefix}-{year}-{seq:04d}"
    ledger.close()


def test_invoice_line_edits_run_on_core_without_the_orm(koban, ledger):
    """services/invoicing/editing.py (the CLI's `invoice add-line` once cli/invoices.py calls it directly)."""
    import subprocess
    import sys

    from startup import ROOT

    from koban_cli.services.invoicing import editing

    loaded = "import sys, koban_cli.services.invoicing.editing; print(' '.join(sorted(sys.modules)))"
    modules = set(subprocess.run([sys.executable, "-c", loaded], capture_output=True, text=True, cwd=ROOT).stdout.split())
    assert "koban_cli.services.invoicing.editing" in modules and not ORM & modules, sorted(ORM & modules)
    ref = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    assert editing.add_line(ledger, ref, doc_lines.LineInput(text="Titre")).position == 1
    assert editing.add_line(ledger, ref, doc_lines.LineInput(product="BOOK", qty=D(2))).position == 2
    editing.remove_line(ledger, ref, 1)
    shown = koban.json("invoice", "show", ref)
    assert (shown["net"], shown["gross"], len(shown["lines"])) == ("70.00", "73.85", 1)
