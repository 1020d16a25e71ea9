"""Invoice validation on SQLAlchemy Core: `invoice validate` starts without the ORM, and bill-due's ORM
session validates through the same rules (services/invoicing/lifecycle.validate_draft)."""

import datetime as dt

import pytest
from sqlalchemy import select
from startup import ORM, imported

from koban_cli.db import tables
from koban_cli.db.models import Invoice
from koban_cli.domain.kinds import InvoiceKind, Status
from koban_cli.services import lines as doc_lines
from koban_cli.services import lookup
from koban_cli.services.invoicing.lifecycle import validate_draft


def _verified(koban) -> None:
    result = koban("verify", ok=False)
    assert "chain" not in result.stdout + result.stderr, result.stdout + result.stderr


@pytest.mark.slow  # a fresh process
def test_validating_an_invoice_starts_without_orm_or_pydantic(koban):
    ref = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY")
    modules = imported(koban.db, "invoice", "validate", ref, "--format", "json")
    assert "sqlalchemy" in modules
    assert not ORM & modules, sorted(ORM & modules)
    shown = koban.json("invoice", "show", "FA-2026-0001")
    assert (shown["status"], shown["net"]) == ("validated", "650.00")
    _verified(koban)


def test_a_credit_note_validated_on_core_moves_its_order_back_then_its_balance_closes_it(koban):
    order = koban.json("order", "create", "--customer", "ACME")["number"]
    koban("order", "add-line", order, "--product", "DAY", "--qty", "2")
    koban("order", "validate", order)
    balance = koban.json("invoice", "balance", order)["ref"]
    number = koban.json("invoice", "validate", balance)["number"]
    assert koban.json("order", "show", order)["status"] == "invoiced"
    credit = koban.json("invoice", "credit", number, "--amount", "100.00")["ref"]
    made = koban.json("invoice", "validate", credit)
    assert (made["number"], made["due_date"], made["net"]) == ("AV-2026-0001", None, "100.00")
    assert koban.json("order", "show", order)["status"] == "validated"
    _verified(koban)


def test_validate_draft_in_an_orm_session_keeps_the_model_in_step(ledger, catalogue):
    """bill-due validates model objects in its session: they hold what Core wrote, and the ORM writes
    nothing more at commit (a second write of an issued invoice would be refused by its trigger)."""
    from koban_cli.services.invoicing.drafts import draft

    date = dt.date(2026, 11, 27)
    with ledger.write() as session:
        customer = lookup.customer(session, "ACME")
        day = doc_lines.resolve(session, doc_lines.LineInput(product="DAY"))
        invoice = draft(session, customer.id, InvoiceKind.STANDARD, date, [day])
        issued = validate_draft(session, invoice, f"PROV-{invoice.id}", date)
        held = (invoice.number, invoice.status, invoice.date, invoice.due_date, invoice.chain_index)
        assert held == ("FA-2026-0001", Status.VALIDATED, date, date + dt.timedelta(days=45), 1)
        assert (issued.number, issued.net) == (invoice.number, invoice.net)
        assert session.get(Invoice, invoice.id).snapshot is not None
        invoice_id, chain_hash = invoice.id, invoice.chain_hash
    with ledger.read_core() as db:
        row = db.execute(select(tables.invoice).where(tables.invoice.c.id == invoice_id)).one()
    assert (row.number, row.status, row.chain_hash) == ("FA-2026-0001", "validated", chain_hash)
