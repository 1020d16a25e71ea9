"""Document numbers: `FA-2026-0001`, made from a company pattern and prefixes."""

from __future__ import annotations

import re

from koban_cli.errors import InvalidValue

DEFAULT_PATTERN = "{prefix}-{year}-{seq:04d}"

DEFAULT_PREFIXES = {
    "quote": "DE",
    "order": "CO",
    "invoice": "FA",
    "credit_note": "AV",
    "delivery": "BL",
    "contract": "AB",
    "project": "AF",
    "purchase": "CF",
}

# BR-FR-01/02: at most 35 characters of letters, digits and - + _ /
_ALLOWED = re.compile(r"^[A-Za-z0-9\-+_/]{1,35}$")


def format_number(pattern: str, prefix: str, year: int, seq: int) -> str:
    try:
        number = pattern.format(prefix=prefix, year=year, seq=seq)
    except (KeyError, IndexError, ValueError) as exc:
        raise InvalidValue(
            f'number pattern "{pattern}" is not valid ({exc}); use {{prefix}}, {{year}}, {{seq}}'
        ) from None
    if not _ALLOWED.match(number):
        raise InvalidValue(
            f'number "{number}" must be at most 35 letters, digits or - + _ / (check the pattern "{pattern}")'
        )
    return number


def check_pattern(pattern: str) -> str:
    format_number(pattern, "FA", 2026, 1)
    if "{seq" not in pattern:
        raise InvalidValue(f'number pattern "{pattern}" must contain {{seq}}')
    return pattern


def check_prefix(prefix: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9]{1,10}", prefix):
        raise InvalidValue(f'prefix "{prefix}" must be 1 to 10 letters or digits')
    return prefix


def provisional_ref(invoice_id: int) -> str:
    return f"PROV-{invoice_id}"
