"""Ready for the French e-invoicing reform: VAT regimes, the new mentions, the official EN 16931 rules."""

import json

import pytest
from en16931 import CHECK, MISSING, fatal_rules
from facturx import get_xml_from_pdf
from lxml import etree
from pypdf import PdfReader

from koban_cli.render.facturx import build_xml
from koban_cli.services import documents

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
GERMAN = ["--name", "Müller GmbH", "--country", "Allemagne", "--vat-number", "DE136695976"]
GERMAN += ["--address", "Hauptstraße 1", "--postcode", "10115", "--city", "Berlin"]
AMERICAN = ["--name", "Acme Inc", "--country", "États-Unis", "--address", "1 Main St", "--city", "Boston"]


def text_of(path):
    text = " ".join(page.extract_text() for page in PdfReader(str(path)).pages)
    return text.replace("\u202f", " ").replace("\xa0", " ")


def xml_of(ledger, number):
    return build_xml(documents.invoice_context(ledger, number))


def tree(xml):
    return etree.fromstring(xml)


def invoice(koban, customer, *lines):
    """A validated standalone invoice of `customer` with the lines given (each a list of add-line options)."""
    ref = koban.json("invoice", "create", "--customer", customer)["ref"]
    for options in lines:
        koban("invoice", "add-line", ref, *options)
    return koban.json("invoice", "validate", ref)["number"]


@pytest.fixture
def abroad(koban):
    koban("customer", "edit", "ACME", "--siren", "552100554")
    koban("customer", "add", "DEU", *GERMAN)
    koban("customer", "add", "USA", *AMERICAN)
    return koban


@pytest.mark.slow  # among the slowest (PDFs, the official rules): the full suite runs it, the quick tier not
def test_every_kind_and_regime_passes_the_official_en16931_rules(abroad, ledger):
    if CHECK is None:
        pytest.skip(MISSING)
    koban = abroad
    made = {
        "mixed rates": invoice(koban, "ACME", ["--product", "DAY"], ["--product", "BOOK", "--qty", "3"]),
        "K": invoice(koban, "DEU", ["--product", "SCREEN", "--qty", "2"]),
        "AE": invoice(koban, "DEU", ["--product", "DAY"]),
        "K and AE": invoice(koban, "DEU", ["--product", "SCREEN"], ["--product", "DAY"]),
        "G": invoice(koban, "USA", ["--product", "SCREEN"]),
        "O": invoice(koban, "USA", ["--product", "DAY", "--qty", "2"]),
        "G and O": invoice(koban, "USA", ["--product", "SCREEN"], ["--product", "DAY"]),
        "60 lines": invoice(
            koban, "ACME", *[["--description", f"Ligne {n}", "--price", "1.10", "--vat", "20"] for n in range(60)]
        ),
    }
    order = koban.json("order", "create", "--customer", "ACME", "--customer-ref", "PO-777")["number"]
    koban("order", "add-line", order, "--product", "DAY", "--qty", "3", "--discount", "10")
    koban("order", "add-line", order, "--product", "BOOK", "--qty", "7")
    koban("order", "validate", order)
    for kind, options in (("deposit", ["--percent", "30"]), ("partial", ["--percent", "40"]), ("balance", [])):
        ref = koban.json("invoice", kind, order, *options)["ref"]
        made[kind] = koban.json("invoice", "validate", ref)["number"]
    credit = koban.json("invoice", "credit", made["mixed rates"], "--amount", "50")["ref"]
    made["credit note"] = koban.json("invoice", "validate", credit)["number"]
    koban("company", "set", "--vat-exempt")
    made["franchise with a VAT number"] = invoice(koban, "ACME", ["--product", "DAY"])
    koban("company", "set", "--vat-number", "")
    made["franchise without a VAT number"] = invoice(koban, "DEU", ["--product", "SCREEN"])
    for name, number in made.items():
        assert fatal_rules(xml_of(ledger, number)) == [], name
    categories = {
        name: sorted(
            {n.text for n in tree(xml_of(ledger, made[name])).findall(".//ram:ApplicableTradeTax/ram:CategoryCode", NS)}
        )
        for name in ("K", "AE", "K and AE", "G", "O", "G and O", "franchise without a VAT number")
    }
    assert categories == {
        "K": ["K"],
        "AE": ["AE"],
        "K and AE": ["AE", "K"],
        "G": ["G"],
        "O": ["O"],
        "G and O": ["E", "G"],
        "franchise without a VAT number": ["E"],
    }
    balance = tree(xml_of(ledger, made["balance"]))  # BG-3: the deposit it deducts
    assert balance.findtext(".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID", namespaces=NS) == made["deposit"]
    assert balance.findtext(".//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID", namespaces=NS) == "PO-777"


def test_an_intra_eu_supply_names_both_vat_numbers_its_code_and_its_article(abroad, ledger, tmp_path):
    number = invoice(abroad, "DEU", ["--product", "SCREEN", "--qty", "2"])
    root = tree(xml_of(ledger, number))
    tax = root.find(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", NS)
    assert tax.findtext("ram:ExemptionReasonCode", namespaces=NS) == "VATEX-EU-IC"
    assert tax.findtext("ram:ExemptionReason", namespaces=NS) == "Exonération de TVA, article 262 ter I du CGI"
    ids = [n.text for n in root.findall(".//ram:SpecifiedTaxRegistration/ram:ID", NS)]
    assert ids == ["FR11123456782", "DE136695976"]
    assert root.findtext(".//ram:BuyerTradeParty//ram:CountryID", namespaces=NS) == "DE"
    assert root.findtext(".//ram:ShipToTradeParty//ram:CountryID", namespaces=NS) == "DE"  # BR-IC-12
    out = tmp_path / "k.pdf"
    abroad("invoice", "pdf", number, "-o", str(out))
    text = text_of(out)
    for mention in ("Exonération de TVA, article 262 ter I du CGI", "Allemagne", "DE136695976", "FR11123456782"):
        assert mention in text, mention
    assert "Livraison de biens" in text  # the operation's category


def test_services_abroad_are_reverse_charged_in_the_eu_and_out_of_scope_elsewhere(abroad, ledger):
    eu = tree(xml_of(ledger, invoice(abroad, "DEU", ["--product", "DAY"])))
    assert eu.findtext(".//ram:ApplicableTradeTax/ram:ExemptionReasonCode", namespaces=NS) == "VATEX-EU-AE"
    world = tree(xml_of(ledger, invoice(abroad, "USA", ["--product", "DAY"])))
    assert world.findtext(".//ram:ApplicableTradeTax/ram:ExemptionReasonCode", namespaces=NS) == "VATEX-EU-O"
    assert world.find(".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID", NS).get("schemeID") == "FC"
    assert abroad.json("invoice", "show", "FA-2026-0002")["tax"] == "0.00"


def test_a_customer_may_force_its_regime(abroad):
    abroad("customer", "edit", "DEU", "--vat-regime", "S")
    ref = abroad.json("invoice", "create", "--customer", "DEU")["ref"]
    abroad("invoice", "add-line", ref, "--product", "SCREEN")
    assert abroad.json("invoice", "show", ref)["lines"][0]["vat_rate"] == "20"
    bad = abroad("customer", "edit", "DEU", "--vat-regime", "X", ok=False)
    assert (bad.exit_code, bad.stderr) == (1, 'Error: VAT regime "X" must be one of S, K, AE, G, O or auto\n')


def test_a_franchise_without_vat_number_states_its_legal_registration_instead(koban, ledger, tmp_path):
    koban("company", "set", "--vat-exempt", "--vat-number", "")
    number = invoice(koban, "ACME", ["--product", "DAY"])
    root = tree(xml_of(ledger, number))
    registration = root.find(".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID", NS)
    assert (registration.get("schemeID"), registration.text) == ("FC", "123456782")  # BT-32, for BR-E-02
    assert root.findtext(".//ram:ApplicableTradeTax/ram:ExemptionReasonCode", namespaces=NS) == "VATEX-FR-FRANCHISE"
    out = tmp_path / "e.pdf"
    koban("invoice", "pdf", number, "-o", str(out))
    assert text_of(out).count("TVA non applicable, art. 293 B du CGI") == 1


def test_a_french_business_without_siren_warns_and_strict_mentions_refuse(koban):
    ref = koban.json("invoice", "create", "--customer", "BOB")["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY")
    koban("company", "set", "--strict-mentions")
    refused = koban("invoice", "validate", ref, ok=False)
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr.startswith(f"Error: {ref} cannot be validated: customer BOB has no SIREN")
    assert refused.stderr.count("\n") == 1
    assert koban.json("invoice", "show", ref)["status"] == "draft"
    koban("company", "set", "--no-strict-mentions")
    warned = koban("invoice", "validate", ref)
    assert warned.exit_code == 0 and warned.stderr.startswith(f"Warning: {ref}: customer BOB has no SIREN")
    assert "FA-2026-0001" in warned.stdout


def test_an_individual_needs_no_siren(koban):
    koban("customer", "add", "JEAN", "--name", "Jean Dupont", "--individual")
    koban("company", "set", "--strict-mentions")
    ref = koban.json("invoice", "create", "--customer", "JEAN")["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY")
    result = koban("invoice", "validate", ref)
    assert result.stderr == ""
    assert koban.json("customer", "show", "JEAN")["kind"] == "individual"


def test_identifiers_are_refused_with_their_check_digits_on_every_path(koban, tmp_path):
    for args, message in (
        (["customer", "edit", "BOB", "--siren", "552100555"], 'SIREN "552100555" is not a valid SIREN'),
        (["customer", "edit", "BOB", "--vat-number", "FR40552100554"], 'VAT number "FR40552100554" is not a valid'),
        (["company", "set", "--iban", "FR7630006000011234567890188"], 'IBAN "FR7630006000011234567890188" is not'),
        (["company", "set", "--bic", "AGRI1RPP"], 'BIC "AGRI1RPP" is not a valid BIC'),
        (["customer", "add", "X", "--name", "X", "--country", "Atlantide"], 'country "Atlantide" is not a known'),
    ):
        result = koban(*args, ok=False)
        assert result.exit_code == 1 and result.stderr.startswith(f"Error: {message}"), result.stderr
    csv = tmp_path / "clients.csv"
    csv.write_text(
        "code;nom;pays;siren;n° tva;type\n"
        "DEU;Müller GmbH;Allemagne;;DE136695976;société\n"
        "BAD;Bad SA;France;552100555;FR00552100554;particulier\n",
        encoding="utf-8",
    )
    result = koban("import", "customers", str(csv), "--format", "json", ok=False)
    assert result.exit_code == 1
    errors = {(e["line"], e["column"]) for e in json.loads(result.stdout)["errors"]}
    assert errors == {(3, "siren"), (3, "vat_number")}
    csv.write_text("code;nom;pays;type\nDEU;Müller GmbH;Allemagne;société\nJEAN;Jean;États-Unis;particulier\n")
    koban("import", "customers", str(csv))
    assert koban.json("customer", "show", "DEU")["country"] == "DE"
    assert (koban.json("customer", "show", "JEAN")["country"], koban.json("customer", "show", "JEAN")["kind"]) == (
        "US",
        "individual",
    )


def test_the_reform_mentions_reach_the_page_and_the_xml(koban, ledger, tmp_path):
    koban("company", "set", "--vat-on-debits")
    koban(
        "customer", "edit", "ACME", "--siren", "55210055400013",
        "--delivery-address", "Entrepôt 4", "--delivery-postcode", "69100", "--delivery-city", "Villeurbanne",
    )  # fmt: skip
    order = koban.json("order", "create", "--customer", "ACME", "--customer-ref", "PO-777")["number"]
    koban("order", "add-line", order, "--product", "DAY", "--qty", "2")
    koban("order", "validate", order)
    number = koban.json("invoice", "validate", koban.json("invoice", "balance", order)["ref"])["number"]
    out = tmp_path / "fa.pdf"
    koban("invoice", "pdf", number, "-o", str(out))
    text = text_of(out)
    for mention in (
        "SIRET 55210055400013",  # a SIRET is printed as one
        "Votre référence PO-777",
        "Adresse de livraison",
        "69100 Villeurbanne",
        "Option pour le paiement de la taxe d'après les débits",
        "Prestation de services",
    ):
        assert mention in text, mention
    assert "SIREN 55210055400013" not in text
    root = tree(get_xml_from_pdf(out.read_bytes(), check_xsd=False)[1])
    assert root.findtext(".//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID", namespaces=NS) == "PO-777"
    assert root.findtext(".//ram:ShipToTradeParty//ram:CityName", namespaces=NS) == "Villeurbanne"
    address = root.find(".//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID", NS)
    assert (address.get("schemeID"), address.text) == ("0225", "552100554")  # BT-49, the SIREN
    assert root.find(".//ram:SellerTradeParty/ram:URIUniversalCommunication/ram:URIID", NS).text == "123456782"
    assert root.find(".//ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", NS).get("unitCode") == "DAY"
    assert root.findtext(".//ram:ApplicableTradeTax/ram:DueDateTypeCode", namespaces=NS) == "5"


def test_an_order_delivers_to_its_own_address_over_the_customers(koban, ledger):
    koban("customer", "edit", "ACME", "--siren", "552100554", "--delivery-address", "Entrepôt 4")
    order = koban.json(
        "order", "create", "--customer", "ACME", "--delivery-address", "Chantier", "--delivery-city", "Genève",
        "--delivery-country", "Suisse",
    )["number"]  # fmt: skip
    koban("order", "add-line", order, "--product", "SCREEN")
    koban("order", "validate", order)
    number = koban.json("invoice", "validate", koban.json("invoice", "balance", order)["ref"])["number"]
    root = tree(xml_of(ledger, number))
    assert root.findtext(".//ram:ShipToTradeParty//ram:LineOne", namespaces=NS) == "Chantier"
    assert root.findtext(".//ram:ShipToTradeParty//ram:CountryID", namespaces=NS) == "CH"


def test_a_subscription_in_arrears_shows_its_service_period_not_the_invoice_date(koban, ledger, tmp_path):
    koban("customer", "edit", "ACME", "--siren", "552100554")
    contract = koban.json(
        "contract", "create", "--customer", "ACME", "--start", "2026-09-01", "--in-arrears", "--auto"
    )["number"]
    koban("contract", "add-line", contract, "--product", "HOST")
    koban("contract", "bill-due", "--as-of", "2026-10-01")
    out = tmp_path / "sub.pdf"
    koban("invoice", "pdf", "FA-2026-0001", "-o", str(out))
    text = text_of(out)
    assert "Période de prestation 1 septembre 2026 – 30 septembre 2026" in text
    assert "Date de vente" not in text
    period = tree(xml_of(ledger, "FA-2026-0001")).find(
        ".//ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod", NS
    )
    assert period is not None
    koban("contract", "pdf", contract, "-o", str(tmp_path / "ab.pdf"))
    assert "Facturation mensuelle, terme échu" in text_of(tmp_path / "ab.pdf")
    koban("contract", "pdf", contract, "-o", str(tmp_path / "ab-en.pdf"), "--lang", "en")
    assert "Billing monthly, in arrears" in text_of(tmp_path / "ab-en.pdf")


@pytest.mark.slow  # among the slowest (PDFs, the official rules): the full suite runs it, the quick tier not
def test_payment_wording_never_contradicts_itself(koban, tmp_path):
    koban("customer", "edit", "ACME", "--siren", "552100554")
    ref = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY")
    koban("invoice", "pdf", ref, "-o", str(tmp_path / "draft.pdf"))
    draft = text_of(tmp_path / "draft.pdf")
    assert "Paiement à 45 jours de la date de facture" in draft and "au plus tard le à" not in draft
    number = koban.json("invoice", "validate", ref)["number"]
    koban("invoice", "pdf", number, "-o", str(tmp_path / "fa.pdf"))
    issued = text_of(tmp_path / "fa.pdf")
    assert "Paiement au plus tard le" in issued and "réception" not in issued
    koban("customer", "edit", "ACME", "--payment-terms-days", "0")
    ref = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY")
    number = koban.json("invoice", "validate", ref)["number"]
    koban("invoice", "pdf", number, "-o", str(tmp_path / "now.pdf"))
    now = text_of(tmp_path / "now.pdf")
    assert "Paiement à réception." in now and "au plus tard" not in now
    koban("invoice", "pdf", number, "-o", str(tmp_path / "now-en.pdf"), "--lang", "en")
    english = text_of(tmp_path / "now-en.pdf")
    assert "Payment on receipt." in english and "Paiement" not in english


def test_french_numbers_take_a_comma_in_the_xml_notes_too(koban, ledger):
    koban("company", "set", "--late-penalty-rate", "5.5")
    number = invoice(koban, "BOB", ["--product", "BOOK"])
    notes = [n.text for n in tree(xml_of(ledger, number)).findall(".//ram:IncludedNote/ram:Content", NS)]
    assert "Pénalités de retard au taux de 5,5 %" in notes


@pytest.mark.slow  # among the slowest (PDFs, the official rules): the full suite runs it, the quick tier not
def test_every_page_after_the_first_names_the_document(koban, tmp_path):
    number = invoice(
        koban,
        "BOB",
        *[["--description", f"Prestation {n} " + "longue " * 10, "--price", "1", "--vat", "20"] for n in range(60)],
    )
    out = tmp_path / "long.pdf"
    koban("invoice", "pdf", number, "-o", str(out))
    pages = [page.extract_text() for page in PdfReader(str(out)).pages]
    assert len(pages) >= 2
    assert all(f"Facture {number}" in page for page in pages[1:])
