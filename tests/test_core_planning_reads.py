"""`invoice forecast`, `order schedule --list` and `contract show` read in SQLAlchemy Core: their figures on a
small ledger, computed here by hand, and their start without the ORM."""

import datetime as dt
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from startup import ORM, imported

from koban_cli.db.engine import Ledger, ledger_url
from koban_cli.domain.money import Money
from koban_cli.services.orders import planning

AS_OF = "2026-11-27"
CENT = D("0.01")


def cents(value: D) -> D:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


HOST = D("49.00")  # the catalogue's monthly subscription
MONTHLY = 2 * HOST  # contract A: 2 x HOST a month, in advance
SUPPORT = cents(D(300) * D("0.90"))  # contract B: 300.00 a quarter less 10 %, in arrears
REPRICED = cents(cents(D(300) * D("1.05")) * D("0.90"))  # its second quarter, after +5 % from 2026-12-01
CUT = cents(HOST * 15 / 30)  # contract C, ended on 15 November: 15 days of November's 30
ORDER = [D("500.00"), cents(D("2195.00") * D("0.30")), D("300.00")]  # planned: 20/11 (late), 10/12, 15/01


@pytest.fixture
def ledger_with_plans(koban):
    order = koban.json("order", "create", "--customer", "ACME", "--date", "2026-11-02")["number"]
    koban("order", "add-line", order, "--product", "DAY", "--qty", "3")  # 1950.00
    koban("order", "add-line", order, "--product", "BOOK", "--qty", "7")  # 245.00
    koban("order", "validate", order)
    koban("order", "schedule", order, "--date", "2026-11-20", "--amount", "500", "--label", "Phase 1")
    koban("order", "schedule", order, "--date", "2026-12-10", "--percent", "30", "--kind", "deposit")
    koban("order", "schedule", order, "--date", "2027-01-15", "--amount", "300", "--label", "Phase 2")

    koban("contract", "create", "--customer", "BOB", "--start", "2026-10-01")  # A
    koban("contract", "add-line", "AB-2026-0001", "--product", "HOST", "--qty", "2")
    koban("contract", "create", "--customer", "ACME", "--start", "2026-09-01", "--every", "quarterly", "--in-arrears")
    koban(
        "contract",
        "add-line",
        "AB-2026-0002",
        "--description",
        "Support",
        "--price",
        "300",
        "--vat",
        "20",
        "--discount",
        "10",
    )  # B
    koban("contract", "reprice", "AB-2026-0002", "--percent", "5", "--from", "2026-12-01")
    koban("contract", "create", "--customer", "BOB", "--start", "2026-10-01")  # C
    koban("contract", "add-line", "AB-2026-0003", "--product", "HOST")
    koban("contract", "bill-due", "--as-of", "2026-10-15")  # October of A and C, as drafts
    koban("contract", "terminate", "AB-2026-0003", "--on", "2026-11-15", "--force", "--as-of", "2026-10-20")
    return order


def test_the_forecast_counts_planned_entries_and_the_periods_bill_due_bills(koban, ledger_with_plans):
    order = ledger_with_plans
    result = koban.json("invoice", "forecast", "--from", "2026-11-01", "--to", "2027-03-31", "--as-of", AS_OF)
    expected = [  # (orders, contracts) per month
        ("2026-11", ORDER[0], MONTHLY + CUT),  # A's November and C's cut November are overdue: counted today
        ("2026-12", ORDER[1], MONTHLY + SUPPORT),  # B's first quarter is due on 1 December, in arrears
        ("2027-01", ORDER[2], MONTHLY),
        ("2027-02", D(0), MONTHLY),
        ("2027-03", D(0), MONTHLY + REPRICED),
    ]
    assert result["periods"] == [
        {"period": p, "orders": f"{o:.2f}", "contracts": f"{c:.2f}", "total": f"{o + c:.2f}"} for p, o, c in expected
    ]
    late = sorted(result["late"], key=lambda row: (row["order"] or "", row["contract"] or ""))
    assert late == [
        {"order": None, "contract": "AB-2026-0001", "date": "2026-11-01", "amount": f"{MONTHLY:.2f}",
         "label": "Période du 01/11/2026 au 30/11/2026 non facturée"},
        {"order": None, "contract": "AB-2026-0003", "date": "2026-11-01", "amount": f"{CUT:.2f}",
         "label": "Période du 01/11/2026 au 15/11/2026 non facturée"},
        {"order": order, "contract": None, "date": "2026-11-20", "amount": "500.00", "label": "Phase 1"},
    ]  # fmt: skip
    # The overdue periods are what bill-due bills next, at the same amounts (one home for both).
    dry = koban.json("contract", "bill-due", "--as-of", AS_OF, "--dry-run")
    assert sorted((r["contract"], r["period_start"], r["net"]) for r in dry) == [
        ("AB-2026-0001", "2026-11-01", f"{MONTHLY:.2f}"),
        ("AB-2026-0003", "2026-11-01", f"{CUT:.2f}"),
    ]


def test_the_service_gives_the_figures_and_totals_as_money_and_the_table_prints_them(
    koban, ledger_with_plans, db_path
):
    ledger = Ledger(ledger_url(db_path))
    try:
        figures = planning.figures(ledger, dt.date(2026, 11, 27), dt.date(2026, 11, 1), dt.date(2027, 3, 31))
    finally:
        ledger.close()
    orders, contracts = sum(ORDER), 5 * MONTHLY + CUT + SUPPORT + REPRICED
    assert (figures.total.orders, figures.total.contracts, figures.total.total) == (
        Money(orders),
        Money(contracts),
        Money(orders + contracts),
    )
    assert figures.late_total == Money(MONTHLY + CUT + ORDER[0])
    assert all(isinstance(row.total, Money) for row in figures.periods)
    table = koban("invoice", "forecast", "--from", "2026-11-01", "--to", "2027-03-31", "--as-of", AS_OF).stdout
    for total in (orders, contracts, orders + contracts, figures.late_total.amount):
        assert f"{total:.2f}" in table


def test_the_order_plan_against_what_was_invoiced(koban, ledger_with_plans):
    order = ledger_with_plans
    plan = koban.json("order", "schedule", order, "--list", "--as-of", AS_OF)
    assert [
        (r["position"], r["date"], r["kind"], r["amount"], r["percent"], r["invoice"], r["late"]) for r in plan
    ] == [
        (1, "2026-11-20", "intermediate", "500.00", None, None, True),
        (2, "2026-12-10", "deposit", f"{ORDER[1]:.2f}", "30", None, False),
        (3, "2027-01-15", "intermediate", "300.00", None, None, False),
    ]


def test_contract_show_prices_the_next_period_as_bill_due_bills_it(koban, ledger_with_plans):
    a = koban.json("contract", "show", "AB-2026-0001", "--as-of", AS_OF)
    assert (a["next_due"], a["next_period_start"], a["next_period_end"]) == ("2026-11-01", "2026-11-01", "2026-11-30")
    assert (a["next_period_net"], a["next_period_prorated"], a["net"]) == (f"{MONTHLY:.2f}", False, f"{MONTHLY:.2f}")
    assert [p["start"] for p in a["periods"]] == ["2026-10-01"]
    b = koban.json("contract", "show", "AB-2026-0002", "--as-of", AS_OF)
    assert (b["next_due"], b["next_period_end"], b["next_period_net"]) == ("2026-12-01", "2026-11-30", f"{SUPPORT:.2f}")
    assert [(l["unit_price"], l["discount"], l["net"]) for l in b["lines"]] == [("300.00", "10", f"{SUPPORT:.2f}")]
    assert (b["in_advance"], b["periods"]) == (False, [])
    c = koban.json("contract", "show", "AB-2026-0003", "--as-of", AS_OF)
    assert (c["status"], c["end"], c["next_period_end"]) == ("terminated", "2026-11-15", "2026-11-15")
    assert (c["next_period_net"], c["next_period_prorated"]) == (f"{CUT:.2f}", True)
    assert c["net"] == f"{HOST:.2f}"  # the lines at their full period price
    assert koban("contract", "show", "AB-2026-0001", "--as-of", AS_OF).stdout.count("2026-10-01") >= 1


def orm_modules(db: str, *args: str) -> list[str]:
    return sorted(imported(db, *args) & ORM)


@pytest.mark.slow  # fresh processes
def test_forecast_plan_and_contract_show_start_without_orm_or_pydantic(koban, ledger_with_plans, db_path):
    order = ledger_with_plans
    assert orm_modules(db_path, "invoice", "forecast", "--as-of", AS_OF, "--format", "json") == []
    assert orm_modules(db_path, "invoice", "forecast", "--as-of", AS_OF) == []
    assert orm_modules(db_path, "contract", "show", "AB-2026-0002", "--as-of", AS_OF, "--format", "json") == []
    assert orm_modules(db_path, "contract", "show", "AB-2026-0003", "--as-of", AS_OF) == []
    assert orm_modules(db_path, "order", "schedule", order, "--list", "--format", "json") == []
