"""The whole order-to-invoice story from the command line, checked to the cent."""

import re

import pytest


def order_amounts(koban, number):
    view = koban.json("order", "show", number)
    return view["status"], view["invoiced"], view["remaining"]


def make_order(koban):
    quote = koban.json("quote", "create", "--customer", "ACME", "--date", "2026-01-05")["number"]
    assert quote == "DE-2026-0001"
    koban(
        "quote",
        "add-line",
        quote,
        "--product",
        "SCREEN",
        "--qty",
        "4",
        "--discount",
        "10",
        "--comment",
        "Installés sur site",
    )
    koban("quote", "add-line", quote, "--text", "Accompagnement")
    koban("quote", "add-line", quote, "--product", "DAY", "--qty", "5")
    koban("quote", "add-line", quote, "--product", "BOOK", "--qty", "10")
    koban("quote", "send", quote)
    return koban.json("quote", "accept", quote, "--date", "2026-01-10")["number"]


def test_accepting_a_quote_makes_a_validated_order_copying_every_line(koban):
    order = make_order(koban)
    view = koban.json("order", "show", order)
    assert (view["number"], view["status"], view["quote"]) == ("CO-2026-0001", "validated", "DE-2026-0001")
    assert [(l["position"], l["product"], l["qty"], l["discount"], l["net"]) for l in view["lines"]] == [
        (1, "SCREEN", "4", "10", "899.64"),
        (2, None, None, None, None),
        (3, "DAY", "5", "0", "3250.00"),
        (4, "BOOK", "10", "0", "350.00"),
    ]
    assert view["lines"][0]["comment"] == "Installés sur site"
    assert (view["net"], view["tax"], view["gross"]) == ("4499.64", "849.18", "5348.82")
    assert koban.json("quote", "show", "DE-2026-0001")["status"] == "accepted"


def test_deposit_partial_balance_and_credit_keep_invoiced_and_remaining_exact(koban):
    order = make_order(koban)
    deposit = koban.json("invoice", "deposit", order, "--percent", "30", "--date", "2026-01-11")
    assert deposit["ref"].startswith("PROV-") and deposit["number"] is None
    assert order_amounts(koban, order) == ("validated", "0.00", "4499.64")  # drafts are not invoiced yet
    assert koban.json("invoice", "validate", deposit["ref"], "--date", "2026-01-11")["number"] == "FA-2026-0001"
    assert order_amounts(koban, order) == ("validated", "1349.89", "3149.75")

    partial = koban.json("invoice", "partial", order, "--line", "1=2", "--line", "3=3")
    koban("invoice", "validate", partial["ref"], "--date", "2026-02-01")
    assert order_amounts(koban, order) == ("validated", "3749.71", "749.93")
    lines = {l["position"]: l["qty_invoiced"] for l in koban.json("order", "show", order)["lines"]}
    assert lines == {1: "2", 2: None, 3: "3", 4: "0"}

    balance = koban.json("invoice", "balance", order)
    koban("invoice", "validate", balance["ref"], "--date", "2026-03-01")
    invoice = koban.json("invoice", "show", "FA-2026-0003")
    assert invoice["kind"] == "balance" and invoice["net"] == "749.93"
    deductions = [l for l in invoice["lines"] if l["qty"] == "-1"]
    assert [(l["vat_rate"], l["unit_price"], l["net"]) for l in deductions] == [
        ("20", "1244.89", "-1244.89"),
        ("5.5", "105.00", "-105.00"),
    ]
    assert all("FA-2026-0001" in l["description"] for l in deductions)
    assert invoice["deposits_deducted"] == ["FA-2026-0001"]
    assert order_amounts(koban, order) == ("invoiced", "4499.64", "0.00")

    credit = koban.json("invoice", "credit", "FA-2026-0002", "--amount", "150.00", "--reason", "Remise")
    assert koban.json("invoice", "validate", credit["ref"], "--date", "2026-03-02")["number"] == "AV-2026-0001"
    note = koban.json("invoice", "show", "AV-2026-0001")
    assert (note["kind"], note["net"], note["credits"]) == ("credit_note", "150.00", "FA-2026-0002")
    assert order_amounts(koban, order) == ("validated", "4349.64", "150.00")  # reopened

    again = koban.json("invoice", "balance", order)
    assert again["net"] == "150.00"
    koban("invoice", "validate", again["ref"], "--date", "2026-03-03")
    assert order_amounts(koban, order) == ("invoiced", "4499.64", "0.00")
    numbers = [row["number"] for row in koban.json("invoice", "list")]
    assert numbers == ["FA-2026-0001", "FA-2026-0002", "FA-2026-0003", "AV-2026-0001", "FA-2026-0004"]


def test_order_list_open_is_the_remaining_to_invoice_report_with_a_total_row(koban):
    order = make_order(koban)
    koban("invoice", "validate", koban.json("invoice", "deposit", order, "--amount", "1000")["ref"])
    rows = koban.json("order", "list", "--open")
    assert rows == [
        {
            "number": order,
            "customer": "ACME",
            "status": "validated",
            "date": "2026-01-10",
            "net": "4499.64",
            "invoiced": "1000.00",
            "remaining": "3499.64",
        }
    ]
    table = koban("order", "list", "--open").stdout
    assert re.search(r"Total .*4499\.64 .*1000\.00 .*3499\.64", table)
    csv_out = koban("order", "list", "--format", "csv").stdout.splitlines()
    assert csv_out[0] == "number,customer,status,date,net,invoiced,remaining"


def test_due_date_follows_customer_terms_and_overdue_lists_days_late(koban):
    ref = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    koban("invoice", "add-line", ref, "--description", "Audit", "--price", "1000", "--vat", "20")
    validated = koban.json("invoice", "validate", ref, "--date", "2026-01-15")
    assert validated["due_date"] == "2026-03-01"  # 45 days
    koban("invoice", "pay", "FA-2026-0001", "--amount", "200", "--date", "2026-02-01")
    late = koban.json("invoice", "list", "--overdue", "--as-of", "2026-03-11")
    assert [(r["number"], r["payment_status"], r["paid"], r["days_late"]) for r in late] == [
        ("FA-2026-0001", "partially_paid", "200.00", 10)
    ]
    koban("invoice", "pay", "FA-2026-0001", "--amount", "1000")
    assert koban.json("invoice", "list", "--unpaid") == []


@pytest.mark.slow  # runs the README tour as a script
def test_the_readme_tour_script_runs_end_to_end(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).parents[1] / "examples" / "order-to-cash.sh"
    env = {"KOBAN": f"{sys.executable} -m koban_cli", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(script.parents[1])}
    run = subprocess.run(["bash", str(script), str(tmp_path / "tour.db")], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert "AV-2026-0001" in run.stdout and "Remaining to invoice" in run.stdout


@pytest.mark.slow  # renders every demo PDF
def test_demo_builds_its_ledger_and_writes_every_document(tmp_path):
    from conftest import TODAY
    from typer.testing import CliRunner

    from koban_cli.cli.app import app

    result = CliRunner().invoke(app, ["demo", "--outdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Remaining to invoice" in result.stdout
    names = sorted(p.name for p in tmp_path.glob("*.pdf"))
    kinds = {name.split("-")[0] for name in names}
    assert kinds == {"AB", "AV", "BL", "CO", "DE", "FA"} and len(names) == 1 + 2 + 8 + 1 + 1 + 1
    assert "Contracts" in result.stdout
    from facturx import get_xml_from_pdf, xml_check_xsd
    from lxml import etree

    from koban_cli.db.engine import Ledger, ledger_url
    from koban_cli.services.invoicing import view as invoice_view

    ledger = Ledger(ledger_url(str(tmp_path / "koban-demo.db")))
    grand = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}GrandTotalAmount"
    for pdf in tmp_path.glob("[FA][AV]-*.pdf"):
        _, xml = get_xml_from_pdf(pdf.read_bytes(), check_xsd=False)
        assert xml_check_xsd(xml, flavor="factur-x", level="en16931"), pdf.name
        gross = str(invoice_view.show(ledger, pdf.stem, TODAY).gross)
        assert etree.fromstring(xml).find(f".//{grand}").text == gross, pdf.name
    ledger.close()
