"""`koban project`: jobs followed from the order to their margin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Optional

import typer

from koban_cli.cli import output, state
from koban_cli.cli.nouns import new_app, noun_app
from koban_cli.cli.params import FORMAT_DEFAULT, AsOfOpt, DateOpt, FormatOpt, date, money, qty
from koban_cli.cli.projects_panel import COLUMNS, TASKS, render, summary_record, task_record, view_record
from koban_cli.domain.money import Money

app = noun_app("project")
task_app = new_app("Planned actions of a project.")
rate_app = new_app("Default hourly cost per person.")
app.add_typer(task_app, name="task")
app.add_typer(rate_app, name="rate")
Ref = Annotated[str, typer.Argument(help="Project number, e.g. AF-2026-0001.")]


def _service():
    from koban_cli.services.operations import projects

    return projects


def _figures():
    """The read side, in Core: `project show`, `list` and `task list` never import the ORM."""
    from koban_cli.services.operations import project_figures

    return project_figures


@app.command()
def create(
    from_order: Annotated[Optional[str], typer.Option("--from-order", help="Order the project follows.")] = None,
    customer: Annotated[Optional[str], typer.Option(help="Customer code (without an order).")] = None,
    name: Annotated[Optional[str], typer.Option(help="Project name.")] = None,
    budget: Annotated[
        Optional[Money],
        typer.Option(parser=money("--budget"), metavar="AMOUNT", help="Sale price when there is no order."),
    ] = None,
    date_: DateOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Create a project from an order (its net is the sale price) or for a customer.

    Example: koban project create --from-order CO-2026-0001 --name "Bureau d'études"
    """
    output.created(_service().create(state.ledger(), date_, from_order, customer, name, budget), fmt)


@app.command()
def time(
    ref: Ref,
    hours: Annotated[Decimal, typer.Option(parser=qty("--hours"), metavar="HOURS")],
    rate: Annotated[
        Optional[Money],
        typer.Option(parser=money("--rate"), metavar="AMOUNT", help="Hourly cost (default: the person's)."),
    ] = None,
    who: Annotated[str, typer.Option(help="Who worked.")] = "",
    task: Annotated[Optional[int], typer.Option(help="Task number.", min=1)] = None,
    note: Annotated[str, typer.Option()] = "",
    date_: DateOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Log time spent on a project.

    Example: koban project time AF-2026-0001 --hours 3.5 --who Marie --task 2
    """
    result = _service().log_time(state.ledger(), ref, hours, date_, rate, who, task, note)
    output.created(result, fmt, f"{ref}: {output.plain(result.hours)} h at {output.plain(result.rate)}")


@app.command()
def purchase(
    ref: Ref,
    supplier: Annotated[str, typer.Option(help="Supplier code.")],
    amount: Annotated[
        Optional[Money], typer.Option(parser=money("--amount", allow_zero=False), metavar="AMOUNT")
    ] = None,
    product: Annotated[Optional[str], typer.Option(help="Product bought.")] = None,
    quantity: Annotated[Optional[Decimal], typer.Option("--qty", parser=qty("--qty"), metavar="QTY")] = None,
    cost: Annotated[Optional[Money], typer.Option(parser=money("--cost"), metavar="AMOUNT")] = None,
    supplier_ref: Annotated[str, typer.Option("--ref", help="The supplier's reference.")] = "",
    date_: DateOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Order from a supplier for the project (a purchase order CF-…).

    Example: koban project purchase AF-2026-0001 --supplier ECRANS --product ECRAN --qty 4 --cost 180.00
    """
    from koban_cli.services.operations import purchases

    result = purchases.create(state.ledger(), ref, supplier, date_, amount, product, quantity, cost, supplier_ref)
    output.created(result, fmt)


@app.command()
def show(ref: Ref, as_of: AsOfOpt = "today", fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Live profitability of a project: price, invoiced, costs, margin, hours, tasks.

    Example: koban project show AF-2026-0001
    """
    view = _figures().show(state.ledger(), ref, as_of)
    output.show_record(view_record(view), fmt, lambda console, _record: render(console, view))


@app.command("list")
def list_(fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """Every project with its margin.

    Example: koban project list --format json
    """
    rows = [summary_record(summary) for summary in _figures().list_projects(state.ledger())]
    output.show_rows(rows, COLUMNS, fmt, "Projects")


@task_app.command("add")
def task_add(
    ref: Ref,
    title: Annotated[str, typer.Argument(help="What is to be done.")],
    due: Annotated[Optional[dt.date], typer.Option(parser=date("--due"), metavar="DATE")] = None,
    assignee: Annotated[str, typer.Option(help="Who does it.")] = "",
    hours: Annotated[
        Optional[Decimal], typer.Option(parser=qty("--hours"), metavar="HOURS", help="Planned hours.")
    ] = None,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Plan an action on a project.

    Example: koban project task add AF-2026-0001 "Installer les postes" --due 2026-12-15 --assignee Marie
    """
    result = _service().add_task(state.ledger(), ref, title, due, assignee, hours)
    output.created(result, fmt, f"{ref} task {result.position}")


@task_app.command("done")
def task_done(
    ref: Ref, position: Annotated[int, typer.Argument(help="Task number.", min=1)], date_: DateOpt = "today"
) -> None:
    """Mark a task done.

    Example: koban project task done AF-2026-0001 1
    """
    _service().done(state.ledger(), ref, position, date_)
    typer.echo(f"{ref} task {position} done")


@task_app.command("list")
def task_list(ref: Ref, as_of: AsOfOpt = "today", fmt: FormatOpt = FORMAT_DEFAULT) -> None:
    """A project's tasks, overdue ones flagged.

    Example: koban project task list AF-2026-0001
    """
    rows = [task_record(task) for task in _figures().tasks(state.ledger(), ref, as_of)]
    output.show_rows(rows, TASKS, fmt, f"Tasks of {ref}", empty="No task planned.")


@rate_app.command("set")
def rate_set(
    name: Annotated[str, typer.Argument(help="Person.")],
    rate: Annotated[Money, typer.Argument(parser=money("RATE"), metavar="RATE")],
) -> None:
    """Set a person's default hourly cost.

    Example: koban project rate set Marie 45.00
    """
    result = _service().set_rate(state.ledger(), name, rate)
    typer.echo(f"{name}: {output.plain(result.rate)} per hour")
