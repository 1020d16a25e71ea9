"""Reading CSV files as spreadsheets write them.

UTF-8 with or without BOM, else Windows-1252; `,` `;` or tab, detected from
the header line; header names in English or French, case, accents and
spacing ignored; numbers with a decimal comma or point and thousands
separators; dates ISO, DD/MM/YYYY or spreadsheet serial numbers. Line
numbers are those a spreadsheet shows: the header is line 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Iterator

from koban_cli.errors import InvalidValue


@dataclass(frozen=True)
class Problem:
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        """One line of text, whatever the cell held (a line break in a cell is shown as `\\n`)."""
        where = f'line {self.line}, column "{self.column}"' if self.column else f"line {self.line}"
        return f"{where}: {_visible(self.message)}"


def _visible(text: str) -> str:
    return "".join(
        ch.encode("unicode_escape").decode() if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text
    )


def normalize(name: str) -> str:
    """`Prix unitaire HT` -> `prix_unitaire_ht`; `Référence` -> `reference`."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def decode(data: bytes, encoding: str | None = None) -> str:
    if b"\x00" in data[:4096]:
        raise InvalidValue("the file is not a CSV text file (it holds binary data)")
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise InvalidValue(f'--encoding "{encoding}" is not an encoding Python knows') from None
        except UnicodeDecodeError as exc:
            raise InvalidValue(f"the file is not {encoding}: byte {exc.start} cannot be read") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def rows(text: str, delimiter: str | None = None) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header, and the data rows streamed with their spreadsheet line numbers (empty rows skipped)."""
    header, records = table(text, delimiter)
    return header, _records(records)


def table(text: str, delimiter: str | None = None) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header, and every record after it with its spreadsheet line number, as the reader gives them:
    empty rows included (see `blank`), a malformed file raising `Malformed` as the reader meets it (see
    `unreadable`). For a loop that skips them itself, only where it must (`rows` does both for each row)."""
    first = _first_line(text)
    if not first:
        raise InvalidValue("the file is empty")
    if delimiter is None:
        delimiter = max((",", ";", "\t"), key=first.count)
        if first.count(delimiter) == 0:
            delimiter = ","
    elif len(delimiter) != 1:
        raise InvalidValue(f'--delimiter "{delimiter}" must be one character')
    records = enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)
    header = next(_records(records), None)  # the first row that is not empty; `records` goes on after it
    if header is None:
        raise InvalidValue("the file has no header line (it holds only separators)")
    return [cell.strip() for cell in header[1]], records


def _first_line(text: str) -> str:
    """The first line that holds more than spaces (as `text.splitlines()` cuts lines), or "": read from the
    start of the text, not the whole file."""
    size = 4096
    while True:
        head = text[:size]
        lines = head.splitlines()
        whole = len(head) == len(text)
        for index, line in enumerate(lines):
            if line.strip():
                if whole or index < len(lines) - 1:  # the last line of a cut head may go on after it
                    return line
                break
        else:
            if whole:
                return ""
        size *= 4


def blank(record: list[str]) -> bool:
    """An empty row: no cell holds more than spaces."""
    return not (record and (record[0].strip() or "".join(record).strip()))


Malformed = csv.Error  # what reading a record of a malformed file raises


def unreadable(error: csv.Error) -> InvalidValue:
    """The problem of a malformed file, as the reader met it."""
    return InvalidValue(f"the file is not a readable CSV: {error}")


def _records(records: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    try:
        for number, record in records:
            if not blank(record):
                yield number, record
    except csv.Error as exc:
        raise unreadable(exc) from None


_SPACES = re.compile(r"[\s\u00a0\u202f'€]")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def number(text: str) -> Decimal:
    """`1 250,00`, `1.250,00`, `1,250.00`, `12.5` -> Decimal; ValueError otherwise."""
    raw = _SPACES.sub("", text)
    if "," in raw and "." in raw:
        decimal_mark = "," if raw.rfind(",") > raw.rfind(".") else "."
        raw = raw.replace("." if decimal_mark == "," else ",", "")
    raw = raw.replace(",", ".")
    if not _DECIMAL.fullmatch(raw):
        raise ValueError(f'"{text}" is not a number')
    return Decimal(raw)


# Spreadsheets count days from 1899-12-30 (Excel's 1900 system, its phantom 29 February 1900 included):
# a date cell exported without its format reads 45658 for 2025-01-01. Five digits cover 1927 to 2173,
# and no other date form is five bare digits, so there is no ambiguity.
SPREADSHEET_EPOCH = dt.date(1899, 12, 30)
_SERIAL = re.compile(r"(\d{5})([.,]\d+)?")  # a fraction is a time of day: the date is what counts


@lru_cache(maxsize=4096)
def day(text: str) -> dt.date:
    """`2026-11-27`, `27/11/2026`, `27/11/26`, `27.11.2026` or a spreadsheet serial (`45658`) -> date."""
    raw = text.strip()
    if len(raw) == 10 and raw[4] == "-":
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    serial = _SERIAL.fullmatch(raw)
    if serial:
        return SPREADSHEET_EPOCH + dt.timedelta(days=int(serial[1]))
    for pattern in ("%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValueError(f'"{text}" is not a date (YYYY-MM-DD, DD/MM/YYYY or a spreadsheet date number like 45658)')


TRUE = {"1", "yes", "y", "oui", "o", "true", "vrai", "x"}
FALSE = {"0", "no", "n", "non", "false", "faux", ""}


def flag(text: str) -> bool:
    value = normalize(text)
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError(f'"{text}" is not yes or no')
