"""Dates of issued documents: never after today, credit notes and payments never before their invoice;
verify checks the counters and the quantities delivered."""

import datetime as dt

from conftest import refused
from sqlalchemy import create_engine, text

from koban_cli.db.engine import ledger_url


def draft(koban, day="2026-03-10"):
    ref = koban.json("invoice", "create", "--customer", "ACME", "--date", day)["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY")
    return ref


def sql(koban, statement):
    engine = create_engine(ledger_url(koban.db))
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            for (name,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all():
                conn.execute(text(f"DROP TRIGGER {name}"))
        conn.execute(text(statement))
    engine.dispose()


def test_validation_after_today_is_refused_naming_the_latest_date(koban):
    ref = draft(koban)
    today = dt.date.today().isoformat()
    refused(
        koban,
        ["invoice", "validate", ref, "--date", "2999-01-01"],
        f"{ref} cannot be validated on 2999-01-01, after today; the latest date allowed is {today}",
    )


def test_a_credit_note_is_never_dated_before_the_invoice_it_corrects(koban):
    number = koban.json("invoice", "validate", draft(koban), "--date", "2026-03-10")["number"]
    message = (
        f"a credit note of {number} cannot be dated 2026-03-01, before the invoice; "
        "the earliest date allowed is 2026-03-10"
    )
    refused(koban, ["invoice", "credit", number, "--amount", "10", "--date", "2026-03-01"], message)
    credit = koban.json("invoice", "credit", number, "--amount", "10", "--date", "2026-03-12")["ref"]
    refused(koban, ["invoice", "validate", credit, "--date", "2026-03-01"], message)
    assert koban.json("invoice", "validate", credit, "--date", "2026-03-10")["number"] == "AV-2026-0001"


def test_a_payment_is_never_dated_before_its_invoice(koban):
    number = koban.json("invoice", "validate", draft(koban), "--date", "2026-03-10")["number"]
    refused(
        koban,
        ["invoice", "pay", number, "--amount", "10", "--date", "2026-03-09"],
        f"a payment of {number} cannot be dated 2026-03-09, before the invoice; "
        "the earliest date allowed is 2026-03-10",
    )
    koban("invoice", "pay", number, "--amount", "10", "--date", "2026-03-10")


def test_verify_sees_a_sequence_counter_that_is_not_the_last_number_issued(koban):
    koban("invoice", "validate", draft(koban), "--date", "2026-03-10")
    sql(koban, "UPDATE number_sequence SET last = 2 WHERE kind = 'invoice'")
    assert koban("verify", ok=False).stderr == (
        "Error: sequence counter: invoice 2026: the counter says 2 numbers were given "
        "but the last one issued is FA-2026-0001\n"
    )


def test_verify_sees_a_line_delivered_above_its_order(koban):
    order = koban.json("order", "create", "--customer", "ACME", "--date", "2026-03-01")["number"]
    koban("order", "add-line", order, "--product", "SCREEN", "--qty", "2")
    koban("order", "validate", order)
    koban("stock", "in", "SCREEN", "10")
    ref = koban.json("delivery", "create", "--from-order", order, "--date", "2026-03-02")["ref"]
    koban("delivery", "validate", ref, "--date", "2026-03-02")
    assert koban("verify").stdout == "The ledger is sound: every check passed.\n"
    sql(koban, "UPDATE order_line SET qty = 1000")  # 1 in thousandths: the line now orders 1
    stderr = koban("verify", ok=False).stderr
    assert f"Error: delivered: {order}: line 1 is delivered 2 of 1 ordered\n" in stderr
