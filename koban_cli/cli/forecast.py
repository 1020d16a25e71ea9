"""The forecast table: amounts per period with a bar each, a total row, and the late entries.

Drawn from the service's figures (Decimals, totals included), formatted here once."""

from __future__ import annotations

from rich.table import Table

from koban_cli.domain.values import date_str
from koban_cli.domain.values import money_str as _money

BAR_WIDTH = 30


def periods(figures) -> list[dict]:
    """The periods as SPEC §11 prints them in JSON and CSV."""
    return [
        {
            "period": row.period,
            "orders": _money(row.orders),
            "contracts": _money(row.contracts),
            "total": _money(row.total),
        }
        for row in figures.periods
    ]


def as_json(figures) -> dict:
    """`invoice forecast --format json` (SPEC §11): the periods and the late entries, money as strings."""
    late = [
        {
            "order": row.order,
            "contract": row.contract,
            "date": date_str(row.date),
            "amount": _money(row.amount),
            "label": row.label,
        }
        for row in figures.late
    ]
    return {"periods": periods(figures), "late": late}


def render(console, figures) -> None:
    """The forecast table, from the service's `Forecast` (services.planning.figures)."""
    rows, total = figures.periods, figures.total
    peak = max((row.total for row in rows), default=0)
    grid = Table(title="Billing forecast", show_footer=True, header_style="bold")
    grid.add_column("Period", footer="Total")
    for key, header in (("orders", "Orders"), ("contracts", "Contracts"), ("total", "Total")):
        grid.add_column(header, justify="right", no_wrap=True, footer=_money(getattr(total, key)))
    grid.add_column("")
    for row in rows:
        filled = int(row.total / peak * BAR_WIDTH) if peak else 0
        grid.add_row(
            row.period, _money(row.orders), _money(row.contracts), _money(row.total), "[cyan]" + "█" * filled + "[/]"
        )
    console.print(grid)
    if figures.late:
        late = Table(
            title="Late (planned date passed or period due, not invoiced)", show_footer=True, header_style="bold red"
        )
        late.add_column("Order / contract", footer="Total")
        late.add_column("Date")
        late.add_column("Label")
        late.add_column("Amount", justify="right", footer=_money(figures.late_total))
        for row in figures.late:
            late.add_row(row.order or row.contract, date_str(row.date), row.label, _money(row.amount))
        console.print(late)
