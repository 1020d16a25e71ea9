"""Projects (affaires): creating them, planning actions, logging time.

What a project stands at (its figures, `project list` and `project show`) is read
in Core by services/operations/project_figures.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, select

from koban_cli.db.engine import Ledger
from koban_cli.db.models import PersonRate, Project, ProjectTask, TimeEntry
from koban_cli.domain import identity
from koban_cli.domain.kinds import Status
from koban_cli.domain.money import Money
from koban_cli.errors import InvalidState, InvalidValue
from koban_cli.services import lookup
from koban_cli.services.numbering import take_number


@dataclass(frozen=True, slots=True)
class ProjectMade:
    """A new project and its number."""

    ref: str
    number: str


@dataclass(frozen=True, slots=True)
class TaskAdded:
    """A task planned on a project, at its position."""

    ref: str
    position: int


@dataclass(frozen=True, slots=True)
class TaskDone:
    """A task marked done, and when."""

    ref: str
    position: int
    done_on: dt.date


@dataclass(frozen=True, slots=True)
class RateSet:
    """A person's default hourly cost."""

    name: str
    rate: Money


@dataclass(frozen=True, slots=True)
class TimeLogged:
    """Time spent on a project, at the hourly cost it counts."""

    ref: str
    hours: Decimal
    rate: Money


def get(session: Session, number: str) -> Project:
    return session.get(Project, lookup.project_row(session, number).id)


def create(
    ledger: Ledger,
    date: dt.date,
    from_order: str | None = None,
    customer: str | None = None,
    name: str | None = None,
    budget: Money | None = None,
) -> ProjectMade:
    if (from_order is None) == (customer is None):
        raise InvalidValue("give --from-order CO-… or --customer CODE --name …")
    budget = None if budget is None else budget.amount_in(what="--budget")
    with ledger.write() as session:
        if from_order:
            order = lookup.order(session, from_order)
            if order.status in (Status.DRAFT, Status.CANCELLED):
                raise InvalidState(f"{from_order} is {order.status}; a project follows a validated order")
            buyer_id, title = order.customer_id, name or f"Affaire {from_order}"
        else:
            order, buyer_id = None, lookup.customer(session, customer).id
            title = identity.name(name or "", "--name")
        project = Project(
            number=take_number(session, "project", date),
            name=title,
            customer_id=buyer_id,
            order_id=order.id if order else None,
            budget=budget,
            date=date,
        )
        session.add(project)
        return ProjectMade(project.number, project.number)


def add_task(
    ledger: Ledger,
    number: str,
    title: str,
    due: dt.date | None = None,
    assignee: str = "",
    hours: Decimal | None = None,
) -> TaskAdded:
    with ledger.write() as session:
        project = get(session, number)
        position = len(_tasks(session, project)) + 1
        session.add(
            ProjectTask(
                project_id=project.id,
                position=position,
                title=identity.name(title, "task title"),
                due=due,
                assignee=assignee or "",
                hours=hours,
            )
        )
        return TaskAdded(number, position)


def done(ledger: Ledger, number: str, position: int, date: dt.date) -> TaskDone:
    with ledger.write() as session:
        task = _task(session, get(session, number), position)
        if task.done_on:
            raise InvalidState(f"task {position} of {number} was already done on {task.done_on}")
        task.done_on = date
        session.add(task)
        return TaskDone(number, position, date)


def _tasks(session: Session, project: Project) -> list[ProjectTask]:
    return list(
        session.exec(select(ProjectTask).where(ProjectTask.project_id == project.id).order_by(ProjectTask.position))
    )


def _task(session: Session, project: Project, position: int) -> ProjectTask:
    tasks = _tasks(session, project)
    if not 1 <= position <= len(tasks):
        raise InvalidValue(f"{project.number} has no task {position} (it has {len(tasks)})")
    return tasks[position - 1]


def set_rate(ledger: Ledger, name: str, rate: Money) -> RateSet:
    rate = rate.amount_in(what="RATE")
    with ledger.write() as session:
        person = session.get(PersonRate, name) or PersonRate(name=identity.name(name, "name"), rate=rate)
        person.rate = rate
        session.add(person)
        return RateSet(name, Money(rate))


def log_time(
    ledger: Ledger,
    number: str,
    hours: Decimal,
    date: dt.date,
    rate: Money | None = None,
    who: str = "",
    task: int | None = None,
    note: str = "",
) -> TimeLogged:
    if hours > 24:
        raise InvalidValue(f'--hours "{hours}" is more than a day; log each day on its own')
    rate = None if rate is None else rate.amount_in(what="--rate")
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
        return TimeLogged(number, hours, Money(rate))
