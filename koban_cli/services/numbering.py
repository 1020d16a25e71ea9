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
from koban_cli.domain.numbering import DEFAULT_PREFIXES, GLOBAL, check_pattern, format_number, sequence_year
from koban_cli.errors import SequenceOrder
from koban_cli.services import lookup


def prefix_for(session: Session, kind: str) -> str:
    overrides = json.loads(lookup.company(session).prefixes or "{}")
    return overrides.get(kind, DEFAULT_PREFIXES[kind])


def take_number(session: Session, kind: str, date: dt.date, chronological: bool = False) -> str:
    return take_numbers(session, kind, [date], chronological)[0]


def take_numbers(session: Session, kind: str, dates: list[dt.date], chronological: bool = False) -> list[str]:
    """The next numbers for documents dated `dates`, in order, each sequence bumped once.

    A sequence keeps the pattern and prefix it started with, so a change of
    pattern (allowed only on an empty sequence or from a new year, see
    `company set`) never gives two shapes of number to one sequence.
    """
    company = lookup.company(session)
    check_pattern(company.number_pattern, company.global_sequence)  # a legacy pattern would repeat numbers
    numbers: list[str] = []
    taken: dict[int, tuple[int, dt.date | None]] = {}  # sequence year -> (last, last date), written back once
    for date in dates:
        year = sequence_year(date.year, company.global_sequence)
        if year not in taken:
            row = _sequence(session, kind, year)
            taken[year] = (row.last, row.last_date)
        row = _sequence(session, kind, year)
        pattern, prefix = row.pattern, row.prefix
        last, last_date = taken[year]
        if chronological and last_date and date < last_date:
            previous = format_number(pattern, prefix, last_date.year, last)
            raise SequenceOrder(
                f"date {date.isoformat()} is before {last_date.isoformat()}, the date of {previous}; "
                f"numbers follow dates: use --date {last_date.isoformat()} or later"
            )
        taken[year] = (last + 1, max(date, last_date) if last_date else date)
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
        if row is None:  # the sequence's first number: create the row, even if another process races to it
            dialect = session.get_bind().dialect.name
            insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
            session.execute(
                insert(NumberSequence.__table__).values(kind=kind, year=year, last=0).on_conflict_do_nothing()
            )
            row = session.exec(locked.with_for_update()).one()
        if row.last == 0 or row.pattern is None:  # an empty sequence takes the company's pattern of today
            row.pattern, row.prefix = lookup.company(session).number_pattern, prefix_for(session, kind)
            if year == GLOBAL and row.last == 0:
                _continue_legacy_numbers(session, row)
        cache[(kind, year)] = row
    return cache[(kind, year)]


def _continue_legacy_numbers(session: Session, row: NumberSequence) -> None:
    """A pattern without {year} used per year before it was declared global: the global sequence goes on from it."""
    legacy = session.exec(
        select(NumberSequence).where(
            NumberSequence.kind == row.kind,
            NumberSequence.year != GLOBAL,
            NumberSequence.pattern == row.pattern,
            NumberSequence.prefix == row.prefix,
            NumberSequence.last > 0,
        )
    ).all()
    if legacy and "{year" not in row.pattern:
        newest = max(legacy, key=lambda r: (r.last, r.year))
        row.last, row.last_date = newest.last, newest.last_date
