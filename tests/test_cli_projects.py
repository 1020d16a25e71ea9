"""Projects: tasks, time, purchases and an exact live margin."""

import pytest
from conftest import refused


@pytest.fixture
def project(koban):
    koban("supplier", "add", "SCR", "--name", "Écrans SA")
    order = koban.json("order", "create", "--customer", "ACME", "--date", "2026-11-02")["number"]
    koban("order", "add-line", order, "--product", "DAY", "--qty", "4")  # 2600.00
    koban("order", "add-line", order, "--product", "SCREEN", "--qty", "2")  # 499.80
    koban("order", "validate", order)
    return koban.json("project", "create", "--from-order", order, "--name", "Bureau d'études")["number"], order


def test_a_project_from_an_order_shows_the_exact_margin_after_time_and_a_purchase(koban, project):
    number, order = project
    koban("project", "rate", "set", "Marie", "45.50")
    koban("project", "time", number, "--hours", "3.5", "--who", "Marie")  # 159.25
    koban("project", "time", number, "--hours", "1.25", "--rate", "60", "--who", "Paul")  # 75.00
    purchase = koban.json(
        "project", "purchase", number, "--supplier", "SCR", "--product", "SCREEN", "--qty", "2", "--cost", "180.00"
    )
    assert (purchase["number"], purchase["amount"]) == ("CF-2026-0001", "360.00")
    koban("invoice", "validate", koban.json("invoice", "deposit", order, "--percent", "10")["ref"])
    view = koban.json("project", "show", number)
    assert {
        k: view[k]
        for k in (
            "number",
            "order",
            "price",
            "invoiced",
            "labour_cost",
            "purchase_cost",
            "cost",
            "margin",
            "margin_pct",
            "hours",
        )
    } == {
        "number": number,
        "order": order,
        "price": "3099.80",
        "invoiced": "309.98",
        "labour_cost": "234.25",
        "purchase_cost": "360.00",
        "cost": "594.25",
        "margin": "2505.55",
        "margin_pct": "80.83",
        "hours": "4.75",
    }
    (row,) = koban.json("project", "list")
    assert (row["margin"], row["margin_pct"]) == ("2505.55", "80.83")
    assert "Margin" in koban("project", "show", number).stdout


def test_tasks_are_planned_done_and_flagged_when_overdue(koban, project):
    number, _ = project
    koban(
        "project",
        "task",
        "add",
        number,
        "Installer les postes",
        "--due",
        "2026-11-20",
        "--assignee",
        "Marie",
        "--hours",
        "6",
    )
    koban("project", "task", "add", number, "Former l'équipe", "--due", "2026-12-20")
    koban("project", "task", "done", number, "2", "--date", "2026-11-25")
    tasks = koban.json("project", "task", "list", number, "--as-of", "2026-11-27")
    assert [(t["position"], t["done"], t["overdue"]) for t in tasks] == [(1, False, True), (2, True, False)]
    koban("project", "time", number, "--hours", "2", "--rate", "40", "--task", "1")
    assert koban.json("project", "show", number)["planned_hours"] == "6"
    refused(koban, ["project", "task", "done", number, "2"], f"task 2 of {number} was already done on 2026-11-25")


def test_receiving_a_purchase_brings_goods_into_stock(koban, project):
    number, _ = project
    koban("project", "purchase", number, "--supplier", "SCR", "--product", "SCREEN", "--qty", "3", "--cost", "170")
    koban("purchase", "receive", "CF-2026-0001")
    assert koban.json("stock", "show", "SCREEN")[0]["on_hand"] == "3"
    assert [m["kind"] for m in koban.json("stock", "moves", "SCREEN")] == ["purchase"]
    refused(koban, ["purchase", "receive", "CF-2026-0001"], "CF-2026-0001 was already received")


def test_bad_project_input_is_refused(koban, project):
    number, _ = project
    refused(
        koban,
        ["project", "time", "AF-2026-0099", "--hours", "1", "--rate", "10"],
        'project "AF-2026-0099" does not exist (see: koban project list)',
    )
    refused(koban, ["project", "time", number, "--hours", "0", "--rate", "10"], '--hours "0" must be more than zero')
    refused(
        koban,
        ["project", "time", number, "--hours", "2"],
        'give --rate, or set a default for "…" with: koban project rate set NAME RATE (and --who NAME)',
    )
    refused(
        koban,
        ["project", "purchase", number, "--supplier", "NOPE", "--amount", "10"],
        'supplier "NOPE" does not exist (see: koban supplier list)',
    )
