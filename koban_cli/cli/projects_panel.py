"""How a project is shown: its list columns, its JSON/CSV record, and its panel of figures with a bar of cost
against price. The service gives values (Decimal money); they are formatted here, once."""

from __future__ import annotations

from decimal import Decimal

from koban_cli.cli import output
from koban_cli.cli.output import Col
from koban_cli.cli.params import Format
from koban_cli.domain.values import date_str, number_str

WIDTH = 40
COLUMNS = [
    Col("number", "Project"),
    Col("name", "Name"),
    Col("customer", "Customer"),
    Col("price", "Price", numeric=True, total=True),
    Col("cost", "Cost", numeric=True, total=True),
    Col("margin", "Margin", numeric=True, total=True),
    Col("margin_pct", "Margin %", numeric=True),
]
TASKS = [
    Col("position", "#", numeric=True),
    Col("title", "Task"),
    Col("due", "Due"),
    Col("assignee", "Who"),
    Col("hours", "Hours", numeric=True),
    Col("done", "Done"),
    Col("overdue", "Overdue"),
]


def summary_record(summary) -> dict:
    """A project's row (`project list`) as JSON and CSV give it."""
    figures = summary.figures
    money = figures.profitability
    return {
        "number": summary.number,
        "name": summary.name,
        "customer": summary.customer,
        "price": money.price,
        "invoiced": figures.invoiced,
        "labour_cost": money.labour_cost,
        "purchase_cost": money.purchase_cost,
        "cost": money.cost,
        "margin": money.margin,
        "margin_pct": number_str(money.margin_pct),
        "hours": number_str(figures.hours),
        "planned_hours": number_str(figures.planned_hours),
    }


def task_record(task) -> dict:
    return {
        "position": task.position,
        "title": task.title,
        "due": date_str(task.due),
        "assignee": task.assignee or None,
        "hours": number_str(task.hours),
        "done": task.done,
        "overdue": task.overdue,
    }


def view_record(view) -> dict:
    """`project show` as JSON and CSV give it: the summary, then the order, tasks and purchases."""
    return summary_record(view) | {
        "order": view.order,
        "tasks": [task_record(task) for task in view.tasks],
        "purchases": [{"number": p.number, "status": p.status, "amount": p.amount} for p in view.purchases],
    }


def render(console, view) -> None:
    """The panel of a project (services.project_figures.View)."""
    from rich.markup import escape
    from rich.panel import Panel

    money = view.figures.profitability
    price, cost = money.price.amount, money.cost.amount
    scale = max(price, cost) or Decimal(1)
    price_bar = "█" * int(price / scale * WIDTH)
    colour = "red" if cost > price else "green"
    cost_bar = "█" * int(cost / scale * WIDTH)
    record = summary_record(view)
    pct = f" ({record['margin_pct']} %)" if money.margin_pct is not None else ""
    planned = view.figures.planned_hours
    hours = record["hours"] + (f" of {record['planned_hours']} planned" if planned is not None else "")
    body = "\n".join(
        [
            f"[bold]{escape(view.name)}[/] — {view.customer}" + (f" — order {view.order}" if view.order else ""),
            "",
            f"Price          {str(record['price']):>12}   [blue]{price_bar}[/]",
            f"Cost           {str(record['cost']):>12}   [{colour}]{cost_bar}[/]",
            f"  labour       {str(record['labour_cost']):>12}",
            f"  purchases    {str(record['purchase_cost']):>12}",
            f"[bold]Margin         {str(record['margin']):>12}{pct}[/]",
            f"Invoiced       {str(record['invoiced']):>12}",
            f"Hours          {hours:>12}",
        ]
    )
    console.print(Panel(body, title=f"[bold]{view.number}[/]", expand=False))
    if view.tasks:
        output.show_rows([task_record(task) for task in view.tasks], TASKS, Format.table, "Tasks")
