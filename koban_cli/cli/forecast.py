"""The forecast table: amounts per period with a bar each, a total row, and the late entries.

Drawn from the service's `Forecast` (Money and dates, totals included), formatted here by `output.plain`."""

from __future__ import annotations

import json
import sys
from dataclasses import fields

from koban_cli.cli.output import _EMPTY_VALUE, plain

BAR_WIDTH = 30


def periods(figures) -> list:
    """The periods as SPEC §11 prints them in JSON and CSV (`Period` records: period, orders, contracts, total)."""
    return list(figures.periods)


def as_json(figures) -> dict:
    """`invoice forecast --format json` (SPEC §11): the periods and the late entries."""
    return {"periods": periods(figures), "late": list(figures.late)}


def json_text(figures) -> str:
    """The text `output.emit_json(as_json(figures))` writes (indented, as for any record), made faster.

    Indented JSON has no C path in Python 3.11: the generic encoder walks the 100,000 values of 20,000
    late periods in Python, a quarter of a second. Here every value of every record goes through the C
    encoder in one call (with `plain` as its `default`, as emit_json does), separated by NUL, which
    can only appear escaped inside a string; the values then fill the indented layout of each record.
    tests/test_core_forecast_json.py proves the text is emit_json's on generated forecasts.
    """
    lists = as_json(figures)
    names = {key: [field.name for field in fields(rows[0])] if rows else [] for key, rows in lists.items()}
    flat = [getattr(row, name) for key, rows in lists.items() for row in rows for name in names[key]]
    texts: dict[int, str] = {}  # plain() of each object, once: the records share their Money and dates

    def text(value) -> str:  # `flat` keeps every value alive, so an id names one object throughout
        found = texts.get(id(value))
        if found is None:
            found = texts[id(value)] = plain(value)
        return found

    values = json.dumps(flat, ensure_ascii=False, default=text, separators=("\0", ":"))[1:-1].split("\0")
    if not flat:
        values = []
    items, at = [], 0
    for key, rows in lists.items():
        if not rows:
            items.append(f"  {json.dumps(key, ensure_ascii=False)}: []")
            continue
        record = (
            "    {\n"
            + ",\n".join(f"      {json.dumps(name, ensure_ascii=False)}: %s" for name in names[key])
            + "\n    }"
        )
        count = len(rows) * len(names[key])
        body = ",\n".join([record] * len(rows)) % tuple(values[at : at + count])
        items.append(f"  {json.dumps(key, ensure_ascii=False)}: [\n{body}\n  ]")
        at += count
    if at != len(values):  # a value that is not a scalar: a layout this does not know
        raise ValueError("the forecast's records hold a value that is not a scalar")
    return ("{\n" + ",\n".join(items) + "\n}").replace(_EMPTY_VALUE, ": null") + "\n"


def emit_json(figures) -> None:
    """`invoice forecast --format json`: what `output.emit_json(as_json(figures))` writes (see `json_text`)."""
    sys.stdout.write(json_text(figures))


def render(console, figures) -> None:
    """The forecast table, from the service's `Forecast` (services/orders/planning.figures)."""
    from rich.table import Table

    rows, total = figures.periods, figures.total
    peak = max((row.total.amount for row in rows), default=0)
    grid = Table(title="Billing forecast", show_footer=True, header_style="bold")
    grid.add_column("Period", footer="Total")
    for key, header in (("orders", "Orders"), ("contracts", "Contracts"), ("total", "Total")):
        grid.add_column(header, justify="right", no_wrap=True, footer=plain(getattr(total, key)))
    grid.add_column("")
    for row in rows:
        filled = int(row.total.amount / peak * BAR_WIDTH) if peak else 0
        grid.add_row(
            row.period, plain(row.orders), plain(row.contracts), plain(row.total), "[cyan]" + "█" * filled + "[/]"
        )
    console.print(grid)
    if figures.late:
        late = Table(
            title="Late (planned date passed or period due, not invoiced)", show_footer=True, header_style="bold red"
        )
        late.add_column("Order / contract", footer="Total")
        late.add_column("Date")
        late.add_column("Label")
        late.add_column("Amount", justify="right", footer=plain(figures.late_total))
        for row in figures.late:
            late.add_row(row.order or row.contract, plain(row.date), row.label, plain(row.amount))
        console.print(late)
