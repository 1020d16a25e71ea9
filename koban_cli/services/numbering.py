"""Taking the next number of a sequence, inside the caller's transaction.

The sequence row is read and bumped in the same write transaction as the
document that takes the number (SQLite: BEGIN IMMEDIATE; elsewhere: FOR
UPDATE), so two processes can never take the same number and a rolled-back
transaction gives its number back: the sequence stays gapless.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlmodel import Session, select

from koban_cli.db.models import NumberSequence
from koban_cli.domain.numbering import DEFAULT_PREFIXES, format_number
from koban_cli.errors import SequenceOrder
from koban_cli.services import lookup


def prefix_for(session: Session, kind: str) -> str:
    overrides = json.loads(lookup.company(session).prefixes or "{}")
    return overrides.get(kind, DEFAULT_PREFIXES[kind])


def take_number(session: Session, kind: str, date: dt.date, chronological: bool = False) -> str:
    row = session.exec(
        select(NumberSequence)
        .where(NumberSequence.kind == kind, NumberSequence.year == date.year)
        .with_for_update()
    ).first()
    if row is None:
        row = NumberSequence(kind=kind, year=date.year)
        session.add(row)
    if chronological and row.last_date and date < row.last_date:
        previous = format_number(lookup.company(session).number_pattern, prefix_for(session, kind), date.year, row.last)
        raise SequenceOrder(
            f"date {date.isoformat()} is before {row.last_date.isoformat()}, the date of {previous}; "
            f"numbers follow dates: use --date {row.last_date.isoformat()} or later"
        )
    row.last += 1
    row.last_date = max(date, row.last_date) if row.last_date else date
    pattern = lookup.company(session).number_pattern
    return format_number(pattern, prefix_for(session, kind), date.year, row.last)
