"""Taking the next number of a sequence, inside the caller's transaction.

The sequence row is read and bumped in the same write transaction as the
document that takes the number (SQLite: BEGIN IMMEDIATE; elsewhere: FOR
UPDATE), so two processes can never take the same number and a rolled-back
transaction gives its number back: the sequence stays gapless.

Every write takes its numbers here, on an ORM `Session` or on a Core
`Connection` (a bulk import that never loads the ORM): the rows are read and
written with Core statements over `db/tables.py`, which both execute. Each
sequence is locked and read once per transaction and kept in its unit of work
(db/transaction.py); what a call takes is written back before it returns.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from koban_cli.db import tables, transaction
from koban_cli.domain.numbering import DEFAULT_PREFIXES, GLOBAL, check_pattern, format_number, sequence_year
from koban_cli.errors import SequenceOrder
from koban_cli.services import lookup

if TYPE_CHECKING:
    from sqlmodel import Session

    Db = Session | Connection

_SEQUENCE = tables.number_sequence.c


class _Sequence:
    """A sequence row as this transaction holds it (locked, so no one else changes it meanwhile)."""

    __slots__ = ("kind", "year", "last", "last_date", "pattern", "prefix")

    def __init__(self, kind: str, year: int, last: int, last_date: dt.date | None, pattern, prefix):
        self.kind, self.year, self.last, self.last_date = kind, year, last, last_date
        self.pattern, self.prefix = pattern, prefix


def _cache(db: Db) -> dict:
    """This transaction's sequences (see db/transaction.py)."""
    return transaction.of(db).sequences


def prefix_for(db: Db, kind: str) -> str:
    overrides = json.loads(lookup.company(db).prefixes or "{}")
    return overrides.get(kind, DEFAULT_PREFIXES[kind])


def take_number(db: Db, kind: str, date: dt.date, chronological: bool = False) -> str:
    return take_numbers(db, kind, [date], chronological)[0]


def take_numbers(db: Db, kind: str, dates: list[dt.date], chronological: bool = False) -> list[str]:
    """The next numbers for documents dated `dates`, in order, each sequence bumped once.

    `db` is an ORM session or a Core connection, inside a write transaction.
    A sequence keeps the pattern and prefix it started with, so a change of
    pattern (allowed only on an empty sequence or from a new year, see
    `company set`) never gives two shapes of number to one sequence.
    """
    company = lookup.company(db)
    check_pattern(company.number_pattern, company.global_sequence)  # a legacy pattern would repeat numbers
    numbers: list[str] = []
    taken: dict[int, tuple[int, dt.date | None]] = {}  # sequence year -> (last, last date), written back once
    rows: dict[int, _Sequence] = {}
    for date in dates:
        year = sequence_year(date.year, company.global_sequence)
        row = rows.get(year)
        if row is None:
            row = rows[year] = _sequence(db, kind, year)
            taken[year] = (row.last, row.last_date)
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
        row = rows[year]
        row.last, row.last_date = last, last_date
        _store(db, row)
    return numbers


def _sequence(db: Db, kind: str, year: int) -> _Sequence:
    """The sequence row, locked and read once per transaction (bill-due numbers thousands in one)."""
    cache = _cache(db)
    found = cache.get((kind, year))
    if found is None:
        locked = (
            select(_SEQUENCE.last, _SEQUENCE.last_date, _SEQUENCE.pattern, _SEQUENCE.prefix)
            .where(_SEQUENCE.kind == kind, _SEQUENCE.year == year)
            .with_for_update()
        )
        row = db.execute(locked).first()
        if row is None:  # the sequence's first number: create the row, even if another process races to it
            dialect = db.dialect if isinstance(db, Connection) else db.get_bind().dialect
            if dialect.name == "postgresql":  # its dialect's module is imported only there
                from sqlalchemy.dialects.postgresql import insert
            else:
                from sqlalchemy.dialects.sqlite import insert
            db.execute(insert(tables.number_sequence).values(kind=kind, year=year, last=0).on_conflict_do_nothing())
            row = db.execute(locked).one()
        found = _Sequence(kind, year, *row)
        if found.last == 0 or found.pattern is None:  # an empty sequence takes the company's pattern of today
            found.pattern, found.prefix = lookup.company(db).number_pattern, prefix_for(db, kind)
            if year == GLOBAL and found.last == 0:
                _continue_legacy_numbers(db, found)
            _store(db, found)
        cache[(kind, year)] = found
    return found


def _store(db: Db, row: _Sequence) -> None:
    db.execute(
        update(tables.number_sequence)
        .where(_SEQUENCE.kind == row.kind, _SEQUENCE.year == row.year)
        .values(last=row.last, last_date=row.last_date, pattern=row.pattern, prefix=row.prefix)
    )


def _continue_legacy_numbers(db: Db, row: _Sequence) -> None:
    """A pattern without {year} used per year before it was declared global: the global sequence goes on from it."""
    legacy = db.execute(
        select(_SEQUENCE.last, _SEQUENCE.year, _SEQUENCE.last_date).where(
            _SEQUENCE.kind == row.kind,
            _SEQUENCE.year != GLOBAL,
            _SEQUENCE.pattern == row.pattern,
            _SEQUENCE.prefix == row.prefix,
            _SEQUENCE.last > 0,
        )
    ).all()
    if legacy and "{year" not in row.pattern:
        newest = max(legacy, key=lambda r: (r.last, r.year))
        row.last, row.last_date = newest.last, newest.last_date
