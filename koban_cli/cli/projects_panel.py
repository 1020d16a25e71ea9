"""A project's panel: figures and a bar of cost against price."""

from __future__ import annotations

from decimal import Decimal

from rich.markup import escape
from rich.panel import Panel

from koban_cli.cli import output
from koban_cli.cli.params import Format
from koban_cli.cli.projects import TASKS

WIDTH = 40


def render(console, view: dict) -> None:
    price, cost = Decimal(view["price"]), Decimal(view["cost"])
    scale = max(price, cost) or Decimal(1)
    price_bar = "█" * int(price / scale * WIDTH)
    colour = "red" if cost > price else "green"
    cost_bar = "█" * int(cost / scale * WIDTH)
    pct = f" ({view['margin_pct']} %)" if view["margin_pct"] is not None else ""
    hours = view["hours"] + (f" of {view['planned_hours']} planned" if view["planned_hours"] else "")
    body = "\n".join(
        [
            f"[bold]{escape(view['name'])}[/] — {view['customer']}"
            + (f" — order {view['order']}" if view["order"] else ""),
            "",
            f"Price          {view['price']:>12}   [blue]{price_bar}[/]",
            f"Cost           {view['cost']:>12}   [{colour}]{cost_bar}[/]",
            f"  labour       {view['labour_cost']:>12}",
            f"  purchases    {view['purchase_cost']:>12}",
            f"[bold]Margin         {view['margin']:>12}{pct}[/]",
            f"Invoiced       {view['invoiced']:>12}",
            f"Hours          {hours:>12}",
        ]
    )
    console.print(Panel(body, title=f"[bold]{view['number']}[/]", expand=False))
    if view["tasks"]:
        output.show_rows(view["tasks"], TASKS, Format.table, "Tasks")
