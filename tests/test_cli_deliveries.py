"""Delivery notes and stock, from the command line."""

import pytest
from conftest import refused


@pytest.fixture
def order(koban):
    koban("stock", "in", "SCREEN", "5", "--cost", "180.00", "--date", "2026-11-01")
    koban("stock", "in", "BOOK", "20", "--date", "2026-11-01")
    number = koban.json("order", "create", "--customer", "ACME", "--date", "2026-11-02")["number"]
    koban("order", "add-line", number, "--product", "SCREEN", "--qty", "2")
    koban("order", "add-line", number, "--product", "DAY", "--qty", "3")  # a service: never delivered
    koban("order", "add-line", number, "--product", "SCREEN", "--qty", "1", "--comment", "Spare")
    koban("order", "add-line", number, "--product", "BOOK", "--qty", "10")
    koban("order", "validate", number)
    return number


def levels(koban):
    return {row["product"]: (row["on_hand"], row["reserved"], row["available"]) for row in koban.json("stock", "show")}


def test_a_partial_delivery_then_the_rest_gives_the_right_stock_and_statuses(koban, order):
    assert levels(koban) == {"SCREEN": ("5", "3", "2"), "BOOK": ("20", "10", "10")}
    draft = koban.json("delivery", "create", "--from-order", order, "--line", "1=1", "--line", "3=1")
    assert draft["ref"] == "PROV-BL-1" and draft["number"] is None
    assert koban.json("delivery", "show", "PROV-BL-1")["status"] == "draft"
    assert koban.json("delivery", "validate", "PROV-BL-1", "--date", "2026-11-10")["number"] == "BL-2026-0001"
    view = koban.json("order", "show", order)
    assert view["delivery_status"] == "partially_delivered" and view["deliveries"] == ["BL-2026-0001"]
    assert [l["qty_delivered"] for l in view["lines"]] == ["1", None, "1", "0"]  # the same product, line by line
    assert levels(koban) == {"SCREEN": ("3", "1", "2"), "BOOK": ("20", "10", "10")}
    rest = koban.json("delivery", "create", "--from-order", order)["ref"]
    assert [(l["position"], l["product"], l["qty"]) for l in koban.json("delivery", "show", rest)["lines"]] == [
        (1, "SCREEN", "1"),
        (2, "BOOK", "10"),
    ]
    koban("delivery", "validate", rest)
    assert koban.json("order", "show", order)["delivery_status"] == "delivered"
    assert levels(koban) == {"SCREEN": ("2", "0", "2"), "BOOK": ("10", "0", "10")}
    moves = koban.json("stock", "moves", "SCREEN")
    assert [(m["qty"], m["kind"], m["ref"]) for m in moves] == [
        ("5", "receipt", None),
        ("-1", "delivery", "BL-2026-0001"),
        ("-1", "delivery", "BL-2026-0001"),
        ("-1", "delivery", "BL-2026-0002"),
    ]


def test_refused_validations_change_nothing(koban, order):
    koban("stock", "adjust", "SCREEN", "--to", "1", "--note", "Casse")
    ref = koban.json("delivery", "create", "--from-order", order, "--line", "1=2")["ref"]
    refused(
        koban,
        ["delivery", "validate", ref],
        'not enough "SCREEN" in stock: 2 to deliver, 1 on hand (koban stock in SCREEN QTY, '
        "or company set --allow-negative-stock)",
    )
    refused(koban, ["delivery", "set", ref, "1", "3"], f"line 1 of {ref}: 3 asked, 2 left to deliver")
    refused(
        koban,
        ["delivery", "create", "--from-order", order, "--line", "2=1"],
        f"line 2 of {order} is not a deliverable product line (deliverable lines: 1, 3, 4)",
    )
    refused(
        koban,
        ["delivery", "create", "--from-order", order, "--line", "1=1"],
        f"line 1 of {order}: 1 asked, 0 left to deliver",
    )  # the draft holds both screens
    koban("company", "set", "--allow-negative-stock")
    koban("delivery", "validate", ref)
    assert levels(koban)["SCREEN"][0] == "-1"


def test_cancelling_a_validated_delivery_returns_the_stock(koban, order):
    ref = koban.json("delivery", "create", "--from-order", order)["ref"]
    number = koban.json("delivery", "validate", ref)["number"]
    refused(
        koban,
        ["order", "cancel", order],
        f"{order} has delivery {number}; cancel it first (koban delivery cancel {number})",
    )
    koban("delivery", "cancel", number)
    assert levels(koban) == {"SCREEN": ("5", "3", "2"), "BOOK": ("20", "10", "10")}
    assert koban.json("order", "show", order)["delivery_status"] == "not_delivered"
    assert [m["kind"] for m in koban.json("stock", "moves", "BOOK")] == ["receipt", "delivery", "return"]
    refused(koban, ["delivery", "cancel", number], f"{number} is already cancelled")


def test_stock_alerts_and_adjustments(koban):
    koban("product", "edit", "SCREEN", "--alert-below", "3")
    koban("stock", "in", "SCREEN", "2")
    assert [row["product"] for row in koban.json("stock", "alerts")] == ["SCREEN"]
    refused(
        koban,
        ["stock", "adjust", "SCREEN", "--to", "2", "--note", "Count"],
        '"SCREEN" is already at 2; nothing to adjust',
    )
    refused(koban, ["stock", "in", "DAY", "1"], 'product "DAY" is not stock-tracked (koban product edit DAY --stock)')
    refused(koban, ["stock", "in", "SCREEN", "0"], 'QTY "0" must be more than zero')


def test_delivery_pdf_lists_quantities(koban, order, tmp_path):
    ref = koban.json("delivery", "create", "--from-order", order)["ref"]
    number = koban.json("delivery", "validate", ref)["number"]
    out = tmp_path / "bl.pdf"
    koban("delivery", "pdf", number, "-o", str(out))
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "Bon de livraison" in text and number in text and "Livré" in text
