"""cli/output.py writes CSV in one pass over all rows: byte for byte what the line-by-line writer it replaced
wrote (issue 21), for any cell, hostile ones included (formulas, a lone carriage return, quotes, NUL)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koban_cli.cli import output
from koban_cli.domain.kinds import Status
from koban_cli.domain.money import Money


def line_by_line_csv(rows, fields=None) -> str:
    """emit_csv as it was before the one-pass writer (commit 646da13), kept here as the reference."""
    rows = [output._scalars(row) for row in rows]
    header = list(rows[0]) if rows else list(fields or [])
    cell = output._cell if output.raw_csv() else lambda value: output.safe_cell(output._cell(value))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue()[:-2] + "\n"

    out = line(header) if header else ""
    for row in rows:
        out += line([cell(row.get(key)) for key in header])
    return out


def one_pass_csv(capsys, rows, fields=None) -> str:
    capsys.readouterr()
    output.emit_csv(rows, fields)
    return capsys.readouterr().out


TEXT = st.text(alphabet=st.sampled_from(list("ab1.,;\"'=+-@\t\r\n \x00é€")), max_size=6)
VALUE = st.one_of(
    TEXT,
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.sampled_from([Money(Decimal("-12.50")), Money(Decimal("3")), Decimal("2.500"), Status.VALIDATED]),
    st.sampled_from([dt.date(2026, 1, 31), dt.datetime(2026, 1, 31, 7, 5)]),
    st.lists(TEXT, max_size=2),  # a nested value: no cell
)
KEYS = st.sampled_from(["number", "customer", "net", "note", "a,b", "=x"])
ROWS = st.lists(st.dictionaries(KEYS, VALUE, max_size=5), max_size=5)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, raw=st.booleans())
def test_one_pass_csv_writes_what_the_line_by_line_writer_wrote(capsys, monkeypatch, rows, raw):
    monkeypatch.setenv("KOBAN_CSV_RAW", "1" if raw else "0")
    assert one_pass_csv(capsys, rows, ["x", "y"]) == line_by_line_csv(rows, ["x", "y"])


@pytest.mark.parametrize("raw", ["0", "1"])
def test_a_lone_carriage_return_is_quoted_and_formulas_neutralised(capsys, monkeypatch, raw):
    monkeypatch.setenv("KOBAN_CSV_RAW", raw)
    rows = [{"a": "x\ry", "b": "=SUM(A1)", "c": "-12.50"}, {"a": "plain", "b": None, "c": True}]
    written = one_pass_csv(capsys, rows)
    assert written == line_by_line_csv(rows)
    assert written.startswith('a,b,c\n"x\ry",')
    assert ("'=SUM(A1)" in written) == (raw == "0")
    assert written.endswith("plain,,yes\n")


def test_an_empty_list_prints_its_header_and_rows_their_lines(capsys):
    assert one_pass_csv(capsys, [], ["number", "net"]) == "number,net\n"
    assert one_pass_csv(capsys, [{"number": "CO-1", "net": Money(Decimal("1"))}]) == "number,net\nCO-1,1.00\n"


CENTS = st.one_of(st.integers(-(10**13), 10**13), st.integers(-300, 300).map(Decimal))  # PostgreSQL sums NUMERIC


@given(st.lists(st.tuples(CENTS, CENTS, CENTS), max_size=20))
def test_order_list_money_texts_made_once_are_cents_str_of_each_cell(amounts):
    from koban_cli.cli.orders import as_dicts
    from koban_cli.domain.values import cents_str

    rows = [("CO-1", "C1", "validated", "2026-01-31", *cells) for cells in amounts]
    texts = [(row["net"], row["invoiced"], row["remaining"]) for row in as_dicts(rows)]
    assert texts == [tuple(map(cents_str, cells)) for cells in amounts]
