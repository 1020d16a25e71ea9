"""Checks on identity fields shared by the company, customers and suppliers."""

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
    compact = re.sub(r"\s", "", value)
    if compact and not re.fullmatch(r"\d{9}|\d{14}", compact):
        raise InvalidValue(f'SIREN "{value}" must be 9 digits (or a 14-digit SIRET)')
    return compact


def vat_number(value: str) -> str:
    compact = re.sub(r"\s", "", value).upper()
    if compact and not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{2,13}", compact):
        raise InvalidValue(f'VAT number "{value}" must be a country code and 2 to 13 letters or digits (FR12345678901)')
    return compact


def email(value: str) -> str:
    value = value.strip()
    if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise InvalidValue(f'email "{value}" is not an email address')
    return value


def days(value: int | None, what: str = "payment terms") -> int | None:
    if value is not None and not 0 <= value <= 365:
        raise InvalidValue(f'{what} "{value}" must be from 0 to 365 days')
    return value


def existing_path(value: str, what: str, kind: str) -> str:
    """An absolute path to an existing file or folder, so documents find it from anywhere."""
    from pathlib import Path

    path = Path(value).expanduser().resolve()
    if not (path.is_file() if kind == "file" else path.is_dir()):
        raise InvalidValue(f'--{what} "{value}" is not an existing {kind}')
    return str(path)


def apply(record, changes: dict) -> None:
    """Set every given field (None means "not given")."""
    for key, value in changes.items():
        if value is not None:
            setattr(record, key, value)
