"""The identity of the company, customers, suppliers and products, checked: codes, names, identifiers.

Identifiers are checked for real with python-stdnum (check digits, not only
lengths): SIREN and SIRET (Luhn), French VAT numbers (key of the SIREN), EU
VAT numbers of every member state, IBAN (mod 97) and BIC.
"""

from __future__ import annotations

import re
import unicodedata

from koban_cli.errors import InvalidValue

# Letters of any script (ŒUF, MÜLLER, 東京), digits and a few separators; the first is a letter or a digit.
_CODE = re.compile(r"[^\W_][\w.\-/+]{0,34}")


def code(value: str, what: str = "code") -> str:
    # NFC, so a code typed with a combining accent (E + U+0301) is the same code as one typed with É
    value = unicodedata.normalize("NFC", value.strip())
    if not _CODE.fullmatch(value):
        raise InvalidValue(f'{what} "{value}" must be 1 to 35 letters, digits or . _ - / + (no spaces)')
    return value


def name(value: str, what: str = "name") -> str:
    if not value or not value.strip():
        raise InvalidValue(f"{what} must not be empty")
    if len(value) > 200:
        raise InvalidValue(f"{what} is longer than 200 characters")
    return value.strip()


def siren(value: str) -> str:
    """A SIREN (9 digits) or a SIRET (14 digits: the SIREN and an establishment), check digit included."""
    from stdnum.fr import siren as fr_siren
    from stdnum.fr import siret as fr_siret

    compact = re.sub(r"[\s.]", "", value)
    if not compact:
        return compact
    if not re.fullmatch(r"\d{9}|\d{14}", compact):
        raise InvalidValue(f'SIREN "{value}" must be 9 digits (or a 14-digit SIRET)')
    if len(compact) == 9 and not fr_siren.is_valid(compact):
        raise InvalidValue(f'SIREN "{value}" is not a valid SIREN (its check digit is wrong)')
    if len(compact) == 14 and not fr_siret.is_valid(compact):
        raise InvalidValue(f'SIRET "{value}" is not a valid SIRET (its check digit is wrong)')
    return compact


def vat_number(value: str) -> str:
    """An EU VAT number (FR + key + SIREN, DE + 9 digits, ...) with its check digits; EL for Greece."""
    from stdnum.eu import vat

    compact = re.sub(r"[\s.\-]", "", value).upper()
    if not compact:
        return compact
    if not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{2,13}", compact):
        raise InvalidValue(f'VAT number "{value}" must be a country code and 2 to 13 letters or digits (FR12345678901)')
    if compact[:2].lower() in vat.MEMBER_STATES or compact[:2] == "EL":
        if not vat.is_valid(compact):
            raise InvalidValue(f'VAT number "{value}" is not a valid {compact[:2]} VAT number (check its digits)')
    return compact


def siren_of(value: str) -> str:
    """The SIREN of a SIREN or a SIRET (its first 9 digits)."""
    return (value or "")[:9]


def iban(value: str) -> str:
    from stdnum import iban as std_iban

    compact = re.sub(r"\s", "", value).upper()
    if compact and not std_iban.is_valid(compact):
        raise InvalidValue(f'IBAN "{value}" is not a valid IBAN (check its length and its key)')
    return compact


def bic(value: str) -> str:
    from stdnum import bic as std_bic

    compact = re.sub(r"\s", "", value).upper()
    if compact and not std_bic.is_valid(compact):
        raise InvalidValue(f'BIC "{value}" is not a valid BIC (8 or 11 letters and digits, e.g. AGRIFRPP)')
    return compact


def country(value: str) -> str:
    from koban_cli.domain.countries import country_code

    return country_code(value)


def customer_kind(value: str) -> str:
    kind = value.strip().lower()
    aliases = {
        "company": "company",
        "entreprise": "company",
        "societe": "company",
        "société": "company",
        "individual": "individual",
        "particulier": "individual",
        "b2c": "individual",
        "b2b": "company",
    }
    if kind not in aliases:
        raise InvalidValue(f'customer kind "{value}" must be company or individual')
    return aliases[kind]


def vat_regime(value: str) -> str:
    """A forced regime, or "" for the derived one (auto)."""
    from koban_cli.domain.vat_regimes import chosen_regime

    return chosen_regime(value) or ""


def email(value: str) -> str:
    value = value.strip()
    if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise InvalidValue(f'email "{value}" is not an email address')
    return value


def days(value: int | None, what: str = "payment terms") -> int | None:
    if value is not None and not 0 <= value <= 365:
        raise InvalidValue(f'{what} "{value}" must be from 0 to 365 days')
    return value
