"""Projects (affaires): planned actions, time spent, purchases and live profitability."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, literal_column
from sqlmodel import Session, select

from koban_cli.db.engine import Ledger
from koban_cli.db.models import Customer, PersonRate, Project, ProjectTask, Purchase, SalesOrder, TimeEntry
from koban_cli.domain.profitability import Profitability, labour_cost
from koban_cli.domain.values import ZERO, date_str, money_str, number_str
from koban_cli.errors import InvalidState, InvalidValue, not_found
from koban_cli.services import billed, checks, lookup
from koban_cli.services.numbering import take_number


def get(session: Session, number: str) -> Project:
    found = session.exec(select(Project).where(Project.number == number)).first()
    if found is None:
        raise not_found("project", number)
    return found


def create(
    ledger: Ledger,
    date: dt.date,
    from_order: str | None = None,
    customer: str | None = None,
    name: str | None = None,
    budget: Decimal | None = None,
) -> dict:
    if (from_order is None) == (customer is None):
        raise InvalidValue("give --from-order CO-… or --customer CODE --name …")
    with ledger.write() as session:
        if from_order:
            order = lookup.order(session, from_order)
            if order.status in ("draft", "cancelled"):
                raise InvalidState(f"{from_order} is {order.status}; a project follows a validated order")
            buyer_id, title = order.customer_id, name or f"Affaire {from_order}"
        else:
            order, buyer_id = None, lookup.customer(session, customer).id
            title = checks.name(name or "", "--name")
        project = Project(
            number=take_number(session, "project", date),
            name=title,
            customer_id=buyer_id,
            order_id=order.id if order else None,
            budget=budget,
            date=date,
        )
        session.add(project)
        return {"ref": project.number, "number": project.number}


def add_task(
    ledger: Ledger,
    number: str,
    title: str,
    due: dt.date | None = None,
    assignee: str = "",
    hours: Decimal | None = None,
) -> dict:
    with ledger.write() as session:
        project = get(session, number)
        position = len(_tasks(session, project)) + 1
        session.add(
            ProjectTask(
                project_id=project.id,
                position=position,
                title=checks.name(title, "task title"),
                due=due,
                assignee=assignee or "",
                hours=hours,
            )
        )
        return {"ref": number, "position": position}


def done(ledger: Ledger, number: str, position: int, date: dt.date) -> dict:
    with ledger.write() as session:
        task = _task(session, get(session, number), position)
        if task.done_on:
            raise InvalidState(f"task {position} of {number} was already done on {task.done_on}")
        task.done_on = date
        session.add(task)
        return {"ref": number, "position": position, "done_on": date_str(date)}


def _tasks(session: Session, project: Project) -> list[ProjectTask]:
    return list(
        session.exec(select(ProjectTask).where(ProjectTask.project_id == project.id).order_by(ProjectTask.position))
    )


def _task(session: Session, project: Project, position: int) -> ProjectTask:
    tasks = _tasks(session, project)
    if not 1 <= position <= len(tasks):
        raise InvalidValue(f"{project.number} has no task {position} (it has {len(tasks)})")
    return tasks[position - 1]


def set_rate(ledger: Ledger, name: str, rate: Decimal) -> dict:
    with ledger.write() as session:
        person = session.get(PersonRate, name) or PersonRate(name=checks.name(name, "name"), rate=rate)
        person.rate = rate
        session.add(person)
        return {"name": name, "rate": money_str(rate)}


def log_time(
    ledger: Ledger,
    number: str,
    hours: Decimal,
    date: dt.date,
    rate: Decimal | None = None,
    who: str = "",
    task: int | None = None,
    note: str = "",
) -> dict:
    if hours > 24:
        raise InvalidValue(f'--hours "{hours}" is more than a day; log each day on its own')
    with ledger.write() as session:
        project = get(session, number)
        if rate is None:
            person = session.get(PersonRate, who) if who else None
            if person is None:
                raise InvalidValue(
                    f'give --rate, or set a default for "{who or "…"}" with: '
                    f"koban project rate set NAME RATE (and --who NAME)"
                )
            rate = person.rate
        task_id = _task(session, project, task).id if task else None
        session.add(
            TimeEntry(
                project_id=project.id,
                task_id=task_id,
                date=date,
                who=who or "",
                hours=hours,
                rate=rate,
                note=note or "",
            )
        )
        return {"ref": number, "hours": number_str(hours), "rate": money_str(rate)}


def _figures(session: Session, projects: list[Project]) -> dict[int, dict]:
    """Hours, labour and purchase costs and order amounts of many projects in four aggregate queries."""
    ids = [p.id for p in projects]
    labour = {
        pid: (hours, cost)
        for pid, hours, cost in session.exec(
            select(
                TimeEntry.project_id,
                func.sum(TimeEntry.hours),
                func.sum(literal_column("time_entry.hours") * literal_column("time_entry.rate")),
            )
            .where(TimeEntry.project_id.in_(ids))
            .group_by(TimeEntry.project_id)
        )
    }
    bought = dict(
        session.exec(
            select(Purchase.project_id, func.sum(Purchase.amount))
            .where(Purchase.project_id.in_(ids), Purchase.status != "cancelled")
            .group_by(Purchase.project_id)
        ).all()
    )
    order_ids = [p.order_id for p in projects if p.order_id]
    nets = dict(session.exec(select(SalesOrder.id, SalesOrder.net).where(SalesOrder.id.in_(order_ids))).all())
    invoiced = billed.invoiced_by_order(session, order_ids)
    direct = billed.invoiced_by_project(session, ids)
    planned = dict(
        session.exec(
            select(ProjectTask.project_id, func.sum(ProjectTask.hours))
            .where(ProjectTask.project_id.in_(ids))
            .group_by(ProjectTask.project_id)
        ).all()
    )
    out = {}
    for project in projects:
        hours, cost = labour.get(project.id, (ZERO, 0))
        price = nets.get(project.order_id, ZERO) if project.order_id else (project.budget or ZERO)
        out[project.id] = {
            "figures": Profitability(price, labour_cost(cost or 0), bought.get(project.id, ZERO)),
            "invoiced": invoiced.get(project.order_id, ZERO) + direct.get(project.id, ZERO),
            "hours": hours or ZERO,
            "planned_hours": planned.get(project.id),
        }
    return out


def _summary(project: Project, customer: str, facts: dict) -> dict:
    figures = facts["figures"]
    return {
        "number": project.number,
        "name": project.name,
        "customer": customer,
        "price": money_str(figures.price),
        "invoiced": money_str(facts["invoiced"]),
        "labour_cost": money_str(figures.labour_cost),
        "purchase_cost": money_str(figures.purchase_cost),
        "cost": money_str(figures.cost),
        "margin": money_str(figures.margin),
        "margin_pct": number_str(figures.margin_pct),
        "hours": number_str(facts["hours"]),
        "planned_hours": number_str(facts["planned_hours"]),
    }


def show(ledger: Ledger, number: str, as_of: dt.date) -> dict:
    with ledger.read() as session:
        project = get(session, number)
        customer = session.get(Customer, project.customer_id)
        order = session.get(SalesOrder, project.order_id) if project.order_id else None
        facts = _figures(session, [project])[project.id]
        purchases = session.exec(select(Purchase).where(Purchase.project_id == project.id).order_by(Purchase.id))
        return _summary(project, customer.code, facts) | {
            "order": order.number if order else None,
            "tasks": [
                {
                    "position": t.position,
                    "title": t.title,
                    "due": date_str(t.due),
                    "assignee": t.assignee or None,
                    "hours": number_str(t.hours),
                    "done": t.done_on is not None,
                    "overdue": t.done_on is None and t.due is not None and t.due < as_of,
                }
                for t in _tasks(session, project)
            ],
            "purchases": [{"number": p.number, "status": p.status, "amount": money_str(p.amount)} for p in purchases],
        }


def list_projects(ledger: Ledger) -> list[dict]:
    with ledger.read() as session:
        rows = session.exec(select(Project, Customer.code).join(Customer).order_by(Project.id)).all()
        facts = _figures(session, [project for project, _ in rows])
        return [_summary(project, code, facts[project.id]) for project, code in rows]


def tasks(ledger: Ledger, number: str, as_of: dt.date) -> list[dict]:
    return show(ledger, number, as_of)["tasks"]
