"""The FEC (fichier des écritures comptables, article A47 A-1 du LPF) and the fiscal year it covers.

A flat text file: a header line naming the 18 fields, then one line per entry line; fields separated by
a tab, records by CR LF; dates YYYYMMDD; amounts with a decimal comma and no thousands separator, debit
and credit in two columns (0,00 on the unused side); empty fields are empty. Encoded in ISO 8859-15, one
of the encodings the administration lists (BOI-CF-IOR-60-40-20); a character outside it is written
without its accent, else as "?". Named `<SIREN>FEC<closing date YYYYMMDD>.txt`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from koban_cli.domain.accounting import JOURNALS, Entry
from koban_cli.errors import InvalidValue

FIELDS = (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
    "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
    "ValidDate", "Montantdevise", "Idevise",
)  # fmt: skip
ENCODING = "iso-8859-15"
SEPARATOR = "\t"
NEWLINE = "\r\n"
_MM_DD = re.compile(r"^(\d{2})-(\d{2})$")


def check_year_end(text: str) -> str:
    """`MM-DD`, a day that exists every year (so never 02-29)."""
    text = text.strip()
    match = _MM_DD.match(text)
    try:
        if not match or text == "02-29":
            raise ValueError
        dt.date(2023, int(match.group(1)), int(match.group(2)))
    except ValueError:
        raise InvalidValue(f'--fiscal-year-end "{text}" must be MM-DD, a day every year has (e.g. 12-31)') from None
    return text


def fiscal_year(year: int, year_end: str) -> tuple[dt.date, dt.date]:
    """First and last day of the fiscal year that closes in `year`."""
    month, day = (int(part) for part in year_end.split("-"))
    end = dt.date(year, month, day)
    start = dt.date(year - 1, month, day) + dt.timedelta(days=1)
    return start, end


def fiscal_year_of(date: dt.date, year_end: str) -> int:
    """The year in which the fiscal year holding `date` closes."""
    _, end = fiscal_year(date.year, year_end)
    return date.year if date <= end else date.year + 1


def file_name(siren: str, closing: dt.date) -> str:
    return f"{siren}FEC{closing:%Y%m%d}.txt"


def amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def day(value: dt.date | None) -> str:
    return f"{value:%Y%m%d}" if value else ""


def text(value: str) -> str:
    """One field: no separator or line break inside, only characters the encoding has."""
    return "".join(_encodable(char) for char in re.sub(r"[\t\r\n]+", " ", value).strip())


def _encodable(char: str) -> str:
    try:
        char.encode(ENCODING)
        return char
    except UnicodeEncodeError:
        bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        return bare.encode(ENCODING, errors="replace").decode(ENCODING) or "?"


def rows(entries: list[Entry]) -> list[list[str]]:
    out = []
    for entry in entries:
        for line in entry.lines:
            out.append(
                [
                    entry.journal, JOURNALS[entry.journal], entry.number, day(entry.date), line.account,
                    text(line.label), text(line.auxiliary), text(line.auxiliary_label), text(entry.piece),
                    day(entry.date), text(entry.label), amount(line.debit), amount(line.credit), line.letter,
                    day(line.letter_date), day(entry.date), "", "",
                ]
            )  # fmt: skip
    return out


def render(entries: list[Entry]) -> bytes:
    lines = [SEPARATOR.join(FIELDS)] + [SEPARATOR.join(row) for row in rows(entries)]
    return (NEWLINE.join(lines) + NEWLINE).encode(ENCODING, errors="replace")
