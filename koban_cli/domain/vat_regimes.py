"""Which VAT a line bears, and what the invoice must say about it: the one rule, for every document.

The regime follows from the seller (franchise en base), the buyer (country,
company or individual, VAT number) and what is sold (goods or services):

| regime | when | rate | EN 16931 category, exemption code |
| --- | --- | --- | --- |
| S | a sale in France (Monaco included), or to an EU individual or a business without VAT number, or a service to an individual outside the EU | the product's | S (Z at 0 %) |
| E | the seller is in franchise en base (art. 293 B du CGI) | 0 | E, VATEX-FR-FRANCHISE |
| K | goods to an EU business with a VAT number (art. 262 ter I du CGI) | 0 | K, VATEX-EU-IC |
| AE | services to an EU business with a VAT number (art. 283-2 and 259-1 du CGI) | 0 | AE, VATEX-EU-AE |
| G | goods exported outside the EU (art. 262 I du CGI) | 0 | G, VATEX-EU-G |
| O | services to a business outside the EU (art. 259-1 du CGI) | 0 | O, VATEX-EU-O |

A customer may force one regime for all its lines (`customer edit --vat-regime`);
the franchise en base always wins. EN 16931 forbids an "O" line beside lines of
another category (BR-O-11..14): on such a mixed invoice the out-of-scope
services are declared exempt (E) with the same legal text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from koban_cli.domain.countries import in_eu, is_french
from koban_cli.errors import InvalidValue

ZERO = Decimal(0)
AUTO = "auto"


class VatRegime(StrEnum):
    """A line's VAT regime (the table above); equal to the text stored in the frozen facts."""

    S = "S"
    Z = "Z"
    E = "E"
    K = "K"
    AE = "AE"
    G = "G"
    O = "O"  # noqa: E741 - the EN 16931 category's letter
    O_E = "O/E"  # an out-of-scope service beside other categories: declared exempt


CHOSEN = (VatRegime.S, VatRegime.K, VatRegime.AE, VatRegime.G, VatRegime.O)  # E comes from the company only


@dataclass(frozen=True)
class Regime:
    key: str
    category: str  # BT-118 / BT-151
    code: str | None = None  # VATEX exemption reason code, BT-121
    mention: str | None = None  # printed, and the exemption reason text BT-120 (French)
    mention_en: str | None = None
    buyer_vat_number: bool = False  # the buyer's VAT number is required and printed


REGIMES = {
    VatRegime.S: Regime("S", "S"),
    VatRegime.Z: Regime("Z", "Z"),
    VatRegime.E: Regime(
        "E",
        "E",
        "VATEX-FR-FRANCHISE",
        "TVA non applicable, art. 293 B du CGI",
        "VAT not applicable, art. 293 B of the French tax code (CGI)",
    ),
    VatRegime.K: Regime(
        "K",
        "K",
        "VATEX-EU-IC",
        "Exonération de TVA, article 262 ter I du CGI",
        "VAT exempt intra-Community supply of goods, art. 262 ter I CGI (art. 138 of Directive 2006/112/EC)",
        True,
    ),
    VatRegime.AE: Regime(
        "AE",
        "AE",
        "VATEX-EU-AE",
        "Autoliquidation (art. 283-2 et 259-1 du CGI)",
        "Reverse charge: VAT due by the customer (art. 196 of Directive 2006/112/EC)",
        True,
    ),
    VatRegime.G: Regime(
        "G",
        "G",
        "VATEX-EU-G",
        "Exonération de TVA, article 262 I du CGI",
        "VAT exempt export of goods outside the EU, art. 262 I CGI",
    ),
    VatRegime.O: Regime(
        "O",
        "O",
        "VATEX-EU-O",
        "TVA non applicable, prestation hors du champ de la TVA française (article 259-1 du CGI)",
        "Outside the scope of French VAT (art. 259-1 CGI)",
    ),
    # an out-of-scope service beside other categories (BR-O-11..14 forbid O there): exempt, same legal text
    VatRegime.O_E: Regime(
        "O/E",
        "E",
        None,
        "TVA non applicable, prestation hors du champ de la TVA française (article 259-1 du CGI)",
        "Outside the scope of French VAT (art. 259-1 CGI)",
    ),
}


def chosen_regime(value: str | None) -> VatRegime | None:
    """A customer's forced regime (`--vat-regime`): one of S, K, AE, G, O, or auto (None)."""
    if value is None or value.strip().lower() in ("", AUTO):
        return None
    key = value.strip().upper()
    if key not in CHOSEN:
        raise InvalidValue(f'VAT regime "{value}" must be one of {", ".join(CHOSEN)} or auto')
    return VatRegime(key)


def regime_of(
    seller_exempt: bool,
    country: str,
    individual: bool,
    buyer_vat_number: str,
    goods: bool,
    forced: str | None = None,
) -> VatRegime:
    """The regime of one line: see the table above."""
    if seller_exempt:
        return VatRegime.E
    if forced:
        return VatRegime(forced)
    if is_french(country):
        return VatRegime.S
    if in_eu(country):
        if individual or not buyer_vat_number:
            return VatRegime.S
        return VatRegime.K if goods else VatRegime.AE
    if goods:
        return VatRegime.G
    return VatRegime.S if individual else VatRegime.O


def line_regime(regime: str, rate: Decimal) -> VatRegime:
    """A line charged VAT is S whatever the buyer became since; S at 0 % is Z (zero rated)."""
    if rate:
        return VatRegime.S
    return VatRegime.Z if regime == VatRegime.S else VatRegime(regime)


def settled(regimes: list[str]) -> list[str]:
    """The regimes of a document's lines as EN 16931 accepts them together (O alone, else O/E)."""
    if VatRegime.O in regimes and set(regimes) != {VatRegime.O}:
        return [VatRegime.O_E if key == VatRegime.O else key for key in regimes]
    return regimes


def operation(goods_flags: list[bool]) -> str:
    """The category of the operation (décret 2022-1299): goods, services or mixed."""
    if goods_flags and all(goods_flags):
        return "goods"
    if not any(goods_flags):
        return "services"
    return "mixed"


def mentions(regimes: list[str], lang: str = "fr") -> list[str]:
    """The legal texts a document prints, once each, in the order its lines first need them."""
    out: list[str] = []
    for key in regimes:
        regime = REGIMES[key]
        text = regime.mention if lang == "fr" else regime.mention_en
        if text and text not in out:
            out.append(text)
    return out
