"""The EN 16931 (Factur-X) CII XML of an invoice or credit note, built with drafthorse.

Amounts come from the same context as the PDF, so the XML totals and the
printed totals are the same numbers. The XML is checked once against the
Factur-X EN 16931 XSD drafthorse ships (the factur-x library's schema, same
rules), loaded once per process; nothing goes over the network. The official
EN 16931 business rules (CEN schematron) are run on these files by the tests
(tests/en16931.py).

What each line's VAT regime is, and the other mentions of the e-invoicing
reform, come from `context["facts"]` (services/invoicing/e_invoicing.py, frozen at
validation); an invoice validated before them has none and is exported as it
was (S/Z, or E for a VAT-exempt company, units C62).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import drafthorse
from drafthorse.models.accounting import ApplicableTradeTax, TradeAllowanceCharge
from drafthorse.models.document import Document
from drafthorse.models.note import IncludedNote
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentMeans, PaymentTerms
from drafthorse.models.tradelines import LineItem

from koban_cli.domain.countries import stored_code
from koban_cli.domain.kinds import InvoiceKind, LineKind
from koban_cli.domain.money import Money
from koban_cli.domain.values import number_str, round_money
from koban_cli.domain.vat_regimes import REGIMES, VatRegime
from koban_cli.domain.wording import fr_number
from koban_cli.render import formatting
from koban_cli.render.mentions import line_regimes

TYPE_CODES = {"credit_note": "381", "deposit": "386"}
# koban's units as UN/ECE recommendation 20 codes (BT-130); anything else is counted in units (C62)
UNIT_CODES = {"u": "C62", "h": "HUR", "day": "DAY", "month": "MON", "year": "ANN", "kg": "KGM", "m": "MTR", "l": "LTR"}
EXEMPTION = REGIMES["E"].mention
OPERATIONS = {"goods": "livraison de biens", "services": "prestation de services", "mixed": "mixte (biens et services)"}
DEBITS = "Option pour le paiement de la taxe d'après les débits"
SIREN_SCHEME, ADDRESS_SCHEME = "0002", "0225"  # ISO 6523 SIRENE; EAS code of the French SIREN address
SCHEMA = Path(drafthorse.__file__).parent / "schema" / "Factur-X_1.0.07_EN16931.xsd"


def type_code(kind: str) -> str:
    return TYPE_CODES.get(kind, "380")


def _party(party, identity: dict, vat_number: bool = True, company: bool = True) -> None:
    party.name = identity["name"]
    siren = (identity.get("siren") or "")[:9]  # a SIRET's first nine digits are its SIREN
    if siren and company:
        party.legal_organization.id = (SIREN_SCHEME, siren)
    party.address.line_one = identity.get("address") or ""
    party.address.postcode = identity.get("postcode") or ""
    party.address.city_name = identity.get("city") or ""
    party.address.country_id = stored_code(identity.get("country"))
    if siren and company:  # the reform's electronic address is the SIREN (BT-34 / BT-49)
        party.electronic_address.uri_ID = (ADDRESS_SCHEME, siren)
    elif identity.get("email"):
        party.electronic_address.uri_ID = ("EM", identity["email"])
    if identity.get("vat_number") and vat_number:
        party.tax_registrations.add(TaxRegistration(id=("VA", identity["vat_number"])))


def _note(doc: Document, subject: str, text: str) -> None:
    note = IncludedNote()
    note.subject_code = subject
    note.content = text
    doc.header.notes.add(note)


def _reference(target, number: str, date: str | None) -> None:
    target.issuer_assigned_id = number
    if date:
        target.issue_date_time = dt.date.fromisoformat(date)


def build_xml(context: dict) -> bytes:
    inv, company, customer = context["doc"], context["company"], context["customer"]
    facts = context.get("facts") or {}
    regimes = line_regimes(context)
    out_of_scope = "O" in regimes.values()  # BR-O-02: no VAT identifier of either party then
    doc = Document()
    doc.context.guideline_parameter.id = "urn:cen.eu:en16931:2017"
    doc.header.id = inv.number
    doc.header.type_code = type_code(inv.kind)
    doc.header.issue_date_time = inv.date
    rate = (
        f"{fr_number(Decimal(company['late_penalty_rate']))} %"
        if company.get("late_penalty_rate")
        else "trois fois le taux d'intérêt légal"
    )
    _note(doc, "PMT", "Indemnité forfaitaire pour frais de recouvrement : 40 €")
    _note(doc, "PMD", f"Pénalités de retard au taux de {rate}")
    _note(doc, "AAB", "Pas d'escompte pour paiement anticipé")
    if inv.deposits_deducted:
        _note(doc, "AAI", "Acomptes déduits : " + ", ".join(inv.deposits_deducted))
    if facts.get("operation"):
        _note(doc, "AAI", f"Catégorie de l'opération : {OPERATIONS[facts['operation']]}")
    if company.get("vat_on_debits"):
        _note(doc, "TXD", DEBITS)

    trade = doc.trade
    _party(trade.agreement.seller, company, vat_number=not out_of_scope)
    if not company.get("vat_number") or out_of_scope:
        if company.get("siren"):  # BT-32: the legal registration stands in for a VAT number (BR-E-02, BR-S-02)
            trade.agreement.seller.tax_registrations.add(TaxRegistration(id=("FC", company["siren"][:9])))
    _party(trade.agreement.buyer, customer, vat_number=not out_of_scope, company=customer.get("kind") != "individual")
    trade.agreement.buyer_reference = facts.get("customer_ref") or inv.order or customer["code"]
    if inv.order:
        trade.agreement.seller_order.issuer_assigned_id = inv.order
    if facts.get("customer_ref"):
        trade.agreement.buyer_order.issuer_assigned_id = facts["customer_ref"]
    _delivery(trade, facts, customer, inv.date, intra_eu=VatRegime.K in regimes.values())

    settlement = trade.settlement
    settlement.currency_code = inv.gross.currency
    settlement.payment_reference = inv.number
    if facts.get("period"):
        settlement.period.start = dt.date.fromisoformat(facts["period"]["start"])
        settlement.period.end = dt.date.fromisoformat(facts["period"]["end"])
    if company.get("iban"):
        means = PaymentMeans()
        means.type_code = "58"  # SEPA credit transfer
        means.payee_account.iban = company["iban"]
        settlement.payment_means.add(means)
    settlement.terms.add(_terms(inv))
    credited = facts.get("credited")
    if inv.credits:  # BG-3: the invoice corrected (BT-25) and its date (BT-26)
        _reference(settlement.invoice_referenced_document, inv.credits, credited and credited["date"])
    elif facts.get("deposits"):  # a final invoice refers to the (last) deposit it deducts; the note names all
        last = facts["deposits"][-1]
        _reference(settlement.invoice_referenced_document, last["number"], last["date"])

    for tax in _breakdown(inv, regimes, bool(company.get("vat_on_debits"))):
        settlement.trade_tax.add(tax)

    for line in inv.lines:
        if line.kind != LineKind.TEXT:
            unit = ((facts.get("lines") or {}).get(str(line.position)) or {}).get("unit", "u")
            trade.items.add(_line_item(line, REGIMES[regimes[line.position]].category, unit))

    total = settlement.monetary_summation
    total.line_total = _amount(inv.net)
    total.charge_total = Decimal("0.00")
    total.allowance_total = Decimal("0.00")
    total.tax_basis_total = _amount(inv.net)
    total.tax_total = (_amount(inv.tax), inv.tax.currency)
    total.grand_total = _amount(inv.gross)
    total.prepaid_total = _amount(inv.paid)
    total.due_amount = _amount(inv.gross - inv.paid)
    xml = doc.serialize(schema=None)  # drafthorse would load and check the XSD on every call
    check_xsd(xml)
    return xml


@lru_cache(maxsize=1)
def _schema():
    from lxml import etree

    return etree.XMLSchema(file=str(SCHEMA))


def check_xsd(xml: bytes) -> None:
    """Refuse an XML the Factur-X EN 16931 XSD rejects (the only schema check an invoice's XML gets)."""
    from lxml import etree

    _schema().assertValid(etree.fromstring(xml))


def _delivery(trade, facts: dict, customer: dict, date: dt.date, intra_eu: bool) -> None:
    """The place of delivery when it is not the billing address; an intra-EU supply always names the
    country goods go to (BR-IC-12)."""
    place = facts.get("delivery")
    if place is None and intra_eu:
        place = {key: customer.get(key) for key in ("address", "postcode", "city", "country")}
    if place is not None:
        ship_to = trade.delivery.ship_to
        ship_to.name = customer["name"]
        ship_to.address.line_one = place.get("address") or ""
        ship_to.address.postcode = place.get("postcode") or ""
        ship_to.address.city_name = place.get("city") or ""
        ship_to.address.country_id = stored_code(place.get("country"))
    if not facts.get("period"):  # the date of supply; a service period says it better (BG-14)
        trade.delivery.event.occurrence = date


def _terms(inv) -> PaymentTerms:
    """BT-20 always, so an amount due never lacks both a due date and terms (BR-CO-25)."""
    terms = PaymentTerms()
    if inv.kind == InvoiceKind.CREDIT_NOTE:
        terms.description = "Avoir : montant à déduire d'un prochain règlement ou remboursé"
    elif inv.due_date:
        terms.description = f"Paiement au plus tard le {formatting.date(inv.due_date, 'fr')}"
        terms.due = inv.due_date
    else:
        terms.description = "Paiement à réception"
    return terms


def _breakdown(inv, regimes: dict[int, str], on_debits: bool) -> list[ApplicableTradeTax]:
    """One VAT breakdown per category and rate (BG-23): the printed table's rows, a 0 % row split by
    regime (an exempt, an intra-EU and a zero-rated base are different things)."""
    amounts = {_number(row.rate): _amount(row.amount) for row in inv.vat}
    groups: dict[tuple[str, Decimal], list] = {}
    for line in inv.lines:
        if line.kind == LineKind.TEXT:
            continue
        regime = REGIMES[regimes[line.position]]
        key = (regime.category, _number(line.vat_rate))
        groups.setdefault(key, [regime, Decimal(0)])[1] += _amount(line.net)
    out = []
    for (category, rate), (regime, base) in groups.items():
        tax = ApplicableTradeTax()
        tax.calculated_amount = amounts.get(rate, Decimal(0)) if rate else Decimal("0.00")
        tax.basis_amount = base
        tax.type_code = "VAT"
        tax.category_code = category
        if regime.mention and category not in ("S", "Z"):
            tax.exemption_reason = regime.mention
            if regime.code:
                tax.exemption_reason_code = regime.code
        if on_debits and category == "S":
            tax.due_date_type_code = "5"  # BT-8: VAT due on the invoice's date (option for debits)
        tax.rate_applicable_percent = rate
        out.append(tax)
    return out


def _line_item(line, category: str, unit: str) -> LineItem:
    item = LineItem()
    item.document.line_id = str(line.position)
    item.product.name = line.description
    if line.product:
        item.product.seller_assigned_id = line.product
    qty, price, net = _number(line.qty), _amount(line.unit_price), _amount(line.net)
    item.agreement.net.amount = price
    item.delivery.billed_quantity = (qty, UNIT_CODES.get(unit, "C62"))
    discount = _number(line.discount)
    if discount:  # the printed discount, as an amount: qty x price (to the cent) less the net
        gross = round_money(qty * price)
        charge = TradeAllowanceCharge()
        charge.indicator = False
        charge.calculation_percent = discount
        charge.basis_amount = gross
        charge.actual_amount = gross - net
        charge.reason = f"Remise {fr_number(discount)} %"
        item.settlement.allowance_charge.add(charge)
    item.settlement.trade_tax.type_code = "VAT"
    item.settlement.trade_tax.category_code = category
    if category != "O":  # an out-of-scope line has no rate at all (BR-O-05)
        item.settlement.trade_tax.rate_applicable_percent = _number(line.vat_rate)
    if line.period_start:
        item.settlement.period.start = line.period_start
        item.settlement.period.end = line.period_end
    item.settlement.monetary_summation.total_amount = net
    return item


def _amount(money: Money) -> Decimal:
    """An amount as the XML states it: to the cent, with its two decimals."""
    return round_money(money.amount)


def _number(value: Decimal) -> Decimal:
    """A quantity or rate as the page prints it: no useless zeros."""
    return Decimal(number_str(value))
