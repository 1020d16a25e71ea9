"""Numbers taken on a Core connection (the orders import) and on an ORM session (every other write) come
from the one numbering rule (services/numbering.py): they follow each other without gap or repeat, keep a
sequence's pattern and prefix, and a Core transaction's cache of sequences lives as long as it does."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from koban_cli.db import tables
from koban_cli.errors import SequenceOrder
from koban_cli.services import parties
from koban_cli.services.numbering import prefix_for, take_number, take_numbers

DAY = dt.date(2026, 3, 10)


def last(ledger, kind: str = "order") -> dict[int, int]:
    s = tables.number_sequence.c
    with ledger.read_core() as conn:
        return dict(conn.execute(select(s.year, s.last).where(s.kind == kind)).all())


def test_numbers_taken_on_a_connection_and_on_a_session_interleave_without_gap_or_repeat(catalogue):
    taken = []
    for turn in range(6):
        if turn % 2:
            with catalogue.write() as session:
                taken += take_numbers(session, "order", [DAY, DAY])
        else:
            with catalogue.write_core() as conn:
                taken += take_numbers(conn, "order", [DAY])
                taken.append(take_number(conn, "order", DAY))  # the same transaction goes on from its cache
    assert taken == [f"CO-2026-{n:04d}" for n in range(1, 13)]
    assert last(catalogue) == {2026: 12}


def test_a_rolled_back_connection_gives_its_numbers_back(catalogue):
    with pytest.raises(RuntimeError):
        with catalogue.write_core() as conn:
            take_numbers(conn, "order", [DAY, DAY, DAY])
            raise RuntimeError("the import was refused")
    with catalogue.write() as session:
        assert take_number(session, "order", DAY) == "CO-2026-0001"


def test_a_connection_reads_its_sequences_again_in_its_next_transaction(catalogue):
    """A pooled connection's `info` outlives a transaction: what it cached must not."""
    with catalogue.write_core() as conn:
        assert take_number(conn, "order", DAY) == "CO-2026-0001"
    s = tables.number_sequence.c
    with catalogue.write_core() as conn:  # another writer moved the sequence on meanwhile
        conn.execute(update(tables.number_sequence).where(s.kind == "order").values(last=41))
    with catalogue.write_core() as conn:
        assert take_number(conn, "order", DAY) == "CO-2026-0042"


def test_a_connection_keeps_the_company_pattern_and_prefixes_and_the_chronology(catalogue):
    parties.set_company(catalogue, prefixes={"order": "BC"}, number_pattern="{prefix}{year}/{seq:05d}")
    with catalogue.write_core() as conn:
        assert prefix_for(conn, "order") == "BC"
        assert take_numbers(conn, "order", [DAY, dt.date(2025, 12, 31)]) == ["BC2026/00001", "BC2025/00001"]
    with catalogue.write() as session:
        assert take_number(session, "order", DAY, chronological=True) == "BC2026/00002"
    with pytest.raises(SequenceOrder, match="numbers follow dates"):
        with catalogue.write_core() as conn:
            take_number(conn, "order", dt.date(2026, 1, 2), chronological=True)
    assert last(catalogue) == {2025: 1, 2026: 2}
