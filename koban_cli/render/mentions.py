"""What an invoice page and its XML state about VAT and parties, from the context alone (no drafthorse here)."""

from __future__ import annotations

from koban_cli.domain import vat_regimes
from koban_cli.domain.countries import HOME, country_name, stored_code
from koban_cli.domain.kinds import LineKind
from koban_cli.domain.vat_regimes import VatRegime


def line_regimes(context: dict) -> dict[int, str]:
    """The regime of each priced line of an invoice by position: the frozen facts, else what koban stated before them
    (S or Z, E for a VAT-exempt company), so an invoice validated by an older koban prints as it did."""
    facts = context.get("facts") or {}
    exempt = bool(context["company"].get("vat_exempt"))
    out = {}
    for line in context["doc"].lines:
        if line.kind == LineKind.TEXT:
            continue
        frozen = (facts.get("lines") or {}).get(str(line.position))
        if frozen:
            out[line.position] = frozen["regime"]
        else:
            out[line.position] = VatRegime.E if exempt else (VatRegime.S if line.vat_rate else VatRegime.Z)
    return out


def regime_mentions(context: dict, lang: str) -> list[str]:
    """The legal texts of the regimes an invoice's lines bear (franchise, intra-EU, export, reverse charge...)."""
    regimes = line_regimes(context)
    return vat_regimes.mentions([regimes[position] for position in sorted(regimes)], lang)


def identifier(number: str | None) -> str:
    """A SIRET (14 digits) is printed as a SIRET, a SIREN as a SIREN."""
    return "SIRET" if number and len(number) == 14 else "SIREN"


def foreign_country(code: str | None, lang: str) -> str | None:
    """The country printed under an address outside France (none for France)."""
    country = stored_code(code or HOME)
    return None if country == HOME else country_name(country, lang)
