"""The EN 16931 (Factur-X) CII XML of an invoice or credit note, built with drafthorse.

Amounts come from the same context as the PDF, so the XML totals and the
printed totals are the same numbers. drafthorse validates the XML against
the Factur-X EN 16931 XSD when serializing; nothing goes over the network.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from drafthorse.models.accounting import ApplicableTradeTax, TradeAllowanceCharge
from drafthorse.models.document import Document
from drafthorse.models.note import IncludedNote
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentMeans, PaymentTerms
from drafthorse.models.tradelines import LineItem

from koban_cli.domain.values import round_money
from koban_cli.domain.wording import fr_number

TYPE_CODES = {"credit_note": "381", "deposit": "386"}
UNIT_CODES = {"u": "C62", "h": "HUR", "day": "DAY", "month": "MON", "year": "ANN", "kg": "KGM", "m": "MTR", "l": "LTR"}
EXEMPTION = "TVA non applicable, art. 293 B du CGI"


def type_code(kind: str) -> str:
    return TYPE_CODES.get(kind, "380")


def _category(rate: Decimal, exempt: bool) -> str:
    return "E" if exempt else ("S" if rate else "Z")


def _party(party, identity: dict) -> None:
    party.name = identity["name"]
    if identity.get("siren"):
        party.legal_organization.id = ("0002", identity["siren"][:9])
    party.address.line_one = identity.get("address") or ""
    party.address.postcode = identity.get("postcode") or ""
    party.address.city_name = identity.get("city") or ""
    party.address.country_id = identity.get("country") or "FR"
    if identity.get("email"):
        party.electronic_address.uri_ID = ("EM", identity["email"])
    if identity.get("vat_number"):
        party.tax_registrations.add(TaxRegistration(id=("VA", identity["vat_number"])))


def _note(doc: Document, subject: str, text: str) -> None:
    note = IncludedNote()
    note.subject_code = subject
    note.content = text
    doc.header.notes.add(note)


def build_xml(context: dict) -> bytes:
    inv, company, customer = context["doc"], context["company"], context["customer"]
    exempt = bool(company.get("vat_exempt"))
    doc = Document()
    doc.context.guideline_parameter.id = "urn:cen.eu:en16931:2017"
    doc.header.id = inv["number"]
    doc.header.type_code = type_code(inv["kind"])
    doc.header.issue_date_time = dt.date.fromisoformat(inv["date"])
    rate = (
        f"{company['late_penalty_rate']} %"
        if company.get("late_penalty_rate")
        else "trois fois le taux d'intérêt légal"
    )
    _note(doc, "PMT", "Indemnité forfaitaire pour frais de recouvrement : 40 €")
    _note(doc, "PMD", f"Pénalités de retard au taux de {rate}")
    _note(doc, "AAB", "Pas d'escompte pour paiement anticipé")
    if inv.get("deposits_deducted"):
        _note(doc, "AAI", "Acomptes déduits : " + ", ".join(inv["deposits_deducted"]))

    trade = doc.trade
    _party(trade.agreement.seller, company)
    _party(trade.agreement.buyer, customer)
    trade.agreement.buyer_reference = inv.get("order") or customer["code"]
    if inv.get("order"):
        trade.agreement.seller_order.issuer_assigned_id = inv["order"]
    trade.delivery.event.occurrence = dt.date.fromisoformat(inv["date"])

    settlement = trade.settlement
    settlement.currency_code = "EUR"
    settlement.payment_reference = inv["number"]
    if company.get("iban"):
        means = PaymentMeans()
        means.type_code = "58"  # SEPA credit transfer
        means.payee_account.iban = company["iban"]
        settlement.payment_means.add(means)
    if inv.get("due_date"):
        terms = PaymentTerms()
        terms.due = dt.date.fromisoformat(inv["due_date"])
        settlement.terms.add(terms)
    if inv.get("credits"):
        settlement.invoice_referenced_document.issuer_assigned_id = inv["credits"]

    for row in inv["vat"]:
        tax = ApplicableTradeTax()
        tax.calculated_amount = Decimal(row["amount"])
        tax.basis_amount = Decimal(row["base"])
        tax.type_code = "VAT"
        tax.category_code = _category(Decimal(row["rate"]), exempt)
        if exempt:
            tax.exemption_reason = EXEMPTION
        tax.rate_applicable_percent = Decimal(row["rate"])
        settlement.trade_tax.add(tax)

    for line in inv["lines"]:
        if line["kind"] != "text":
            trade.items.add(_line_item(line, exempt))

    total = settlement.monetary_summation
    total.line_total = Decimal(inv["net"])
    total.charge_total = Decimal("0.00")
    total.allowance_total = Decimal("0.00")
    total.tax_basis_total = Decimal(inv["net"])
    total.tax_total = (Decimal(inv["tax"]), "EUR")
    total.grand_total = Decimal(inv["gross"])
    total.prepaid_total = Decimal(inv["paid"])
    total.due_amount = Decimal(inv["gross"]) - Decimal(inv["paid"])
    return doc.serialize(schema="FACTUR-X_EN16931")


def _line_item(line: dict, exempt: bool) -> LineItem:
    item = LineItem()
    item.document.line_id = str(line["position"])
    item.product.name = line["description"]
    if line.get("product"):
        item.product.seller_assigned_id = line["product"]
    qty, price, net = Decimal(line["qty"]), Decimal(line["unit_price"]), Decimal(line["net"])
    item.agreement.net.amount = price
    item.delivery.billed_quantity = (qty, "C62")
    discount = Decimal(line["discount"])
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
    item.settlement.trade_tax.category_code = _category(Decimal(line["vat_rate"]), exempt)
    item.settlement.trade_tax.rate_applicable_percent = Decimal(line["vat_rate"])
    if line.get("period_start"):
        item.settlement.period.start = dt.date.fromisoformat(line["period_start"])
        item.settlement.period.end = dt.date.fromisoformat(line["period_end"])
    item.settlement.monetary_summation.total_amount = net
    return item
