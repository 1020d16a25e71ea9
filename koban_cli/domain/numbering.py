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


def check_pattern(pattern: str, global_sequence: bool = False) -> str:
    """A pattern that gives every document a number of its own, across years too.

    With `{year}` each year has its own sequence; without it, the sequence must
    be declared global (it then never restarts), else FA-0001 would come back
    every January.
    """
    format_number(pattern, "FA", 2026, 1)
    if "{seq" not in pattern:
        raise InvalidValue(f'number pattern "{pattern}" must contain {{seq}}')
    has_year = "{year" in pattern
    if global_sequence and has_year:
        raise InvalidValue(
            f'number pattern "{pattern}" has {{year}} but the sequence is global; '
            "remove {year}, or number per year with --yearly-sequence"
        )
    if not global_sequence and not has_year:
        raise InvalidValue(
            f'number pattern "{pattern}" has no {{year}}: numbers would come back every year; '
            "add {year}, or declare one sequence for all years with --global-sequence"
        )
    return pattern


GLOBAL = 0  # the `year` of the one sequence a global pattern uses


def sequence_year(date_year: int, global_sequence: bool) -> int:
    return GLOBAL if global_sequence else date_year


def check_prefix(prefix: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9]{1,10}", prefix):
        raise InvalidValue(f'prefix "{prefix}" must be 1 to 10 letters or digits')
    return prefix


def provisional_ref(invoice_id: int) -> str:
    return f"PROV-{invoice_id}"
