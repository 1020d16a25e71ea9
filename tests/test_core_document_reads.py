"""`invoice show` and `order show` read in SQLAlchemy Core (services/invoicing/view.py, order_view.py).

Their JSON is checked on a ledger where an order went through a deposit, an
intermediate invoice, a balance and a credit note, some paid, some not, with
deliveries and a plan, against figures worked out by hand in the comments (not
by calling the code under test); and their processes import neither the ORM
nor pydantic.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from startup import ORM, imported

ROOT = Path(__file__).parents[1]


@pytest.fixture
def billed(koban):
    """CO-2026-0001 for ACME (45 days' terms): a 30 % deposit (paid), an intermediate invoice of what was
    delivered (part paid), the balance (unpaid) and a credit note of 100.00 on the intermediate invoice;
    a draft credit note on the balance; a standalone invoice for BOB (company terms: 30 days)."""
    order = koban.json("order", "create", "--customer", "ACME", "--date", "2026-10-01", "--customer-ref", "PO-7")
    order = order["number"]
    koban("order", "add-line", order, "--text", "Matériel")
    koban("order", "add-line", order, "--product", "SCREEN", "--qty", "4")  # 4 x 249.90 = 999.60, VAT 20
    koban("order", "add-line", order, "--product", "BOOK", "--qty", "10")  # 10 x 35.00 = 350.00, VAT 5.5
    koban("order", "add-line", order, "--product", "DAY", "--qty", "2", "--discount", "10", "--comment", "Sur site")
    # 2 x 650.00 - 10 % = 1170.00, VAT 20. Net 2519.60; VAT 20 on 2169.60 = 433.92, 5.5 on 350.00 = 19.25
    koban("order", "validate", order)
    koban("order", "schedule", order, "--date", "2026-12-15", "--amount", "500", "--label", "Formation")
    deposit = koban.json("invoice", "deposit", order, "--percent", "30", "--date", "2026-10-02")["ref"]
    deposit = koban.json("invoice", "validate", deposit, "--date", "2026-10-02")["number"]
    koban("invoice", "pay", deposit, "--amount", "891.84", "--date", "2026-10-10")
    koban("stock", "in", "SCREEN", "10", "--date", "2026-10-01")
    koban("stock", "in", "BOOK", "10", "--date", "2026-10-01")
    shipped = koban.json("delivery", "create", "--from-order", order, "--line", "2=3", "--line", "3=10")["ref"]
    koban("delivery", "validate", shipped, "--date", "2026-10-15")
    koban("delivery", "create", "--from-order", order, "--line", "2=1")  # a draft delivers nothing yet
    partial = koban.json("invoice", "partial", order, "--line", "2=3", "--line", "3=10", "--date", "2026-10-20")["ref"]
    partial = koban.json("invoice", "validate", partial, "--date", "2026-10-20")["number"]
    koban("invoice", "pay", partial, "--amount", "500.00", "--date", "2026-10-25")
    balance = koban.json("invoice", "balance", order, "--date", "2026-11-05")["ref"]
    balance = koban.json("invoice", "validate", balance, "--date", "2026-11-05")["number"]
    credit = koban.json("invoice", "credit", partial, "--amount", "100", "--date", "2026-11-10")["ref"]
    credit = koban.json("invoice", "validate", credit, "--date", "2026-11-10")["number"]
    draft = koban.json("invoice", "credit", balance, "--amount", "10", "--date", "2026-11-12")["ref"]
    alone = koban.json("invoice", "create", "--customer", "BOB", "--date", "2026-11-20", "--note", "Audit")["ref"]
    koban("invoice", "add-line", alone, "--product", "DAY", "--qty", "0.5")  # 325.00, VAT 20 = 65.00
    alone = koban.json("invoice", "validate", alone, "--date", "2026-11-20")["number"]
    return order, deposit, partial, balance, credit, draft, alone


def line(position, kind, product, description, qty, price, rate, net, discount="0", comment=None) -> dict:
    """A priced line as `show` prints it."""
    return {
        "position": position,
        "kind": kind,
        "product": product,
        "description": description,
        "qty": qty,
        "unit_price": price,
        "discount": discount,
        "vat_rate": rate,
        "net": net,
        "comment": comment,
    }


def invoice_line(*args, **kwargs) -> dict:
    return line(*args, **kwargs) | {"period_start": None, "period_end": None}


def invoice(ref, kind, status, **fields) -> dict:
    """An invoice of CO-2026-0001 for ACME as `invoice show` prints it; `fields` give the rest."""
    return {
        "ref": ref,
        "number": None if ref.startswith("PROV-") else ref,
        "kind": kind,
        "status": status,
        "payment_status": "unpaid",
        "order": "CO-2026-0001",
        "contract": None,
        "customer": "ACME",
        "customer_name": "ACME SAS",
        "due_date": None,
        "days_late": 0,
        "paid": "0.00",
        "sent_at": None,
        "send_error": None,
        "project": None,
        "credits": None,
        "credit_notes": [],
        "deposits_deducted": [],
        "note": None,
    } | fields


def test_order_shows_what_is_invoiced_delivered_and_left(koban, billed):
    order = billed[0]
    # invoiced: deposit 755.88 + intermediate 1099.70 + balance 664.02 - credit note 100.00 = 2419.60 (the draft
    # credit note counts for nothing); left: the 100.00 credited, spread over SCREEN and BOOK (68.17 and 31.83).
    # billed quantities: SCREEN 3 + 1 - 68.17 / 249.90 = 3.727; BOOK 10 - 31.83 / 35.00 = 9.091; DAY 2.
    # delivered: 3 screens and 10 books by the validated note (the draft one delivers nothing); DAY is a service.
    assert koban.json("order", "show", order) == {
        "number": "CO-2026-0001",
        "customer": "ACME",
        "date": "2026-10-01",
        "status": "validated",  # back from invoiced: the credit note reopened 100.00
        "note": None,
        "customer_name": "ACME SAS",
        "customer_ref": "PO-7",
        "quote": None,
        "net": "2519.60",
        "tax": "453.17",
        "gross": "2972.77",
        "invoiced": "2419.60",
        "remaining": "100.00",
        "lines_remaining": "100.00",
        "deposits_undeducted": "0.00",
        "delivery_status": "partially_delivered",
        "lines": [
            {**line(1, "text", None, "Matériel", None, None, None, None, discount=None)}
            | {"qty_invoiced": None, "qty_delivered": None},
            line(2, "product", "SCREEN", "Écran", "4", "249.90", "20", "999.60")
            | {"qty_invoiced": "3.727", "qty_delivered": "3"},
            line(3, "product", "BOOK", "Manuel", "10", "35.00", "5.5", "350.00")
            | {"qty_invoiced": "9.091", "qty_delivered": "10"},
            line(4, "product", "DAY", "Journée de conseil", "2", "650.00", "20", "1170.00", "10", "Sur site")
            | {"qty_invoiced": "2", "qty_delivered": None},
        ],
        "vat": [
            {"rate": "20", "base": "2169.60", "amount": "433.92"},
            {"rate": "5.5", "base": "350.00", "amount": "19.25"},
        ],
        "invoices": ["FA-2026-0001", "FA-2026-0002", "FA-2026-0003", "AV-2026-0001", "PROV-5"],
        "deliveries": ["BL-2026-0001", "PROV-BL-2"],
        "contracts": [],
        "project": None,
        "schedule": [{"date": "2026-12-15", "kind": "intermediate", "label": "Formation", "amount": "500.00"}],
    }


def test_invoices_show_their_lines_vat_payments_and_links(koban, billed):
    _, deposit, partial, balance, credit, draft, alone = billed

    def show(ref):
        return koban.json("invoice", "show", ref, "--as-of", "2026-12-10")

    # 30 % of 2169.60 at 20 % = 650.88 (VAT 130.176 -> 130.18) and of 350.00 at 5.5 % = 105.00 (VAT 5.775 -> 5.78):
    # net 755.88, VAT 135.96, gross 891.84, paid in full; due 45 days after 2026-10-02.
    assert show(deposit) == invoice(
        "FA-2026-0001",
        "deposit",
        "validated",
        payment_status="paid",
        date="2026-10-02",
        due_date="2026-11-16",
        net="755.88",
        tax="135.96",
        gross="891.84",
        paid="891.84",
        lines=[
            invoice_line(
                1, "free", None, "Acompte 30 % sur commande CO-2026-0001 (TVA 20 %)", "1", "650.88", "20", "650.88"
            ),
            invoice_line(
                2, "free", None, "Acompte 30 % sur commande CO-2026-0001 (TVA 5,5 %)", "1", "105.00", "5.5", "105.00"
            ),
        ],
        vat=[{"rate": "20", "base": "650.88", "amount": "130.18"}, {"rate": "5.5", "base": "105.00", "amount": "5.78"}],
    )
    # 3 x 249.90 = 749.70 (VAT 149.94) + 10 x 35.00 = 350.00 (VAT 19.25): net 1099.70, gross 1268.89, 500.00 paid;
    # due 2026-12-04 (45 days after 2026-10-20): 6 days late on 2026-12-10.
    assert show(partial) == invoice(
        "FA-2026-0002",
        "intermediate",
        "validated",
        payment_status="partially_paid",
        date="2026-10-20",
        due_date="2026-12-04",
        days_late=6,
        net="1099.70",
        tax="169.19",
        gross="1268.89",
        paid="500.00",
        lines=[
            invoice_line(1, "product", "SCREEN", "Écran", "3", "249.90", "20", "749.70"),
            invoice_line(2, "product", "BOOK", "Manuel", "10", "35.00", "5.5", "350.00"),
        ],
        vat=[
            {"rate": "20", "base": "749.70", "amount": "149.94"},
            {"rate": "5.5", "base": "350.00", "amount": "19.25"},
        ],
        credit_notes=["AV-2026-0001"],
    )
    # what is left, 249.90 + 1170.00, less the deposit: 20 %: 1419.90 - 650.88 = 769.02 (VAT 153.804 -> 153.80);
    # 5.5 %: -105.00 (VAT -5.78); net 664.02, VAT 148.02, gross 812.04; due 2026-12-20, not late on 2026-12-10.
    assert show(balance) == invoice(
        "FA-2026-0003",
        "balance",
        "validated",
        date="2026-11-05",
        due_date="2026-12-20",
        net="664.02",
        tax="148.02",
        gross="812.04",
        lines=[
            invoice_line(1, "product", "SCREEN", "Écran", "1", "249.90", "20", "249.90"),
            invoice_line(2, "product", "DAY", "Journée de conseil", "2", "650.00", "20", "1170.00", "10"),
            invoice_line(
                3, "free", None, "Déduction de l'acompte FA-2026-0001 (TVA 20 %)", "-1", "650.88", "20", "-650.88"
            ),
            invoice_line(
                4, "free", None, "Déduction de l'acompte FA-2026-0001 (TVA 5,5 %)", "-1", "105.00", "5.5", "-105.00"
            ),
        ],
        vat=[
            {"rate": "20", "base": "769.02", "amount": "153.80"},
            {"rate": "5.5", "base": "-105.00", "amount": "-5.78"},
        ],
        credit_notes=["PROV-5"],
        deposits_deducted=["FA-2026-0001"],
    )
    # 100.00 spread over the invoice's net 1099.70: 100 x 749.70 / 1099.70 = 68.17 (VAT 13.63), 31.83 (VAT 1.75).
    assert show(credit) == invoice(
        "AV-2026-0001",
        "credit_note",
        "validated",
        date="2026-11-10",
        net="100.00",
        tax="15.38",
        gross="115.38",
        lines=[
            invoice_line(
                1,
                "product",
                "SCREEN",
                "Écran — avoir de 68,17\u00a0€ sur 3 × 249,90\u00a0€",
                "1",
                "68.17",
                "20",
                "68.17",
            ),
            invoice_line(
                2,
                "product",
                "BOOK",
                "Manuel — avoir de 31,83\u00a0€ sur 10 × 35,00\u00a0€",
                "1",
                "31.83",
                "5.5",
                "31.83",
            ),
        ],
        vat=[{"rate": "20", "base": "68.17", "amount": "13.63"}, {"rate": "5.5", "base": "31.83", "amount": "1.75"}],
        credits="FA-2026-0002",
        note="Avoir sur facture FA-2026-0002",
    )
    # a draft, named PROV-<id>: 10.00 over 249.90 and 1170.00 (of 1419.90): 1.76 and 8.24, all at 20 %.
    assert show(draft) == invoice(
        "PROV-5",
        "credit_note",
        "draft",
        date="2026-11-12",
        net="10.00",
        tax="2.00",
        gross="12.00",
        lines=[
            invoice_line(
                1, "product", "SCREEN", "Écran — avoir de 1,76\u00a0€ sur 1 × 249,90\u00a0€", "1", "1.76", "20", "1.76"
            ),
            invoice_line(
                2,
                "product",
                "DAY",
                "Journée de conseil — avoir de 8,24\u00a0€ sur 2 × 650,00\u00a0€, remise 10 %",
                "1",
                "8.24",
                "20",
                "8.24",
            ),
        ],
        vat=[{"rate": "20", "base": "10.00", "amount": "2.00"}],
        credits="FA-2026-0003",
        note="Avoir sur facture FA-2026-0003",
    )
    # no order; BOB has no terms of his own: the company's 30 days. 0.5 x 650.00 = 325.00, VAT 65.00.
    assert show(alone) == invoice(
        "FA-2026-0004",
        "standard",
        "validated",
        order=None,
        customer="BOB",
        customer_name="Bob & Co",
        date="2026-11-20",
        due_date="2026-12-20",
        net="325.00",
        tax="65.00",
        gross="390.00",
        lines=[invoice_line(1, "product", "DAY", "Journée de conseil", "0.5", "650.00", "20", "325.00")],
        vat=[{"rate": "20", "base": "325.00", "amount": "65.00"}],
        note="Audit",
    )


def test_invoices_are_found_by_number_or_draft_reference(koban, billed):
    assert koban.json("invoice", "show", " prov-5 ")["ref"] == "PROV-5"  # any case, spaces around
    for ref, message in (
        ("PROV-1", "PROV-1 was validated as FA-2026-0001; use that number"),
        ("fa-2026-0001", 'invoice "fa-2026-0001" does not exist (see: koban invoice list)'),
        ("PROV-99999999999999999999", 'invoice "PROV-99999999999999999999" does not exist (see: koban invoice list)'),
    ):
        result = koban("invoice", "show", ref, ok=False)
        assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n"), ref
    result = koban("order", "show", "CO-2026-0009", ok=False)
    assert result.stderr == 'Error: order "CO-2026-0009" does not exist (see: koban order list)\n'


@pytest.mark.slow  # fresh processes
def test_invoice_and_order_show_start_without_orm_or_pydantic(koban, billed):
    order, deposit, partial, balance, credit, draft, alone = billed
    for args in (["order", "show", order], *(["invoice", "show", ref] for ref in (deposit, balance, credit, draft))):
        for fmt in ("table", "json"):
            modules = imported(koban.db, *args, "--format", fmt)
            assert "sqlalchemy" in modules, args
            assert not ORM & modules, (args, fmt)


@pytest.mark.slow  # a fresh process
def test_a_validated_invoice_and_an_order_are_printed_from_data_read_without_orm(koban, billed):
    """The context a PDF is rendered from (services/documents.py), for a validated invoice and an order."""
    order, _, _, balance, credit, _, _ = billed
    code = (
        "import sys\n"
        "from koban_cli.db.engine import Ledger, ledger_url\n"
        "from koban_cli.services import documents\n"
        f"ledger = Ledger(ledger_url({koban.db!r}))\n"
        f"issued = [documents.invoice_context(ledger, ref) for ref in ({balance!r}, {credit!r})]\n"
        f"ordered = documents.order_context(ledger, {order!r})\n"
        "print([c['customer']['name'] for c in issued + [ordered]], [str(c['doc'].net) for c in issued + [ordered]])\n"
        f"print(sorted(set({sorted(ORM)!r}) & set(sys.modules)))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.splitlines() == ["['ACME SAS', 'ACME SAS', 'ACME SAS'] ['664.02', '100.00', '2519.60']", "[]"]
