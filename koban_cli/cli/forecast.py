"""The forecast table: amounts per period with a bar each, a total row, and the late entries."""

from __future__ import annotations

from decimal import Decimal

from rich.table import Table

BAR_WIDTH = 30


def render(console, result: dict) -> None:
    periods = result["periods"]
    peak = max((Decimal(row["total"]) for row in periods), default=Decimal(0))
    grid = Table(title="Billing forecast", show_footer=True, header_style="bold")
    grid.add_column("Period", footer="Total")
    for key, header in (("orders", "Orders"), ("contracts", "Contracts"), ("total", "Total")):
        grid.add_column(
            header, justify="right", no_wrap=True, footer=f"{sum(Decimal(row[key]) for row in periods):.2f}"
        )
    grid.add_column("")
    for row in periods:
        filled = int(Decimal(row["total"]) / peak * BAR_WIDTH) if peak else 0
        grid.add_row(row["period"], row["orders"], row["contracts"], row["total"], "[cyan]" + "█" * filled + "[/]")
    console.print(grid)
    if result["late"]:
        late = Table(
            title="Late (planned date passed or period due, not invoiced)", show_footer=True, header_style="bold red"
        )
        late.add_column("Order / contract", footer="Total")
        late.add_column("Date")
        late.add_column("Label")
        late.add_column(
            "Amount", justify="right", footer=f"{sum(Decimal(row['amount']) for row in result['late']):.2f}"
        )
        for row in result["late"]:
            late.add_row(row["order"] or row["contract"], row["date"], row["label"], row["amount"])
        console.print(late)
