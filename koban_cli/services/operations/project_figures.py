"""What a project stands at: `project list`, `project show` and its tasks, in SQLAlchemy Core only.

Like the other read commands (invoice_list.py, contract_list.py), it imports
neither the ORM nor the models. It returns values (Money, Decimal hours, dates), and
the CLI formats them; the profitability rules (labour cost, margin) are the
domain's (domain/profitability.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from koban_cli.db.engine import Ledger
from koban_cli.db.tables import customer, project, project_task, purchase, sales_order, time_entry
from koban_cli.domain.kinds import Status
from koban_cli.domain.money import Money
from koban_cli.domain.profitability import Profitability, labour_cost
from koban_cli.domain.values import ZERO
from koban_cli.errors import not_found
from koban_cli.services import billed


@dataclass(frozen=True)
class Figures:
    """A project's money and time: profitability, what is invoiced, hours spent and planned."""

    profitability: Profitability
    invoiced: Money
    hours: Decimal
    planned_hours: Decimal | None


@dataclass(frozen=True)
class Summary:
    """A project's row in `project list`."""

    number: str
    name: str
    customer: str
    figures: Figures


@dataclass(frozen=True)
class Task:
    position: int
    title: str
    due: dt.date | None
    assignee: str
    hours: Decimal | None
    done: bool
    overdue: bool


@dataclass(frozen=True)
class PurchaseRow:
    number: str
    status: str
    amount: Money | None


@dataclass(frozen=True)
class View(Summary):
    """`project show`: the summary, the order followed, the tasks and the purchases."""

    order: str | None
    tasks: tuple[Task, ...]
    purchases: tuple[PurchaseRow, ...]


PROJECT = (project.c.id, project.c.number, project.c.name, project.c.order_id, project.c.budget)


def figures(db, projects) -> dict[int, Figures]:
    """`{project id: Figures}` of many projects (each with `id`, `order_id`, `budget`) in a few aggregates.

    `db` is an ORM `Session` or a Core `Connection`.
    """
    ids = [p.id for p in projects]
    hours_at_rates: dict[int, list[tuple[Decimal, Decimal]]] = {}
    for project_id, rate, hours in db.execute(
        select(time_entry.c.project_id, time_entry.c.rate, func.sum(time_entry.c.hours))
        .where(time_entry.c.project_id.in_(ids))
        .group_by(time_entry.c.project_id, time_entry.c.rate)
    ):
        hours_at_rates.setdefault(project_id, []).append((hours, rate))
    bought = dict(
        db.execute(
            select(purchase.c.project_id, func.sum(purchase.c.amount))
            .where(purchase.c.project_id.in_(ids), purchase.c.status != Status.CANCELLED)
            .group_by(purchase.c.project_id)
        ).all()
    )
    order_ids = [p.order_id for p in projects if p.order_id]
    nets = dict(db.execute(select(sales_order.c.id, sales_order.c.net).where(sales_order.c.id.in_(order_ids))).all())
    invoiced = billed.invoiced_by_order(db, order_ids)
    direct = billed.invoiced_by_project(db, ids)
    planned = dict(
        db.execute(
            select(project_task.c.project_id, func.sum(project_task.c.hours))
            .where(project_task.c.project_id.in_(ids))
            .group_by(project_task.c.project_id)
        ).all()
    )
    out = {}
    for p in projects:
        spent = hours_at_rates.get(p.id, [])
        price = nets.get(p.order_id, ZERO) if p.order_id else (p.budget or ZERO)
        out[p.id] = Figures(
            profitability=Profitability(Money(price), Money(labour_cost(spent)), Money(bought.get(p.id, ZERO))),
            invoiced=Money(invoiced.get(p.order_id, ZERO) + direct.get(p.id, ZERO)),
            hours=sum((hours for hours, _rate in spent), ZERO),
            planned_hours=planned.get(p.id),
        )
    return out


def list_projects(ledger: Ledger) -> list[Summary]:
    """Every project, oldest first, with its figures."""
    query = select(*PROJECT, customer.c.code).join(customer, customer.c.id == project.c.customer_id)
    with ledger.read_core() as connection:
        rows = connection.execute(query.order_by(project.c.id)).all()
        facts = figures(connection, rows)
    return [Summary(row.number, row.name, row.code, facts[row.id]) for row in rows]


def show(ledger: Ledger, number: str, as_of: dt.date) -> View:
    """One project: its figures, order, tasks (overdue on `as_of` when not done) and purchases."""
    with ledger.read_core() as connection:
        found = connection.execute(
            select(*PROJECT, customer.c.code, sales_order.c.number.label("order"))
            .join(customer, customer.c.id == project.c.customer_id)
            .outerjoin(sales_order, sales_order.c.id == project.c.order_id)
            .where(project.c.number == number)
        ).first()
        if found is None:
            raise not_found("project", number)
        facts = figures(connection, [found])[found.id]
        task = project_task.c
        tasks = connection.execute(
            select(task.position, task.title, task.due, task.assignee, task.hours, task.done_on)
            .where(task.project_id == found.id)
            .order_by(task.position)
        ).all()
        purchases = connection.execute(
            select(purchase.c.number, purchase.c.status, purchase.c.amount)
            .where(purchase.c.project_id == found.id)
            .order_by(purchase.c.id)
        ).all()
    return View(
        number=found.number,
        name=found.name,
        customer=found.code,
        figures=facts,
        order=found.order,
        tasks=tuple(
            Task(
                position=position,
                title=title,
                due=due,
                assignee=assignee,
                hours=hours,
                done=done_on is not None,
                overdue=done_on is None and due is not None and due < as_of,
            )
            for position, title, due, assignee, hours, done_on in tasks
        ),
        purchases=tuple(
            PurchaseRow(number, status, None if amount is None else Money(amount))
            for number, status, amount in purchases
        ),
    )


def tasks(ledger: Ledger, number: str, as_of: dt.date) -> tuple[Task, ...]:
    return show(ledger, number, as_of).tasks
