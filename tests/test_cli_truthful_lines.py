"""Every invoice line tells the truth, and deposits are advances deducted on the final invoice.

Each test starts from an empty ledger (the catalogue fixture) and goes through the CLI. Every
line printed satisfies qty x unit price x (1 - discount) = net, in JSON and in the Factur-X XML,
and the XML carries no allowance the page does not print.
"""

from decimal import Decimal as D

import pytest
from conftest import refused
from en16931 import CHECK, MISSING, fatal_rules
from facturx import get_xml_from_pdf
from lxml import etree

from koban_cli.domain.amounts import line_net

RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"


def lines_of(koban, ref):
    return koban.json("invoice", "show", ref)["lines"]


def assert_truthful(koban, ref, tmp_path):
    """The JSON lines and the XML lines: true to the cent, the same numbers and words, no hidden allowance."""
    shown = [line for line in lines_of(koban, ref) if line["kind"] != "text"]
    for line in shown:
        qty, price, discount, net = (D(line[k]) for k in ("qty", "unit_price", "discount", "net"))
        assert line_net(qty, price, discount) == net, line
        assert qty != 0 and price >= 0 and not (qty > 0 and net < 0), line
    if koban.json("invoice", "show", ref)["status"] != "validated":
        return
    out = tmp_path / f"{ref}.pdf"
    koban("invoice", "pdf", ref, "-o", str(out))
    root = etree.fromstring(get_xml_from_pdf(out.read_bytes(), check_xsd=False)[1])
    items = list(root.iter(f"{RAM}IncludedSupplyChainTradeLineItem"))
    assert len(items) == len(shown)
    for item, line in zip(items, shown):
        assert item.findtext(f".//{RAM}Name") == line["description"]
        assert D(item.findtext(f".//{RAM}BilledQuantity")) == D(line["qty"])
        assert D(item.findtext(f".//{RAM}NetPriceProductTradePrice/{RAM}ChargeAmount")) == D(line["unit_price"])
        assert D(item.findtext(f".//{RAM}LineTotalAmount")) == D(line["net"])
        reasons = [r.text for r in item.iter(f"{RAM}Reason")]
        assert reasons == ([f"Remise {line['discount'].replace('.', ',')} %"] if D(line["discount"]) else [])


def order_of(koban, *lines, customer="ACME"):
    number = koban.json("order", "create", "--customer", customer, "--date", "2026-03-02")["number"]
    for args in lines:
        koban("order", "add-line", number, *args)
    koban("order", "validate", number)
    return number


def validate(koban, ref, date="2026-03-10"):
    return koban.json("invoice", "validate", ref, "--date", date)["number"]


BIG = ("--description", "Presse hydraulique", "--price", "99999.99", "--vat", "20", "--qty", "1.5", "--discount", "7.5")


def test_a_share_by_percent_is_one_times_the_exact_share_spelt_out(koban, tmp_path):
    order = order_of(koban, BIG)
    ref = koban.json("invoice", "partial", order, "--percent", "17.5")["ref"]
    (line,) = lines_of(koban, ref)
    assert (line["qty"], line["unit_price"], line["discount"], line["net"]) == ("1", "24281.25", "0", "24281.25")
    assert line["description"] == "Presse hydraulique — situation 17,5 % de 1,5 × 99\u202f999,99\u00a0€, remise 7,5 %"
    number = validate(koban, ref)
    assert_truthful(koban, number, tmp_path)


@pytest.mark.slow  # among the slowest (PDFs, the official rules): the full suite runs it, the quick tier not
def test_shares_by_amount_balances_and_credits_by_amount_print_true_lines(koban, tmp_path):
    order = order_of(
        koban, BIG, ("--product", "DAY", "--qty", "3", "--discount", "10"), ("--product", "BOOK", "--qty", "7")
    )
    first = validate(koban, koban.json("invoice", "partial", order, "--amount", "40")["ref"])
    second = validate(koban, koban.json("invoice", "partial", order, "--percent", "26.3")["ref"])
    final = validate(koban, koban.json("invoice", "balance", order)["ref"])
    credit = validate(koban, koban.json("invoice", "credit", second, "--amount", "90.91")["ref"])
    for ref in (first, second, final, credit):
        assert_truthful(koban, ref, tmp_path)
    assert all(line["qty"] == "1" for line in lines_of(koban, credit))
    assert koban.json("order", "show", order)["status"] == "validated"  # the credit reopened it


def test_pro_rata_is_the_exact_share_rounded_once_with_the_quantity_kept(koban, tmp_path):
    koban(
        "product",
        "add",
        "MAINT",
        "--name",
        "Maintenance",
        "--price",
        "1200",
        "--vat",
        "20",
        "--kind",
        "subscription",
        "--period",
        "yearly",
    )
    number = koban.json(
        "contract",
        "create",
        "--customer",
        "ACME",
        "--start",
        "2026-01-01",
        "--every",
        "yearly",
        "--months",
        "12",
        "--no-renew",
        "--auto",
    )["ref"]
    koban("contract", "add-line", number, "--product", "MAINT", "--qty", "10")
    koban("contract", "terminate", number, "--on", "2026-06-30", "--as-of", "2026-01-01", "--force")
    (row,) = koban.json("contract", "bill-due", "--as-of", "2026-01-01")
    assert row["net"] == "5950.68"  # 12 000,00 x 181 / 365, rounded once
    (line,) = lines_of(koban, row["invoice"])
    assert (line["qty"], line["unit_price"], line["net"]) == ("1", "5950.68", "5950.68")
    assert line["description"] == (
        "Maintenance — du 01/01/2026 au 30/06/2026, 10 × 1\u202f200,00\u00a0€/an, prorata 181/365 jours"
    )
    assert (line["period_start"], line["period_end"]) == ("2026-01-01", "2026-06-30")
    assert_truthful(koban, row["invoice"], tmp_path)


def test_a_monthly_period_cut_short_bills_49_times_15_over_31_to_the_cent(koban):
    number = koban.json(
        "contract",
        "create",
        "--customer",
        "ACME",
        "--start",
        "2026-01-01",
        "--every",
        "monthly",
        "--months",
        "12",
        "--auto",
    )["ref"]
    koban("contract", "add-line", number, "--product", "HOST")
    koban("contract", "terminate", number, "--on", "2026-01-15", "--as-of", "2026-01-01", "--force")
    (row,) = koban.json("contract", "bill-due", "--as-of", "2026-01-31")
    assert row["net"] == "23.71"


def test_a_full_deposit_leaves_a_final_invoice_listing_the_lines_at_net_zero(koban, tmp_path):
    order = order_of(koban, ("--product", "SCREEN", "--qty", "2"), ("--product", "BOOK", "--qty", "3"))
    deposit = validate(koban, koban.json("invoice", "deposit", order, "--percent", "100")["ref"])
    view = koban.json("order", "show", order)
    assert (view["status"], view["invoiced"], view["lines_remaining"], view["deposits_undeducted"]) == (
        "validated",
        view["net"],
        view["net"],
        view["net"],
    )
    final = koban.json("invoice", "balance", order)
    assert final["net"] == "0.00"
    number = validate(koban, final["ref"])
    lines = lines_of(koban, number)
    assert [(l["qty"], l["unit_price"]) for l in lines] == [
        ("2", "249.90"),
        ("3", "35.00"),
        ("-1", "499.80"),
        ("-1", "105.00"),
    ]
    assert lines[2]["description"] == f"Déduction de l'acompte {deposit} (TVA 20 %)"
    assert lines[3]["description"] == f"Déduction de l'acompte {deposit} (TVA 5,5 %)"
    view = koban.json("order", "show", order)
    assert (view["status"], view["lines_remaining"], view["deposits_undeducted"]) == ("invoiced", "0.00", "0.00")
    assert_truthful(koban, number, tmp_path)


def test_a_deposit_then_the_rest_by_percent_still_needs_the_final_invoice(koban):
    order = order_of(koban, ("--product", "DAY", "--qty", "10"))
    validate(koban, koban.json("invoice", "deposit", order, "--percent", "30")["ref"])
    validate(koban, koban.json("invoice", "partial", order, "--percent", "70")["ref"])
    assert koban.json("order", "show", order)["status"] == "validated"
    final = koban.json("invoice", "balance", order)
    assert final["net"] == "0.00"  # the last 30 % of the line, less the 30 % deposit
    validate(koban, final["ref"])
    assert koban.json("order", "show", order)["status"] == "invoiced"


def test_deposits_never_use_up_line_quantities(koban, tmp_path):
    machine = ("--description", "Machine", "--price", "5000", "--vat", "20")
    order = order_of(koban, machine, ("--product", "DAY", "--qty", "1"))
    validate(koban, koban.json("invoice", "deposit", order, "--percent", "80")["ref"])  # 4 520,00
    ref = koban.json("invoice", "partial", order, "--line", "1=1")["ref"]  # the machine was delivered
    lines = lines_of(koban, ref)
    assert (lines[0]["qty"], lines[0]["net"]) == ("1", "5000.00")
    # the deposit gives back what keeps the order within its net: 4 520 + 5 000 - 5 650
    assert (lines[1]["qty"], lines[1]["unit_price"], lines[1]["net"]) == ("-1", "3870.00", "-3870.00")
    number = validate(koban, ref)
    final = validate(koban, koban.json("invoice", "balance", order)["ref"])
    assert [l["net"] for l in lines_of(koban, final)] == ["650.00", "-650.00"]
    view = koban.json("order", "show", order)
    assert (view["status"], view["invoiced"], view["net"]) == ("invoiced", "5650.00", "5650.00")
    for each in (number, final):
        assert_truthful(koban, each, tmp_path)


def test_an_intermediate_invoice_can_deduct_deposits_pro_rata(koban):
    order = order_of(koban, ("--product", "DAY", "--qty", "10"))
    validate(koban, koban.json("invoice", "deposit", order, "--percent", "30")["ref"])
    ref = koban.json("invoice", "partial", order, "--percent", "50", "--deduct")["ref"]
    assert [l["net"] for l in lines_of(koban, ref)] == ["3250.00", "-975.00"]  # half the line, half the deposit


def test_a_deposit_already_deducted_cannot_be_credited(koban):
    order = order_of(koban, ("--product", "DAY", "--qty", "2"))
    deposit = validate(koban, koban.json("invoice", "deposit", order, "--amount", "600")["ref"])
    validate(koban, koban.json("invoice", "balance", order)["ref"])
    refused(
        koban,
        ["invoice", "credit", deposit],
        f"{deposit} has 0.00 left to credit: the rest of the deposit was deducted by a later invoice of {order} "
        "(credit that invoice instead)",
    )


@pytest.mark.slow  # among the slowest (PDFs, the official rules): the full suite runs it, the quick tier not
def test_a_line_is_never_billed_above_its_net_after_shares(koban, tmp_path):
    order = order_of(
        koban, ("--description", "Machine", "--price", "99999.99", "--vat", "20"), ("--product", "DAY", "--qty", "1")
    )
    for _ in range(3):
        validate(koban, koban.json("invoice", "partial", order, "--percent", "10.04")["ref"])
    assert koban.json("order", "show", order)["lines"][0]["qty_invoiced"] == "0.301"
    rest = koban.json("invoice", "partial", order, "--line", "1=0.699")["ref"]  # what order show says is left
    (line,) = lines_of(koban, rest)
    assert line["net"] == "69879.99"  # 99 999,99 - 3 x 10 040,00: exactly what was left on the line
    number = validate(koban, rest)
    final = validate(koban, koban.json("invoice", "balance", order)["ref"])
    assert [l["description"] for l in lines_of(koban, final)] == [
        "Journée de conseil — solde de 1 × 650,00\u00a0€ (454,22\u00a0€ sur 650,00\u00a0€)"
    ]
    for each in (number, final):
        assert_truthful(koban, each, tmp_path)


def test_a_pick_beyond_the_quantity_left_is_refused_naming_what_is_left(koban):
    order = order_of(koban, ("--product", "SCREEN", "--qty", "3"))
    validate(koban, koban.json("invoice", "partial", order, "--line", "1=2")["ref"])
    refused(koban, ["invoice", "partial", order, "--line", "1=2"], f"line 1 of {order}: 2 asked, 1 left to invoice")


def test_a_vat_exempt_company_charges_no_vat_on_imported_orders_and_contracts(koban, tmp_path):
    koban("company", "set", "--vat-exempt")
    orders = tmp_path / "orders.csv"
    orders.write_text("order_key;customer;product;qty\nK1;ACME;SCREEN;2\n", encoding="utf-8")
    koban("import", "orders", str(orders))
    contracts = tmp_path / "contracts.csv"
    contracts.write_text("customer;product;start;mode\nACME;HOST;2026-01-01;auto\n", encoding="utf-8")
    koban("import", "contracts", str(contracts))
    (order,) = koban.json("order", "list")
    assert [l["vat_rate"] for l in koban.json("order", "show", order["number"])["lines"]] == ["0"]
    (row,) = koban.json("contract", "bill-due", "--as-of", "2026-01-01")
    assert [l["vat_rate"] for l in lines_of(koban, row["invoice"])] == ["0"]
    deposit = validate(koban, koban.json("invoice", "deposit", order["number"], "--percent", "10")["ref"])
    for ref in (row["invoice"], deposit):
        assert koban.json("invoice", "show", ref)["tax"] == "0.00"


@pytest.mark.slow  # among the slowest (PDFs, the official rules): the full suite runs it, the quick tier not
@pytest.mark.skipif(CHECK is None, reason=MISSING or "")
def test_every_kind_of_invoice_passes_the_official_en16931_rules(koban, tmp_path):
    order = order_of(
        koban, BIG, ("--product", "DAY", "--qty", "3", "--discount", "10"), ("--product", "BOOK", "--qty", "7")
    )
    refs = [
        validate(koban, koban.json("invoice", "deposit", order, "--percent", "20")["ref"]),
        validate(koban, koban.json("invoice", "partial", order, "--amount", "1234.56")["ref"]),
        validate(koban, koban.json("invoice", "partial", order, "--line", "2=1")["ref"]),
        validate(koban, koban.json("invoice", "balance", order)["ref"]),
    ]
    refs.append(validate(koban, koban.json("invoice", "credit", refs[1], "--amount", "100")["ref"]))
    refs.append(validate(koban, koban.json("invoice", "credit", refs[3])["ref"]))
    for ref in refs:
        out = tmp_path / f"{ref}.pdf"
        koban("invoice", "pdf", ref, "-o", str(out))
        assert fatal_rules(get_xml_from_pdf(out.read_bytes(), check_xsd=False)[1]) == [], ref
