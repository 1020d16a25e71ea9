"""PDF documents: French mentions, escaping, draft marks, and Factur-X XML equal to the ledger."""

import pytest
from en16931 import factur_x_of
from facturx import get_xml_from_pdf, xml_check_xsd
from lxml import etree
from pypdf import PdfReader

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}


def text_of(path):
    text = " ".join(page.extract_text() for page in PdfReader(str(path)).pages)
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def billed(koban):
    koban(
        "company",
        "set",
        "--name",
        "Atelier Test SARL",
        "--address",
        "1 rue A",
        "--postcode",
        "69001",
        "--city",
        "Lyon",
        "--iban",
        "FR7630006000011234567890189",
        "--late-penalty-rate",
        "12.37",
    )
    koban("customer", "edit", "BOB", "--name", "<b>Evil</b> & Co", "--siren", "552100554")
    order = koban.json("order", "create", "--customer", "BOB", "--date", "2026-11-02")["number"]
    koban("order", "add-line", order, "--product", "DAY", "--qty", "3", "--discount", "10")
    koban("order", "add-line", order, "--product", "BOOK", "--qty", "7")
    koban("order", "validate", order)
    deposit = koban.json("invoice", "deposit", order, "--percent", "30")["ref"]
    koban("invoice", "validate", deposit, "--date", "2026-11-27")
    balance = koban.json("invoice", "balance", order)["ref"]
    return order, balance


def xml_of(path):
    _, xml = get_xml_from_pdf(path.read_bytes(), check_xsd=False)
    return etree.fromstring(xml), xml


def test_a_validated_invoice_is_factur_x_with_totals_equal_to_the_ledger(koban, billed, tmp_path):
    out = tmp_path / "fa.pdf"
    koban("invoice", "pdf", "FA-2026-0001", "-o", str(out))
    root, xml = xml_of(out)
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert root.findtext(".//rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "386"  # deposit
    view = koban.json("invoice", "show", "FA-2026-0001")
    summary = root.find(".//ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS)
    assert summary.findtext("ram:TaxBasisTotalAmount", namespaces=NS) == view["net"]
    assert summary.findtext("ram:TaxTotalAmount", namespaces=NS) == view["tax"]
    assert summary.findtext("ram:GrandTotalAmount", namespaces=NS) == view["gross"]
    siren = root.find(".//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID", NS)
    assert (siren.text, siren.get("schemeID")) == ("552100554", "0002")
    subjects = {n.findtext("ram:SubjectCode", namespaces=NS) for n in root.findall(".//ram:IncludedNote", NS)}
    assert {"PMT", "PMD", "AAB"} <= subjects


def test_invoice_pdf_carries_the_french_mentions_and_prints_html_literally(koban, billed, tmp_path):
    out = tmp_path / "fa.pdf"
    koban("invoice", "pdf", "FA-2026-0001", "-o", str(out))
    text = text_of(out)
    for mention in (
        "Facture d'acompte",
        "FA-2026-0001",
        "<b>Evil</b> & Co",
        "Échéance",
        "27 novembre 2026",
        "12,37 %",
        "40 €",
        "Pas d'escompte",
        "Taux de TVA",
    ):
        assert mention in text, mention


def test_a_draft_shows_its_provisional_reference_and_a_draft_mark_and_no_xml(koban, billed, tmp_path):
    out = tmp_path / "draft.pdf"
    koban("invoice", "pdf", billed[1], "-o", str(out))
    text = text_of(out)
    assert "BROUILLON" in text and billed[1] in text and "FA-2026-0002" not in text
    assert factur_x_of(out) is None  # a draft carries no XML


def test_a_credit_note_is_type_381_and_names_the_invoice_it_corrects(koban, billed, tmp_path):
    koban("invoice", "validate", billed[1], "--date", "2026-11-28")
    credit = koban.json("invoice", "credit", "FA-2026-0002", "--amount", "50")["ref"]
    koban("invoice", "validate", credit, "--date", "2026-11-28")
    out = tmp_path / "av.pdf"
    koban("invoice", "pdf", "AV-2026-0001", "-o", str(out), "--lang", "en")
    root, _ = xml_of(out)
    assert root.findtext(".//rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "381"
    assert root.findtext(".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID", namespaces=NS) == "FA-2026-0002"
    assert root.findtext(".//ram:InvoiceReferencedDocument//qdt:DateTimeString", namespaces=NS) == "20261128"
    text = text_of(out)
    assert "Corrected invoice FA-2026-0002 of 28 November 2026" in text
    assert text.count("FA-2026-0002") == 1  # once, not again in a note and a mention


def test_quote_and_order_render_with_babel_formatting(koban, billed, tmp_path):
    out = tmp_path / "co.pdf"
    koban("order", "pdf", billed[0], "-o", str(out))
    assert "1 755,00 €" in text_of(out)  # 3 x 650 - 10 %


def test_pdf_all_renders_every_validated_invoice_of_the_period(koban, billed, tmp_path):
    koban("invoice", "validate", billed[1], "--date", "2026-11-28")
    result = koban(
        "invoice", "pdf", "--all", "--from", "2026-11-01", "--to", "2026-11-27", "--outdir", str(tmp_path / "out")
    )
    assert result.stdout.strip().endswith("1 PDF files written to " + str(tmp_path / "out"))
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["FA-2026-0001.pdf"]
    koban("invoice", "pdf", "--all", "--outdir", str(tmp_path / "every"))
    assert sorted(p.name for p in (tmp_path / "every").iterdir()) == ["FA-2026-0001.pdf", "FA-2026-0002.pdf"]


@pytest.mark.slow  # among the slowest (PDFs, the official rules): the full suite runs it, the quick tier not
def test_a_forty_line_invoice_runs_over_pages_with_its_totals_on_the_last(koban, tmp_path):
    ref = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    for n in range(40):
        koban(
            "invoice",
            "add-line",
            ref,
            "--description",
            f"Prestation n°{n + 1} " + "détaillée " * 12,
            "--price",
            "10.10",
            "--vat",
            "20",
            "--qty",
            str(n + 1),
        )
    koban("invoice", "validate", ref)
    out = tmp_path / "long.pdf"
    koban("invoice", "pdf", "FA-2026-0001", "-o", str(out))
    pages = [page.extract_text() for page in PdfReader(str(out)).pages]
    assert len(pages) >= 2
    assert all("Désignation" in page for page in pages[:-1])  # the table header repeats
    assert "Total TTC" in pages[-1] and "Prestation n°40" in " ".join(pages)
    assert xml_check_xsd(get_xml_from_pdf(out.read_bytes(), check_xsd=False)[1], flavor="factur-x", level="en16931")


def test_a_company_template_folder_overrides_the_shipped_templates(koban, billed, tmp_path):
    own = tmp_path / "mine"
    own.mkdir()
    (own / "quote.html").write_text(
        '{% extends "base.html" %}{% block mentions %}<p>Notre devis maison</p>{% endblock %}'
    )
    koban("company", "set", "--template-dir", str(own))
    quote = koban.json("quote", "create", "--customer", "ACME")["number"]
    koban("quote", "add-line", quote, "--product", "DAY")
    out = tmp_path / "de.pdf"
    koban("quote", "pdf", quote, "-o", str(out))
    assert "Notre devis maison" in text_of(out) and "BROUILLON" in text_of(out)
    missing = koban("company", "set", "--logo", str(tmp_path / "nope.png"), ok=False)
    assert missing.stderr == f'Error: --logo "{tmp_path / "nope.png"}" is not an existing file\n'


@pytest.mark.slow  # runs the benchmark scripts
@pytest.mark.parametrize(
    "script, args, figure",
    [
        ("pdf.py", ["--invoices", "3"], "one Factur-X invoice, one core"),
        ("bill_due.py", ["--contracts", "5"], "bill-due, 5 contracts, 5 validated invoices"),
    ],
)
def test_the_benchmarks_still_run_at_a_small_scale(script, args, figure):
    import subprocess
    import sys
    from pathlib import Path

    path = Path(__file__).parents[1] / "benchmarks" / script
    run = subprocess.run([sys.executable, str(path), *args], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert figure in run.stdout


@pytest.mark.slow  # runs the benchmark scripts
def test_the_scale_benchmark_still_runs_at_a_small_scale():
    import subprocess
    import sys
    from pathlib import Path

    path = Path(__file__).parents[1] / "benchmarks" / "run.py"
    run = subprocess.run([sys.executable, str(path), "--scale", "0.002"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    for figure in ("import orders", "order list --open", "contract bill-due", "koban --help", "invoice pdf --all"):
        assert figure in run.stdout


def test_a_vat_exempt_company_invoices_at_zero_with_the_article_293_b_mention(koban, tmp_path):
    koban("company", "set", "--vat-exempt")
    ref = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY")
    koban("invoice", "validate", ref)
    view = koban.json("invoice", "show", "FA-2026-0001")
    assert (view["net"], view["tax"], view["gross"]) == ("650.00", "0.00", "650.00")
    out = tmp_path / "exempt.pdf"
    koban("invoice", "pdf", "FA-2026-0001", "-o", str(out))
    assert "TVA non applicable, art. 293 B du CGI" in text_of(out)
    root, xml = xml_of(out)
    assert root.findtext(".//ram:ApplicableTradeTax/ram:CategoryCode", namespaces=NS) == "E"
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")


def test_the_cycle_collector_waits_while_a_pdf_renders_and_is_given_back_after(monkeypatch):
    import gc

    from koban_cli.render import pdf

    seen = []

    def failing_render(context, lang, facturx):
        seen.append(gc.isenabled())
        raise RuntimeError("a template that cannot be rendered")

    monkeypatch.setattr(pdf, "_render", failing_render)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        pdf.render_pdf({}, "fr")
    assert seen == [False] and gc.isenabled()
    gc.disable()  # a caller that paused it keeps it paused
    try:
        with pytest.raises(RuntimeError):
            pdf.render_pdf({}, "fr")
        assert not gc.isenabled()
    finally:
        gc.enable()
