"""Countries as ISO 3166-1 alpha-2 codes (what EN 16931 requires, BR-CL-14), typed as a code or a name.

A user types "Allemagne", "États-Unis", "germany" or "DE"; the ledger stores
"DE". Names come from Babel's territory names in French and English (CLDR),
compared without case, accents, hyphens or apostrophes, plus a few usual
short forms. Babel is imported on first use only.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from koban_cli.errors import InvalidValue

HOME = "FR"
# The 27 member states (VAT territory; Greece is EL in VAT numbers, GR as a country).
EU = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
# Monaco belongs to the French VAT territory (convention of 1963): a sale there is a French sale.
FRENCH_VAT_TERRITORY = frozenset({"FR", "MC"})
_SHORT_FORMS = {"usa": "US", "etats unis d amerique": "US", "uk": "GB", "angleterre": "GB", "hollande": "NL"}


def _key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def _territories(lang: str) -> dict[str, str]:
    """CLDR's countries in `lang`, by code (regions such as EU or the UN left out)."""
    from babel import Locale

    return {
        code: name
        for code, name in Locale(lang).territories.items()
        if len(code) == 2 and code.isalpha() and code not in ("ZZ", "EU", "EZ", "UN", "QO")
    }


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for lang in ("en", "fr"):
        for code, name in _territories(lang).items():
            names.setdefault(_key(name), code)
    return names | _SHORT_FORMS


@lru_cache(maxsize=1)
def known_codes() -> frozenset[str]:
    """Every country code, read from one language only: a code typed as such needs no names."""
    return frozenset(_territories("en"))


def country_code(value: str | None) -> str:
    """The ISO alpha-2 code of a country typed as a code or a French or English name; "" stays France."""
    text = (value or "").strip()
    if not text:
        return HOME
    if len(text) == 2 and text.upper() in known_codes():
        return text.upper()
    code = _names().get(_key(text))
    if code is None:
        raise InvalidValue(f'country "{text}" is not a known country; give its ISO code (e.g. DE) or its name')
    return code


def stored_code(value: str | None) -> str:
    """The code of a country read from a ledger that may hold a name typed before codes were checked."""
    try:
        return country_code(value)
    except InvalidValue:
        return (value or HOME).strip()[:2].upper()


def country_name(code: str, lang: str = "fr") -> str:
    """The name of a country in a language: DE is "Allemagne" (or "Germany") under a foreign address."""
    from babel import Locale

    return Locale(lang).territories.get(code, code)


def in_eu(code: str) -> bool:
    return code in EU


def is_french(code: str) -> bool:
    return code in FRENCH_VAT_TERRITORY
