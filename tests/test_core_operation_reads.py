"""`stock show`, `stock moves`, `project list`, `project show` and `project task list` read in SQLAlchemy Core.

Their figures are checked on a ledger with deliveries, stock movements, time
entries, purchases, invoices and a credit note, against values worked out by
hand in the comments (not by calling the code under test); and their processes
import neither the ORM nor pydantic.
"""

import pytest
from startup import ORM, imported


@pytest.fixture
def busy(koban):
    """Stock moved by a receipt, a delivery, a purchase and a count; projects with time, purchases, invoices and a
    credit note."""
    koban("supplier", "add", "SCR", "--name", "Écrans SA")
    koban("product", "edit", "SCREEN", "--alert-below", "9")
    koban("stock", "in", "SCREEN", "10", "--cost", "180.00", "--date", "2026-11-01", "--note", "Départ")
    koban("stock", "in", "BOOK", "20", "--date", "2026-11-01")
    order = koban.json("order", "create", "--customer", "ACME", "--date", "2026-11-02")["number"]
    koban("order", "add-line", order, "--product", "SCREEN", "--qty", "4")  # 4 x 249.90 = 999.60
    koban("order", "add-line", order, "--product", "BOOK", "--qty", "5")  # 5 x 35.00 = 175.00
    koban("order", "add-line", order, "--product", "DAY", "--qty", "2")  # 2 x 650.00 = 1300.00; net 2474.60
    koban("order", "validate", order)
    shipped = koban.json("delivery", "create", "--from-order", order, "--line", "1=3", "--line", "2=5")["ref"]
    koban("delivery", "validate", shipped, "--date", "2026-11-10")  # SCREEN -3, BOOK -5
    koban("delivery", "create", "--from-order", order, "--line", "1=1")  # a draft: moves and reserves nothing
    koban("stock", "adjust", "BOOK", "--to", "14", "--note", "Inventaire", "--date", "2026-11-12")  # 15 -> 14: -1
    draft_order = koban.json("order", "create", "--customer", "BOB", "--date", "2026-11-03")["number"]
    koban("order", "add-line", draft_order, "--product", "SCREEN", "--qty", "5")  # a draft order reserves nothing

    job = koban.json("project", "create", "--from-order", order, "--name", "Bureau d'études")["number"]
    koban("project", "rate", "set", "Marie", "45.50")
    koban("project", "time", job, "--hours", "3.5", "--who", "Marie", "--date", "2026-11-05")  # 159.25
    koban("project", "time", job, "--hours", "1.25", "--rate", "60", "--who", "Paul", "--date", "2026-11-06")  # 75
    for day in ("2026-11-07", "2026-11-08"):  # 0.0455 each: labour is rounded once, on the exact sum
        koban("project", "time", job, "--hours", "0.001", "--who", "Marie", "--date", day)
    bought = koban.json(
        "project", "purchase", job, "--supplier", "SCR", "--product", "SCREEN", "--qty", "2", "--cost", "180.00"
    )["number"]  # 360.00
    koban("purchase", "receive", bought, "--date", "2026-11-09")  # SCREEN +2
    dropped = koban.json("project", "purchase", job, "--supplier", "SCR", "--amount", "99.99")["number"]
    koban("purchase", "cancel", dropped)  # a cancelled purchase costs nothing
    koban("invoice", "validate", koban.json("invoice", "deposit", order, "--percent", "10")["ref"])  # 247.46
    second = koban.json("invoice", "validate", koban.json("invoice", "deposit", order, "--percent", "5")["ref"])
    koban("invoice", "validate", koban.json("invoice", "credit", second["number"], "--reason", "Doublon")["ref"])
    koban("project", "task", "add", job, "Installer", "--due", "2026-11-20", "--assignee", "Marie", "--hours", "6")
    koban("project", "task", "add", job, "Former", "--due", "2026-12-20", "--hours", "2.5")
    koban("project", "task", "done", job, "2", "--date", "2026-11-25")

    audit = koban.json("project", "create", "--customer", "BOB", "--name", "Audit", "--budget", "1000")["number"]
    ref = koban.json("invoice", "create", "--customer", "BOB", "--project", audit)["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY", "--qty", "2")  # 1300.00
    koban("invoice", "validate", ref)
    draft = koban.json("invoice", "create", "--customer", "BOB", "--project", audit)["ref"]
    koban("invoice", "add-line", draft, "--product", "DAY")  # a draft is not invoiced yet
    empty = koban.json("project", "create", "--customer", "ACME", "--name", "Idée")["number"]
    return order, job, audit, empty


def test_stock_levels_and_movements_add_up(koban, busy):
    # SCREEN: 10 in, 3 delivered, 2 received = 9; ordered 4 on the validated order, 3 delivered: 1 reserved.
    # BOOK: 20 in, 5 delivered, -1 counted = 14; all 5 ordered are delivered.
    assert koban.json("stock", "show") == [
        {
            "product": "BOOK",
            "name": "Manuel",
            "on_hand": "14",
            "reserved": "0",
            "available": "14",
            "alert_below": None,
            "below_alert": False,
        },
        {
            "product": "SCREEN",
            "name": "Écran",
            "on_hand": "9",
            "reserved": "1",
            "available": "8",
            "alert_below": "9",
            "below_alert": True,
        },
    ]
    assert [row["product"] for row in koban.json("stock", "alerts")] == ["SCREEN"]
    assert [row["product"] for row in koban.json("stock", "show", "BOOK")] == ["BOOK"]
    moves = [(m["date"], m["qty"], m["kind"], m["ref"], m["note"], m["cost"]) for m in koban.json("stock", "moves")]
    assert moves == [
        ("2026-11-01", "10", "receipt", None, "Départ", "180.00"),
        ("2026-11-01", "20", "receipt", None, None, None),
        ("2026-11-09", "2", "purchase", "CF-2026-0001", None, "180.00"),
        ("2026-11-10", "-3", "delivery", "BL-2026-0001", None, None),
        ("2026-11-10", "-5", "delivery", "BL-2026-0001", None, None),
        ("2026-11-12", "-1", "adjustment", None, "Inventaire", None),
    ]
    assert [m["qty"] for m in koban.json("stock", "moves", "SCREEN", "--from", "2026-11-02", "--to", "2026-11-30")] == [
        "2",
        "-3",
    ]


def test_stock_reads_name_what_is_missing(koban, busy):
    for args in (["stock", "show", "NOPE"], ["stock", "moves", "NOPE"]):
        result = koban(*args, ok=False)
        assert result.stderr == 'Error: product "NOPE" does not exist (see: koban product list)\n'
    result = koban("stock", "show", "DAY", ok=False)
    assert result.stderr == 'Error: product "DAY" is not stock-tracked (koban product edit DAY --stock)\n'


def test_project_figures_are_exact(koban, busy):
    order, job, audit, empty = busy
    view = koban.json("project", "show", job, "--as-of", "2026-11-27")
    # labour: 3.5 x 45.50 = 159.25; 1.25 x 60 = 75.00; 2 x 0.001 x 45.50 = 0.091 -> 234.341, 234.34 to the cent
    # invoiced: the 10 % deposit 247.46; the 5 % one (123.73) is credited in full
    # cost 234.34 + 360.00 = 594.34; margin 2474.60 - 594.34 = 1880.26; 1880.26 / 2474.60 = 75.98 %
    assert view == {
        "number": job,
        "name": "Bureau d'études",
        "customer": "ACME",
        "price": "2474.60",
        "invoiced": "247.46",
        "labour_cost": "234.34",
        "purchase_cost": "360.00",
        "cost": "594.34",
        "margin": "1880.26",
        "margin_pct": "75.98",
        "hours": "4.752",
        "planned_hours": "8.5",
        "order": order,
        "tasks": [
            {
                "position": 1,
                "title": "Installer",
                "due": "2026-11-20",
                "assignee": "Marie",
                "hours": "6",
                "done": False,
                "overdue": True,
            },
            {
                "position": 2,
                "title": "Former",
                "due": "2026-12-20",
                "assignee": None,
                "hours": "2.5",
                "done": True,
                "overdue": False,
            },
        ],
        "purchases": [
            {"number": "CF-2026-0001", "status": "received", "amount": "360.00"},
            {"number": "CF-2026-0002", "status": "cancelled", "amount": "99.99"},
        ],
    }
    assert koban.json("project", "task", "list", job, "--as-of", "2026-11-27") == view["tasks"]
    rows = {row["number"]: row for row in koban.json("project", "list")}
    assert list(rows) == [job, audit, empty]
    assert rows[job] == {k: v for k, v in view.items() if k not in ("order", "tasks", "purchases")}
    # the budget is the price; invoiced 1300.00 (the draft does not count yet); no cost
    assert rows[audit] == {
        "number": audit,
        "name": "Audit",
        "customer": "BOB",
        "price": "1000.00",
        "invoiced": "1300.00",
        "labour_cost": "0.00",
        "purchase_cost": "0.00",
        "cost": "0.00",
        "margin": "1000.00",
        "margin_pct": "100",
        "hours": "0",
        "planned_hours": None,
    }
    assert (rows[empty]["price"], rows[empty]["margin"], rows[empty]["margin_pct"]) == ("0.00", "0.00", None)


def test_project_panel_and_list_totals(koban, busy):
    _, job, _, _ = busy
    panel = koban("project", "show", job, "--as-of", "2026-11-27").stdout
    for line in ("Price", "2474.60"), ("labour", "234.34"), ("Margin", "1880.26 (75.98 %)"), ("Hours", "4.752 of 8.5"):
        assert any(line[0] in text and line[1] in text for text in panel.splitlines()), line
    table = koban("project", "list").stdout
    # totals: price 2474.60 + 1000.00 + 0 = 3474.60; cost 594.34; margin 1880.26 + 1000.00 = 2880.26
    assert all(total in table for total in ("3474.60", "594.34", "2880.26"))


@pytest.mark.slow  # fresh processes
def test_stock_and_project_reads_start_without_orm_or_pydantic(koban, busy):
    _, job, _, _ = busy
    for args in (
        ["stock", "show"],
        ["stock", "moves", "SCREEN"],
        ["stock", "alerts"],
        ["project", "list"],
        ["project", "show", job],
        ["project", "task", "list", job],
    ):
        for fmt in ("table", "json"):
            modules = imported(koban.db, *args, "--format", fmt)
            assert "sqlalchemy" in modules, args
            assert not ORM & modules, (args, fmt)
