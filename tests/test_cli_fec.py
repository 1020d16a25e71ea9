"""`koban export fec|journal` and `koban report vat` through the command line; the FEC read back."""

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from decimal import Decimal as D

import pytest
from conftest import TODAY, Koban, refused

from koban_cli.db.engine import Ledger, ledger_url
from koban_cli.domain.fec import FIELDS
from koban_cli.services import demo

REQUIRED = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "PieceRef",
            "PieceDate", "EcritureLib", "Debit", "Credit", "ValidDate")  # fmt: skip
AMOUNT = re.compile(r"^\d+,\d{2}$")


@pytest.fixture
def books(db_path):
    ledger = Ledger(ledger_url(db_path))
    demo.build(ledger, TODAY)
    ledger.close()
    return Koban(db_path)


def day(text):
    return dt.datetime.strptime(text, "%Y%m%d").date()


def read_fec(path):
    """The FEC's rows as dicts, after checking every format rule of article A47 A-1."""
    raw = path.read_bytes()
    text = raw.decode("iso-8859-15")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    header, *lines = text[:-2].split("\r\n")
    assert header.split("\t") == list(FIELDS)
    rows = []
    for line in lines:
        cells = line.split("\t")
        assert len(cells) == 18, line
        row = dict(zip(FIELDS, cells))
        assert all(row[field] for field in REQUIRED), row
        for field in ("EcritureDate", "PieceDate", "ValidDate"):
            day(row[field])
        assert AMOUNT.match(row["Debit"]) and AMOUNT.match(row["Credit"]), row
        assert (row["Debit"] == "0,00") != (row["Credit"] == "0,00") or row["Debit"] == row["Credit"] == "0,00"
        assert bool(row["CompAuxNum"]) == bool(row["CompAuxLib"]), row
        assert bool(row["EcritureLet"]) == bool(row["DateLet"]), row
        if row["DateLet"]:
            day(row["DateLet"])
        assert row["Montantdevise"] == row["Idevise"] == ""
        rows.append(row)
    return rows


def amount(text):
    return D(text.replace(",", "."))


def test_the_fec_of_the_demo_follows_every_format_rule_and_balances(books, tmp_path):
    result = books("export", "fec", "--year", "2026", "-o", str(tmp_path))
    path = tmp_path / "123456782FEC20261231.txt"
    assert result.stdout.startswith(f"{path}: ")
    rows = read_fec(path)
    debit, credit = defaultdict(D), defaultdict(D)
    for row in rows:
        debit[row["EcritureNum"]] += amount(row["Debit"])
        credit[row["EcritureNum"]] += amount(row["Credit"])
    assert debit == credit
    assert sum(debit.values()) == sum(credit.values()) > 0
    # numbered without gaps per journal, in chronological order, the file in date order
    numbers = defaultdict(list)
    for row in rows:
        if row["EcritureNum"] not in [n for n, _ in numbers[row["JournalCode"]]]:
            numbers[row["JournalCode"]].append((row["EcritureNum"], day(row["EcritureDate"])))
    assert set(numbers) == {"VE", "BQ"}
    for journal, entries in numbers.items():
        assert [n for n, _ in entries] == [f"{journal}-2026-{i:05d}" for i in range(1, len(entries) + 1)]
        assert [d for _, d in entries] == sorted(d for _, d in entries)
    assert [day(r["EcritureDate"]) for r in rows] == sorted(day(r["EcritureDate"]) for r in rows)
    # the deposit invoice paid in full is lettered: its customer line and its payment share a letter
    lettered = [r for r in rows if r["EcritureLet"]]
    assert lettered and all(r["CompteNum"] == "411" for r in lettered)
    for letter in {r["EcritureLet"] for r in lettered}:
        same = [r for r in lettered if r["EcritureLet"] == letter]
        assert {r["JournalCode"] for r in same} == {"VE", "BQ"}
        assert sum(amount(r["Debit"]) for r in same) == sum(amount(r["Credit"]) for r in same)
    assert {r["CompAuxNum"] for r in rows if r["CompAuxNum"]} >= {"411ACME"}
    assert any(r["CompteNum"] == "4191" for r in rows)


def test_the_fec_follows_the_fiscal_year_and_the_accounts_set(books, tmp_path):
    books(
        "company", "set", "--fiscal-year-end", "06-30", "--account", "sales_goods=707100", "--account", "vat_20=4457120"
    )
    books("customer", "edit", "ACME", "--account", "CACME")
    target = tmp_path / "books.txt"
    books("export", "fec", "--year", "2027", "-o", str(target))
    rows = read_fec(target)
    assert all(dt.date(2026, 7, 1) <= day(r["EcritureDate"]) <= dt.date(2027, 6, 30) for r in rows)
    accounts = {r["CompteNum"] for r in rows}
    assert {"707100", "4457120"} <= accounts and not {"707", "445712"} & accounts
    assert "CACME" in {r["CompAuxNum"] for r in rows}
    assert books("export", "fec", "--year", "2026", "-o", str(tmp_path)).exit_code == 0
    assert (tmp_path / "123456782FEC20260630.txt").exists()


def test_the_journal_export_gives_the_same_entries_as_csv_and_json(books):
    rows = books.json("export", "journal", "--from", "2026-11-01", "--to", "2026-11-30")
    assert rows and all(r["date"].startswith("2026-11") for r in rows)
    assert sum(D(r["debit"]) for r in rows) == sum(D(r["credit"]) for r in rows)
    assert set(rows[0]) == {
        "journal", "entry", "date", "account", "account_label", "auxiliary", "auxiliary_label", "piece", "label",
        "debit", "credit", "lettering", "lettering_date",
    }  # fmt: skip
    text = books("export", "journal", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv").stdout
    assert list(csv.DictReader(io.StringIO(text)))[0]["entry"] == rows[0]["entry"]
    year = books.json("export", "journal", "--from", "2026-01-01", "--to", "2026-12-31")
    assert [r for r in year if r["date"].startswith("2026-11")] == rows  # same numbers, whatever the range


def test_the_vat_report_follows_the_company_option(books):
    on_receipts = books.json("report", "vat", "--month", "2026-08")
    assert {r["basis"] for r in on_receipts} == {"receipts"}  # the deposit, paid in August
    books("company", "set", "--vat-on-debits")
    assert books.json("company", "show")["vat_on_debits"] is True
    november = books.json("report", "vat", "--month", "2026-11")
    assert {r["basis"] for r in november} == {"debits"}
    assert {(r["rate"], r["ca3_line"]) for r in november} >= {("20", "08")}


def test_accounting_errors_name_the_value_and_change_nothing(books, tmp_path):
    refused(books, ["company", "set", "--account", "sales_goods=512"],
            '--account sales_goods "512" must start with 7 (a sales account)')  # fmt: skip
    refused(books, ["company", "set", "--account", "turnover=706"],
            'unknown account "turnover" (one of customers, sales_goods, sales_services, sales_subscriptions, '
            "sales_other, deposits, bank, vat, vat_RATE such as vat_20, bank_METHOD such as bank_cash)")  # fmt: skip
    refused(
        books, ["company", "set", "--account", "706"], '--account "706" must be ROLE=NUMBER (e.g. sales_goods=707100)'
    )
    refused(books, ["company", "set", "--fiscal-year-end", "02-29"],
            '--fiscal-year-end "02-29" must be MM-DD, a day every year has (e.g. 12-31)')  # fmt: skip
    refused(books, ["customer", "edit", "ACME", "--account", "411 ACME"],
            '--account "411 ACME" is not an auxiliary account (letters, digits, - + _ / ., 20 at most)')  # fmt: skip
    refused(books, ["report", "vat", "--month", "2026-13"], '--month "2026-13" must be YYYY-MM (e.g. 2026-11)')
    refused(books, ["export", "journal", "--from", "2026-12-01", "--to", "2026-11-01"],
            "--to 2026-11-01 is before --from 2026-12-01")  # fmt: skip
    refused(books, ["export", "fec", "--year", "2026", "-o", str(tmp_path / "missing" / "fec.txt")],
            f'cannot write "{tmp_path / "missing" / "fec.txt"}": No such file or directory')  # fmt: skip


def test_the_fec_needs_the_company_siren(koban, tmp_path):
    koban("company", "set", "--siren", "")
    refused(koban, ["export", "fec", "--year", "2026", "-o", str(tmp_path)],
            "the FEC is named after the company's SIREN: set it first (koban company set --siren …)")  # fmt: skip
