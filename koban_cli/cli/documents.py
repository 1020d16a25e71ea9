"""Table view of a quote, order or invoice: header, lines, VAT and totals.

Rich's console and tables are imported when a table is drawn: a `show` that
prints JSON or CSV never loads them.
"""

from __future__ import annotations

from dataclasses import is_dataclass

from koban_cli.cli.output import fields_of, plain
from koban_cli.domain.kinds import LineKind

LINE_COLUMNS = (
    ("#", "position"),
    ("Product", "product"),
    ("Description", "description"),
    ("Qty", "qty"),
    ("Unit price", "unit_price"),
    ("Disc. %", "discount"),
    ("VAT %", "vat_rate"),
    ("Net", "net"),
)
HEADER_SKIP = {"lines", "vat", "net", "tax", "gross"}


def render(console, document, extra_columns: tuple[tuple[str, str], ...] = ()) -> None:
    """`document` is a document's typed view (services/*/view.py): a dataclass whose lines are dataclasses."""
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    view = fields_of(document)
    title = view.get("number") or view.get("ref")
    facts = [
        f"[bold]{k.replace('_', ' ')}[/]: {escape(_text(v))}"
        for k, v in view.items()
        if k not in HEADER_SKIP and not _empty(v) and not _table(v)
    ]
    console.print(Panel("\n".join(facts), title=f"[bold]{escape(str(title))}[/]", expand=False))
    lines = Table(header_style="bold", show_lines=False)
    columns = LINE_COLUMNS + extra_columns
    for header, key in columns:
        numeric = key not in ("product", "description")
        lines.add_column(header, justify="right" if numeric else "left", no_wrap=numeric)
    for line in map(fields_of, view["lines"]):
        if line["kind"] == LineKind.TEXT:
            cells = [str(line["position"]), "", f"[italic]{escape(line['description'])}[/]"]
            cells += [""] * (len(columns) - 3)
        else:
            cells = [escape(_text(line.get(key))) for _, key in columns]
            comment = f"\n[dim]{escape(line['comment'])}[/]" if line.get("comment") else ""
            cells[2] = escape(line["description"]) + comment
        lines.add_row(*cells)
    console.print(lines)
    totals = Table(show_header=True, header_style="bold", box=None)
    for header in ("VAT %", "Base", "VAT"):
        totals.add_column(header, justify="right")
    for row in view["vat"]:
        totals.add_row(_text(row.rate), _text(row.base), _text(row.amount))
    totals.add_row("", "[bold]Net[/]", f"[bold]{_text(view['net'])}[/]")
    totals.add_row("", "VAT", _text(view["tax"]))
    totals.add_row("", "[bold]Gross[/]", f"[bold]{_text(view['gross'])}[/]")
    console.print(totals)


def _empty(value) -> bool:
    """Nothing to show: no value, or an empty text or list (an amount of 0.00 is shown)."""
    return value is None or (isinstance(value, (str, list, tuple)) and not value)


def _table(value) -> bool:
    """A list of records: drawn as its own table, never as text in the header."""
    return isinstance(value, (list, tuple)) and any(isinstance(item, dict) or is_dataclass(item) for item in value)


def _text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    if value is None:
        return ""
    return value if isinstance(value, str) else str(plain(value))
