"""How a delivery note and a purchase order are named is one rule (`delivery_view.delivery_row`,
`purchase_view.purchase_row`) that the Core reads (`show`, `list`) and the ORM writes (`validate`, `cancel`,
`receive`) both follow: the same names answer, and the same names are refused with the same words."""

from conftest import refused


def test_a_draft_delivery_answers_to_its_draft_name_in_any_case_until_it_is_numbered(koban):
    koban("stock", "in", "SCREEN", "5", "--date", "2026-11-01")
    order = koban.json("order", "create", "--customer", "ACME", "--date", "2026-11-02")["number"]
    koban("order", "add-line", order, "--product", "SCREEN", "--qty", "2")
    koban("order", "validate", order)
    draft = koban.json("delivery", "create", "--from-order", order)["ref"]
    assert draft == "PROV-BL-1"
    assert koban.json("delivery", "show", " prov-bl-1 ")["ref"] == "PROV-BL-1"
    assert [row["ref"] for row in koban.json("delivery", "list", "--order", order)] == ["PROV-BL-1"]
    number = koban.json("delivery", "validate", "prov-bl-1", "--date", "2026-11-10")["number"]
    assert koban.json("delivery", "show", number)["lines"][0]["qty"] == "2"
    gone = 'delivery "PROV-BL-1" does not exist (see: koban delivery list)'
    refused(koban, ["delivery", "show", "PROV-BL-1"], gone)  # a numbered note answers to its number only
    refused(koban, ["delivery", "cancel", "PROV-BL-1"], gone)
    refused(koban, ["delivery", "list", "--order", "CO-NOPE"], 'order "CO-NOPE" does not exist (see: koban order list)')


def test_an_unknown_purchase_order_is_refused_alike_by_reads_and_writes(koban):
    missing = 'purchase order "CF-NOPE" does not exist (see: koban purchase list)'
    for args in (
        ["purchase", "show", "CF-NOPE"],
        ["purchase", "receive", "CF-NOPE"],
        ["purchase", "cancel", "CF-NOPE"],
    ):
        refused(koban, args, missing)
    refused(
        koban,
        ["purchase", "list", "--project", "AF-NOPE"],
        'project "AF-NOPE" does not exist (see: koban project list)',
    )


def test_a_draft_delivery_name_beyond_any_id_is_refused_by_reads_and_writes(koban):
    huge = "PROV-BL-99999999999999999999999"  # more than any id column holds: it must not reach the driver
    for args in (["delivery", "show", huge], ["delivery", "validate", huge], ["delivery", "cancel", huge]):
        refused(koban, args, f'delivery "{huge}" does not exist (see: koban delivery list)')
