"""The forecast table: amounts per period with a bar each, a total row, and the late entries.

Drawn from the service's `Forecast` (Money and dates, totals included), formatted here by `output.plain`."""

from __future__ import annotations

from koban_cli.cli.output import plain

BAR_WIDTH = 30


def periods(figures) -> list:
    """The periods as SPEC §11 prints them in JSON and CSV (`Period` records: period, orders, contracts, total)."""
    return list(figures.periods)


def as_json(figures) -> dict:
    """`invoice forecast --format json` (SPEC §11): the periods and the late entries."""
    return {"periods": periods(figures), "late": list(figures.late)}


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
