"""cli/output.py: typed values become text in one place, the same in JSON, CSV and tables."""

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from koban_cli.cli import output
from koban_cli.cli.params import Format
from koban_cli.domain.kinds import Status
from koban_cli.domain.money import Money


@dataclass(frozen=True, slots=True)
class Line:
    qty: Decimal
    net: Money


@dataclass(frozen=True, slots=True)
class Doc:
    number: str
    status: Status
    date: dt.date
    sent_at: dt.datetime | None
    gross: Money
    note: str
    lines: tuple[Line, ...]


DOC = Doc(
    "FA-2026-0001",
    Status.VALIDATED,
    dt.date(2026, 11, 28),
    dt.datetime(2026, 11, 28, 7, 30, 5, 123456),  # SQLite hands a stored UTC moment back naive
    Money(Decimal("1234.5")),
    "",
    (Line(Decimal("2.500"), Money(Decimal("10.00"))),),
)


def test_json_writes_each_value_as_spec_11_gives_it(capsys):
    output.emit_json(DOC)
    assert json.loads(capsys.readouterr().out) == {
        "number": "FA-2026-0001",
        "status": "validated",
        "date": "2026-11-28",
        "sent_at": "2026-11-28T07:30:05+00:00",
        "gross": "1234.50",
        "note": None,
        "lines": [{"qty": "2.5", "net": "10.00"}],
    }


def test_csv_keeps_money_as_a_cell_and_leaves_nested_records_out(capsys):
    output.show_record(DOC, Format.csv)
    assert capsys.readouterr().out.splitlines() == [
        "number,status,date,sent_at,gross,note",
        "FA-2026-0001,validated,2026-11-28,2026-11-28T07:30:05+00:00,1234.50,",
    ]


def test_table_totals_add_money_and_subtract_the_rows_said_negative():
    rows = [{"gross": Money(Decimal("10.00")), "kind": "invoice"}, {"gross": Money(Decimal("2.50")), "kind": "credit"}]
    grid = output.table(rows, [output.Col("kind", "Kind"), output.Col("gross", "Gross", True, True)], None,
                        negative=lambda row: row["kind"] == "credit")  # fmt: skip
    assert grid.columns[1].footer == "7.50"
    assert list(grid.columns[1].cells) == ["10.00", "2.50"]


def test_a_strenum_prints_as_its_text_and_reads_back_as_the_same_member():
    from koban_cli.domain.contract_terms import Summary
    from koban_cli.domain.kinds import AgeBucket, BillingPeriod, ContractMode, DeliveryStatus

    row = Summary(
        "AB-2026-0001", "ACME", Status.ACTIVE, dt.date(2026, 1, 1), dt.date(2026, 12, 31),
        BillingPeriod.QUARTERLY, ContractMode.AUTO, None,
    )  # fmt: skip
    for indent in (2, None):  # the fast path of lists of records, and Python's encoder
        (read,) = json.loads(output.json_text({"contracts": [row]}, indent))["contracts"]
        assert (read["every"], read["mode"]) == ("quarterly", "auto")
        assert BillingPeriod(read["every"]) is BillingPeriod.QUARTERLY and ContractMode(read["mode"]) is ContractMode.AUTO
    assert output.plain(DeliveryStatus.PARTIALLY_DELIVERED) == "partially_delivered"
    assert json.dumps([AgeBucket.DAYS_31_60]) == '["days_31_60"]' and AgeBucket("days_31_60") is AgeBucket.DAYS_31_60
