"""The one way results reach stdout: a Rich table or panel, JSON, or CSV.

Services hand over typed values (frozen dataclasses holding Money, Decimal,
dates and enums, or plain dicts of them); they become text here, once, by
`plain`: money with two decimals, quantities and rates without useless zeros,
ISO dates, field by field in the dataclass's order (SPEC §11 shapes).

JSON writes `null` for a missing value (SPEC §11). CSV is meant to be opened in a
spreadsheet, so a text cell that a spreadsheet would run as a formula (it starts
with `=`, `+`, `-`, `@`, a tab or a carriage return: CSV injection, OWASP) gets a
leading `'`; numbers are left alone. `KOBAN_CSV_RAW=1` writes cells as stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import sys
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal

from koban_cli.cli.params import Format
from koban_cli.domain.money import Money
from koban_cli.domain.values import number_str, round_money


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    numeric: bool = False
    total: bool = False  # summed on the total row


def console():
    """Rich console; when piped, wide enough that tables are never squeezed."""
    from rich.console import Console

    width = None if sys.stdout.isatty() else 200
    return Console(soft_wrap=False, width=width)


def plain(value):
    """A typed value as JSON and CSV carry it (the encoder's `default`: called for what JSON has no type for)."""
    if isinstance(value, Money):
        return str(value)
    if isinstance(value, Decimal):
        return number_str(value)
    if isinstance(value, dt.datetime):  # a moment, in UTC to the second (SQLite hands it back naive)
        moment = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if is_dataclass(value):
        return fields_of(value)
    return str(value)


_NAMES: dict[type, tuple[str, ...]] = {}  # the field names of each dataclass, found once


def fields_of(value) -> dict:
    """A dataclass's fields in order (a dict is already one)."""
    if isinstance(value, dict):
        return value
    names = _NAMES.get(type(value))
    if names is None:
        names = _NAMES[type(value)] = tuple(field.name for field in fields(value))
    return {name: getattr(value, name) for name in names}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    return plain(value)


def _scalars(row) -> dict:
    return {k: v for k, v in fields_of(row).items() if not _nested(v)}


def _nested(value) -> bool:
    """A list, a record or a list of records: not a cell (Money is a value, not a record)."""
    return isinstance(value, (list, tuple, dict)) or (is_dataclass(value) and not isinstance(value, Money))


def _amount(value) -> Decimal:
    """A cell's amount as printed (to the cent), so a total is the sum of the cells above it."""
    return round_money(value.amount if isinstance(value, Money) else Decimal(value))


# Text fields are stored as "" when not given; in JSON a missing value is null (SPEC §11). The swap is made
# on the encoded text, as fast as the encoding itself on 50,000 orders (a walk over the rows took longer than
# the encoding): a value is always written after ": ", and inside a string every quote is escaped, so `: ""`
# can only be an empty value.
_EMPTY_VALUE = ': ""'


def emit_json(data) -> None:
    """Indented for a person at a terminal; a list piped to a script is one compact array (fast at any size)."""
    indent = 2 if sys.stdout.isatty() or not isinstance(data, list) else None
    sys.stdout.write(json_text(data, indent))


def json_text(data, indent: int | None) -> str:
    """The JSON text of `data`: an object of lists of flat records (the forecast's 20,000 late periods)
    takes the fast path below, anything else Python's encoder."""
    text = _record_lists(data) if indent == 2 else None
    if text is None:
        text = json.dumps(data, ensure_ascii=False, indent=indent, default=plain)
    return text.replace(_EMPTY_VALUE, ": null") + "\n"


def _record_lists(data) -> str | None:
    """What `json.dumps(data, indent=2, default=plain)` writes when `data` is an object whose values are
    lists of flat records (dataclasses of scalars), made faster; None for any other shape.

    Indented JSON has no C path in Python 3.11: the generic encoder walks every value in Python. Here the
    values of all records go through the C encoder in one call, separated by NUL (which only appears
    escaped inside a string), then fill each record's indented layout; a value that is not a scalar
    shows as a wrong count and the generic encoder takes over. tests/test_cli_output.py compares both."""
    if not isinstance(data, dict) or not all(isinstance(rows, list) for rows in data.values()):
        return None
    names = {}
    for key, rows in data.items():
        kinds = {type(row) for row in rows}
        if len(kinds) > 1 or (rows and not is_dataclass(rows[0])):
            return None
        names[key] = [field.name for field in fields(rows[0])] if rows else []
        if rows and not names[key]:
            return None
    flat = [getattr(row, name) for key, rows in data.items() for row in rows for name in names[key]]
    texts: dict[int, str] = {}  # plain() of each object once: records share their Money and dates

    def text(value) -> str:  # `flat` keeps every value alive, so an id names one object throughout
        found = texts.get(id(value))
        if found is None:
            found = texts[id(value)] = plain(value)
        return found

    values = json.dumps(flat, ensure_ascii=False, default=text, separators=("\0", ":"))[1:-1].split("\0")
    if len(values) != len(flat) and flat:
        return None
    items, at = [], 0
    for key, rows in data.items():
        label = json.dumps(key, ensure_ascii=False)
        if not rows:
            items.append(f"  {label}: []")
            continue
        record = (
            "    {\n" + ",\n".join(f"      {json.dumps(n, ensure_ascii=False)}: %s" for n in names[key]) + "\n    }"
        )
        count = len(rows) * len(names[key])
        items.append(f"  {label}: [\n" + ",\n".join([record] * len(rows)) % tuple(values[at : at + count]) + "\n  ]")
        at += count
    return "{\n" + ",\n".join(items) + "\n}" if items else "{}"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def raw_csv() -> bool:
    """`KOBAN_CSV_RAW=1`: cells exactly as stored, for a script that will not open them in a spreadsheet."""
    return os.environ.get("KOBAN_CSV_RAW", "").strip().lower() not in ("", "0", "no", "false")


def safe_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: a formula-looking value gets a leading `'` (`-12.50` stays a number)."""
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def emit_csv(rows: list[dict], fields: list[str] | None = None) -> None:
    """A header line (always, `fields` when there are no rows), then one line per row."""
    records = [fields_of(row) for row in rows]
    header = list(_scalars(records[0])) if records else list(fields or [])
    starts = () if raw_csv() else FORMULA_STARTS  # `text.startswith(())` is never true

    def cell(value) -> str:  # a nested value is no cell: the row's cell is empty
        text = "" if _nested(value) else _cell(value)
        return safe_cell(text) if starts else text

    # The cells of all rows in one pass: a text that needs nothing (most of them) is taken as it is, inline.
    cells = [
        [v if v.__class__ is str and not v.startswith(starts) else cell(v) for v in map(row.get, header)]
        for row in records
    ]
    # Lines end with "\n". Python 3.11 quotes only the line terminator's characters, so a cell holding a lone
    # "\r" must be quoted as if the terminator were "\r\n": when one does (the text then holds a "\r"), the
    # lines are written one by one with "\r\n", and the "\r" dropped from each end.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(header)
    writer.writerows(cells)
    text = buffer.getvalue()
    if "\r" in text:
        text = "".join(_crlf_lines(([header] if header else []) + cells))
    sys.stdout.write(text)


def _crlf_lines(lines: list[list[str]]):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for cells in lines:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        yield buffer.getvalue()[:-2] + "\n"


def table(rows: list, columns: list[Col], title: str | None = None, negative=None):
    """A Rich table; amounts right-aligned, summed on a total row (`negative(row)` subtracts a row)."""
    from rich.table import Table

    rows = [fields_of(row) for row in rows]
    grid = Table(title=title, show_footer=any(col.total for col in columns), header_style="bold")
    for col in columns:
        footer = ""
        if col.total:
            amounts = (
                _amount(row[col.key]) * (-1 if negative and negative(row) else 1) for row in rows if row.get(col.key)
            )
            footer = f"{sum(amounts, Decimal(0)):.2f}"
        elif col is columns[0]:
            footer = "Total"
        grid.add_column(col.header, justify="right" if col.numeric else "left", footer=footer, no_wrap=col.numeric)
    for row in rows:
        grid.add_row(*(_cell(row.get(col.key)) for col in columns))
    return grid


def show_rows(
    rows: list[dict],
    columns: list[Col],
    fmt: Format,
    title: str | None = None,
    empty: str = "Nothing to show.",
    negative=None,
    fields: list[str] | None = None,
) -> None:
    """Every list command prints through here.

    An empty CSV list still prints its header: `fields` (the keys of a row) when the command gives them,
    else the table's columns.
    """
    if fmt == Format.json:
        emit_json(rows)
    elif fmt == Format.csv:
        emit_csv(rows, fields or [col.key for col in columns])
    elif not rows:
        console().print(empty)
    else:
        console().print(table(rows, columns, title, negative))


def show_record(record, fmt: Format, render=None) -> None:
    """Every show command prints through here; `render` draws the table view."""
    if fmt == Format.json:
        emit_json(record)
    elif fmt == Format.csv:
        emit_csv([record])
    elif render is not None:
        render(console(), record)
    else:
        from rich.panel import Panel

        body = "\n".join(f"[bold]{k}[/]: {_escape(_cell(v))}" for k, v in _scalars(record).items())
        console().print(Panel(body, expand=False))


def created(result, fmt: Format, message: str | None = None) -> None:
    """What a command that creates or numbers a document prints."""
    if fmt == Format.json:
        emit_json(result)
    else:
        result = fields_of(result)
        sys.stdout.write((message or result.get("number") or result.get("ref") or "") + "\n")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
