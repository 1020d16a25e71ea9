"""Taking the next number of a sequence, inside the caller's transaction.

The sequence row is read and bumped in the same write transaction as the
document that takes the number (SQLite: BEGIN IMMEDIATE; elsewhere: FOR
UPDATE), so two processes can never take the same number and a rolled-back
transaction gives its number back: the sequence stays gapless.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from koban_cli.db.models import NumberSequence
from koban_cli.domain.numbering import DEFAULT_PREFIXES, format_number
from koban_cli.errors import SequenceOrder
from koban_cli.services import lookup


def prefix_for(session: Session, kind: str) -> str:
    overrides = json.loads(lookup.company(session).prefixes or "{}")
    return overrides.get(kind, DEFAULT_PREFIXES[kind])


def take_number(session: Session, kind: str, date: dt.date, chronological: bool = False) -> str:
    return take_numbers(session, kind, [date], chronological)[0]


def take_numbers(session: Session, kind: str, dates: list[dt.date], chronological: bool = False) -> list[str]:
    """The next numbers for documents dated `dates`, in order, each year's sequence bumped once."""
    pattern, prefix = lookup.company(session).number_pattern, prefix_for(session, kind)
    numbers: list[str] = []
    taken: dict[int, tuple[int, dt.date | None]] = {}  # year -> (last, last date), written back once
    for date in dates:
        if date.year not in taken:
            row = _sequence(session, kind, date.year)
            taken[date.year] = (row.last, row.last_date)
        last, last_date = taken[date.year]
        if chronological and last_date and date < last_date:
            previous = format_number(pattern, prefix, date.year, last)
            raise SequenceOrder(
                f"date {date.isoformat()} is before {last_date.isoformat()}, the date of {previous}; "
                f"numbers follow dates: use --date {last_date.isoformat()} or later"
            )
        taken[date.year] = (last + 1, max(date, last_date) if last_date else date)
        numbers.append(format_number(pattern, prefix, date.year, last + 1))
    for year, (last, last_date) in taken.items():
        row = _sequence(session, kind, year)
        row.last, row.last_date = last, last_date
    return numbers


def _sequence(session: Session, kind: str, year: int) -> NumberSequence:
    """The sequence row, locked and read once per transaction (bill-due numbers thousands in one)."""
    cache = session.info.setdefault("sequences", {})
    if (kind, year) not in cache:
        locked = select(NumberSequence).where(NumberSequence.kind == kind, NumberSequence.year == year)
        row = session.exec(locked.with_for_update()).first()
        if row is None:  # the year's first number: create the row, even if another process races to it
            dialect = session.get_bind().dialect.name
            insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
            session.execute(
                insert(NumberSequence.__table__).values(kind=kind, year=year, last=0).on_conflict_do_nothing()
            )
            row = session.exec(locked.with_for_update()).one()
        cache[(kind, year)] = row
    return cache[(kind, year)]
