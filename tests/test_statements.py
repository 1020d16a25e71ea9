"""Customer statements, the aged balance, and credit notes applied to invoices (issue 24)."""

from __future__ import annotations

import json

import pytest
from conftest import refused
from sqlalchemy import func, select
from test_races import clean, count, interleave

from koban_cli.db.models import CreditApplication, Payment


def invoice(koban, date: str, customer: str = "ACME", qty: str = "1") -> str:
    ref = koban.json("invoice", "create", "--customer", customer, "--date", date)["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY", "--qty", qty)
    return koban.json("invoice", "validate", ref, "--date", date)["number"]


def credit_note(koban, number: str, date: str, amount: str | None = None) -> str:
    args = ["--amount", amount] if amount else []
    ref = koban.json("invoice", "credit", number, "--date", date, *args)["ref"]
    return koban.json("invoice", "validate", ref, "--date", date)["number"]


@pytest.fixture
def account(koban):
    """ACME (45 days' terms): an invoice of 780.00 partly paid, one of 1560.00, a credit note of 120.00."""
    first = invoice(koban, "2026-06-01")  # due 2026-07-16
    koban("invoice", "pay", first, "--amount", "180.00", "--date", "2026-07-01", "--method", "transfer")
    second = invoice(koban, "2026-10-01", qty="2")  # due 2026-11-15
    note = credit_note(koban, second, "2026-10-20", "100.00")  # 120.00 gross
    return first, second, note


def test_the_statement_lists_open_documents_their_payments_the_balance_and_its_age(koban, account):
    first, second, note = account
    result = koban.json("customer", "statement", "ACME", "--as-of", "2026-11-27")
    assert [(i["number"], i["open"], i["days_late"], i["bucket"]) for i in result["items"]] == [
        (first, "600.00", 134, "over_60"),
        (second, "1560.00", 12, "days_1_30"),
        (note, "-120.00", 0, "days_31_60"),  # a credit note is aged from its date
    ]
    assert result["items"][0]["payments"] == [
        {"date": "2026-07-01", "amount": "180.00", "method": "transfer", "applied": None}
    ]
    assert result["aging"] == {"not_due": "0.00", "days_1_30": "1560.00", "days_31_60": "-120.00", "over_60": "600.00"}
    assert result["balance"] == "2040.00"
    # as of an earlier date, later documents and payments do not exist yet
    earlier = koban.json("customer", "statement", "ACME", "--as-of", "2026-06-30")
    assert [(i["number"], i["open"], i["bucket"]) for i in earlier["items"]] == [(first, "780.00", "not_due")]


def test_the_statement_as_csv_and_as_a_pdf(koban, account, tmp_path):
    csv_lines = koban("customer", "statement", "ACME", "--as-of", "2026-11-27", "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == "number,kind,date,due_date,gross,paid,open,days_late,bucket" and len(csv_lines) == 4
    empty = koban("customer", "statement", "BOB", "--format", "csv").stdout.splitlines()
    assert empty == ["number,kind,date,due_date,gross,paid,open,days_late,bucket"]
    target = tmp_path / "releve.pdf"
    koban("customer", "statement", "ACME", "--as-of", "2026-11-27", "-o", str(target))
    assert target.read_bytes().startswith(b"%PDF")
    refused(
        koban,
        ["customer", "statement", "ACME", "-o", str(target)],
        f'"{target}" exists; use --force to overwrite it',
    )
    refused(
        koban,
        ["customer", "statement", "NOPE", "--format", "json"],
        'customer "NOPE" does not exist (see: koban customer list)',
    )


def test_the_statement_reads_in_french_and_in_english(koban, account):
    import datetime as dt

    from koban_cli.db.engine import Ledger, ledger_url
    from koban_cli.render.html import render_html
    from koban_cli.services.payments import statements

    ledger = Ledger(ledger_url(koban.db))
    try:
        french = render_html(statements.statement_context(ledger, "ACME", dt.date(2026, 11, 27)), "fr")
        english = render_html(statements.statement_context(ledger, "ACME", dt.date(2026, 11, 27)), "en")
    finally:
        ledger.close()
    assert "Relevé de compte" in french and "Solde dû" in french and "2\u202f040,00\u00a0€" in french
    assert "Plus de 60 jours" in french and "Règlement du 1 juillet 2026 (virement)" in french
    assert "Statement of account" in english and "Balance due" in english and "€2,040.00" in english


def test_the_aged_balance_of_every_customer(koban, account):
    other = invoice(koban, "2026-11-20", customer="BOB")  # 30 days' terms: not due yet
    rows = koban.json("report", "aging", "--as-of", "2026-11-27")
    assert rows == [
        {
            "customer": "ACME",
            "name": "ACME SAS",
            "not_due": "0.00",
            "days_1_30": "1560.00",
            "days_31_60": "-120.00",
            "over_60": "600.00",
            "balance": "2040.00",
        },
        {
            "customer": "BOB",
            "name": "Bob & Co",
            "not_due": "780.00",
            "days_1_30": "0.00",
            "days_31_60": "0.00",
            "over_60": "0.00",
            "balance": "780.00",
        },
    ]
    koban("invoice", "pay", other, "--amount", "780.00", "--date", "2026-11-25")
    assert [row["customer"] for row in koban.json("report", "aging", "--as-of", "2026-11-27")] == ["ACME"]
    assert koban("report", "aging", "--as-of", "2026-05-01", "--format", "csv").stdout.splitlines() == [
        "customer,name,not_due,days_1_30,days_31_60,over_60,balance"
    ]


def test_a_credit_note_settles_an_open_invoice_never_more_than_either_has_open(koban, account):
    first, second, note = account
    result = koban.json("invoice", "apply", note, first, "--date", "2026-11-01")
    assert (result["amount"], result["invoice_left"], result["credit_note_left"]) == ("120.00", "480.00", "0.00")
    assert (result["invoice_payment_status"], result["credit_note_payment_status"]) == ("partially_paid", "paid")
    assert koban.json("invoice", "show", first)["paid"] == "300.00"
    assert koban.json("invoice", "show", note)["payment_status"] == "paid"
    statement = koban.json("customer", "statement", "ACME", "--as-of", "2026-11-27")
    assert [i["number"] for i in statement["items"]] == [first, second] and statement["balance"] == "2040.00"
    assert statement["items"][0]["payments"][-1] == {
        "date": "2026-11-01",
        "amount": "120.00",
        "method": "credit",
        "applied": note,
    }
    refused(
        koban,
        ["invoice", "apply", note, second],
        f"{note} has nothing left to apply (its 120.00 were refunded or applied)",
    )
    clean(koban)  # payments never above a gross, never before their document


def test_a_credit_note_applied_in_part_then_in_full(koban, account):
    first, second, note = account
    koban("invoice", "pay", first, "--amount", "500.00", "--date", "2026-08-01")  # 100.00 left on it
    refused(
        koban,
        ["invoice", "apply", note, first, "--amount", "110.00"],
        f"--amount 110.00 is more than can be applied: {first} has 100.00 left to pay",
    )
    assert koban.json("invoice", "apply", note, first, "--date", "2026-11-01")["amount"] == "100.00"
    assert koban("invoice", "apply", note, second, "--date", "2026-11-02").stdout == (
        f"{note} applied to {second}: 20.00 ({second} partially_paid, 0.00 left on {note})\n"
    )
    assert koban.json("invoice", "show", first)["payment_status"] == "paid"


def test_applying_is_refused_for_the_wrong_documents_and_changes_nothing(koban, account):
    first, second, note = account
    bob = invoice(koban, "2026-10-01", customer="BOB")
    draft = koban.json("invoice", "credit", second, "--amount", "10.00", "--date", "2026-11-01")["ref"]
    refused(
        koban,
        ["invoice", "apply", first, second],
        f"{first} is not a credit note; give the credit note first: koban invoice apply AV-… FA-…",
    )
    refused(
        koban, ["invoice", "apply", note, note], f"{note} is a credit note; a credit note settles an invoice (FA-…)"
    )
    refused(
        koban,
        ["invoice", "apply", note, bob],
        f"{note} is for customer ACME and {bob} for BOB; a credit note settles invoices of its own customer",
    )
    refused(koban, ["invoice", "apply", draft, first], f"{draft} is a draft; validate it before applying it")
    refused(
        koban,
        ["invoice", "apply", note, first, "--date", "2026-10-19"],
        f"a payment of {note} cannot be dated 2026-10-19, before the invoice; the earliest date allowed is 2026-10-20",
    )
    refused(
        koban,
        ["invoice", "apply", "AV-2026-0099", first],
        'invoice "AV-2026-0099" does not exist (see: koban invoice list)',
    )


@pytest.mark.slow
def test_a_credit_note_applied_to_two_invoices_at_once_is_applied_once(koban, account, tmp_path):
    first, second, note = account
    a, b = interleave(
        koban.db,
        tmp_path,
        "applying.apply",
        ["invoice", "apply", note, first, "--date", "2026-11-01", "--format", "json"],
        ["invoice", "apply", note, second, "--date", "2026-11-01", "--format", "json"],
    )
    results = {a.code, b.code}
    assert results == {0, 1}, (a, b)
    loser = a if a.code else b
    assert loser.err == f"Error: {note} has nothing left to apply (its 120.00 were refunded or applied)\n"
    assert json.loads((b if a.code else a).out)["amount"] == "120.00"
    assert count(koban.db, select(func.count()).select_from(CreditApplication)) == 1
    refunds = select(func.count()).select_from(Payment).where(Payment.method == "credit")
    assert count(koban.db, refunds) == 2
    clean(koban)
