"""Billing plan (prévisionnel) and forecast, from the command line."""

import pytest
from conftest import refused


@pytest.fixture
def order(koban):
    number = koban.json("order", "create", "--customer", "ACME", "--date", "2026-11-02")["number"]
    koban("order", "add-line", number, "--product", "DAY", "--qty", "3")  # 1950.00
    koban("order", "add-line", number, "--product", "BOOK", "--qty", "7")  # 245.00 at 5.5 %
    koban("order", "validate", number)
    return number


def test_a_plan_and_a_contract_show_in_the_right_months_with_the_right_amounts(koban, order):
    koban("order", "schedule", order, "--date", "2026-12-10", "--percent", "30", "--kind", "deposit")
    koban("order", "schedule", order, "--date", "2027-02-15", "--amount", "1000")
    koban("contract", "create", "--customer", "BOB", "--start", "2026-12-01")
    koban("contract", "add-line", "AB-2026-0001", "--product", "HOST", "--qty", "2")
    result = koban.json("invoice", "forecast", "--from", "2026-12-01", "--to", "2027-02-28", "--as-of", "2026-11-27")
    assert result["periods"] == [
        {"period": "2026-12", "orders": "658.50", "contracts": "98.00", "total": "756.50"},
        {"period": "2027-01", "orders": "0.00", "contracts": "98.00", "total": "98.00"},
        {"period": "2027-02", "orders": "1000.00", "contracts": "98.00", "total": "1098.00"},
    ]
    assert result["late"] == []
    weeks = koban.json(
        "invoice", "forecast", "--from", "2026-12-07", "--to", "2026-12-13", "--by", "week", "--as-of", "2026-11-27"
    )
    assert weeks["periods"] == [{"period": "2026-W50", "orders": "658.50", "contracts": "0.00", "total": "658.50"}]
    table = koban("invoice", "forecast", "--from", "2026-12-01", "--to", "2027-02-28", "--as-of", "2026-11-27").stdout
    assert "█" in table and "1952.50" in table  # bars and the total row


def test_a_late_entry_stays_late_until_its_invoice_is_validated(koban, order):
    koban("order", "schedule", order, "--date", "2026-11-20", "--amount", "500.00", "--label", "Phase 1")
    late = koban.json("invoice", "forecast", "--as-of", "2026-11-27")["late"]
    assert late == [{"order": order, "contract": None, "date": "2026-11-20", "amount": "500.00", "label": "Phase 1"}]
    (drafted,) = koban.json("invoice", "from-plan", order, "--as-of", "2026-11-27")
    assert drafted["net"] == "500.00"  # shared over the lines, exact to the cent
    assert koban.json("invoice", "forecast", "--as-of", "2026-11-27")["late"] != []
    koban("invoice", "validate", drafted["ref"], "--date", "2026-11-27")
    assert koban.json("invoice", "forecast", "--as-of", "2026-11-27")["late"] == []
    (entry,) = koban.json("order", "schedule", order, "--list", "--as-of", "2026-11-27")
    assert (entry["invoice"], entry["invoiced"], entry["late"]) == ("FA-2026-0001", "500.00", False)
    refused(
        koban,
        ["order", "schedule", order, "--move", "1", "--date", "2027-01-01"],
        f"entry 1 of {order} is already invoiced; it can no longer change",
    )


def test_over_planning_is_refused_and_entries_move_or_go_while_not_invoiced(koban, order):
    koban("order", "schedule", order, "--date", "2027-01-10", "--percent", "60")
    refused(
        koban,
        ["order", "schedule", order, "--date", "2027-02-10", "--amount", "1000"],
        f"{order}: planning 1000.00 more would plan 2317.00, above the order's net 2195.00 (878.00 left to plan)",
    )
    koban("order", "schedule", order, "--move", "1", "--date", "2027-03-01")
    assert koban.json("order", "schedule", order, "--list")[0]["date"] == "2027-03-01"
    koban("order", "schedule", order, "--remove", "1")
    assert koban.json("order", "schedule", order, "--list") == []
    refused(
        koban,
        ["invoice", "from-plan", order, "--as-of", "2027-12-31"],
        f"{order} has no planned entry due on or before 2027-12-31",
    )
