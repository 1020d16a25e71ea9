"""Subscription contracts and `contract bill-due`, from the command line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import refused


@pytest.fixture
def order(koban):
    number = koban.json("order", "create", "--customer", "ACME", "--date", "2026-01-10")["number"]
    koban("order", "add-line", number, "--product", "HOST", "--qty", "2")
    koban("order", "add-line", number, "--product", "DAY")
    koban("order", "validate", number)
    return number


def test_a_contract_takes_only_the_order_subscription_lines(koban, order):
    made = koban.json("contract", "create", "--from-order", order, "--start", "2026-01-31")
    view = koban.json("contract", "show", made["number"], "--as-of", "2026-01-31")
    assert (view["number"], view["order"], view["every"], view["mode"]) == ("AB-2026-0001", order, "monthly", "manual")
    assert [(l["product"], l["qty"], l["unit_price"], l["net"]) for l in view["lines"]] == [
        ("HOST", "2", "49.00", "98.00")
    ]
    assert (view["end"], view["next_due"]) == ("2027-01-30", "2026-01-31")
    other = koban.json("order", "create", "--customer", "ACME")["number"]
    koban("order", "add-line", other, "--product", "DAY")
    koban("order", "validate", other)
    refused(
        koban,
        ["contract", "create", "--from-order", other],
        f"{other} has no subscription line; a contract bills subscription products",
    )


def test_bill_due_bills_each_period_once_from_the_31st_and_catches_up(koban, order):
    number = koban.json("contract", "create", "--from-order", order, "--start", "2026-01-31", "--auto")["number"]
    first = koban.json("contract", "bill-due", "--as-of", "2026-02-01")
    assert [(r["period_start"], r["period_end"], r["invoice"], r["net"], r["status"]) for r in first] == [
        ("2026-01-31", "2026-02-27", "FA-2026-0001", "98.00", "validated")
    ]
    assert koban.json("contract", "bill-due", "--as-of", "2026-02-01") == []
    caught_up = koban.json("contract", "bill-due", "--as-of", "2026-04-15")  # the job missed March
    assert [(r["period_start"], r["period_end"]) for r in caught_up] == [
        ("2026-02-28", "2026-03-30"),
        ("2026-03-31", "2026-04-29"),
    ]
    invoice = koban.json("invoice", "show", "FA-2026-0002")
    assert (invoice["kind"], invoice["contract"], invoice["date"]) == ("subscription", number, "2026-04-15")
    assert (invoice["lines"][0]["period_start"], invoice["lines"][0]["period_end"]) == ("2026-02-28", "2026-03-30")
    view = koban.json("contract", "show", number, "--as-of", "2026-04-15")
    assert [p["invoice"] for p in view["periods"]] == ["FA-2026-0001", "FA-2026-0002", "FA-2026-0003"]
    assert view["next_due"] == "2026-04-30"


def test_a_quarterly_contract_bills_three_months_of_a_monthly_price_as_drafts_when_manual(koban, order):
    koban("contract", "create", "--from-order", order, "--start", "2026-01-01", "--every", "quarterly")
    rows = koban.json("contract", "bill-due", "--as-of", "2026-01-01")
    assert [(r["period_end"], r["net"], r["status"], r["invoice"][:5]) for r in rows] == [
        ("2026-03-31", "294.00", "draft", "PROV-")
    ]
    dry = koban.json("contract", "bill-due", "--as-of", "2026-04-01", "--dry-run")
    assert [(r["period_start"], r["net"], r["status"], r["invoice"]) for r in dry] == [
        ("2026-04-01", "294.00", "planned", None)
    ]
    assert koban.json("contract", "bill-due", "--as-of", "2026-01-01") == []


def test_termination_respects_notice_and_the_last_period_is_prorated(koban, order):
    number = koban.json(
        "contract", "create", "--from-order", order, "--start", "2026-01-01", "--every", "quarterly", "--auto"
    )["number"]
    refused(
        koban,
        ["contract", "terminate", number, "--on", "2026-02-15", "--as-of", "2026-02-01"],
        f"{number} has 30 days' notice: the earliest end is 2026-03-03; use --force to terminate on 2026-02-15 anyway",
    )
    koban("contract", "terminate", number, "--on", "2026-05-15", "--as-of", "2026-02-01")
    rows = koban.json("contract", "bill-due", "--as-of", "2026-11-01")
    assert [(r["period_start"], r["period_end"]) for r in rows] == [
        ("2026-01-01", "2026-03-31"),
        ("2026-04-01", "2026-05-15"),
    ]
    last = koban.json("invoice", "show", rows[-1]["invoice"])["lines"][0]
    assert "prorata 45/91 jours" in last["description"]
    assert (last["qty"], last["unit_price"], last["net"]) == ("1", "145.38", "145.38")  # 2 x 147 x 45/91, once
    refused(
        koban,
        ["contract", "terminate", number, "--on", "2026-06-30", "--as-of", "2026-07-01"],
        f"{number} is already terminated (last day 2026-05-15)",
    )


def test_renewals_flag_a_passed_notice_deadline_and_reprice_indexes_future_periods(koban, order):
    number = koban.json(
        "contract", "create", "--from-order", order, "--start", "2026-01-01", "--months", "12", "--notice-days", "60"
    )["number"]
    rows = koban.json("contract", "renewals", "--within", "60", "--as-of", "2026-11-15")
    assert rows == [
        {
            "contract": number,
            "customer": "ACME",
            "end": "2026-12-31",
            "notice_deadline": "2026-11-01",
            "notice_passed": True,
            "renews": True,
        }
    ]
    koban("contract", "reprice", number, "--percent", "3.5", "--from", "2026-03-01")
    rows = koban.json("contract", "bill-due", "--as-of", "2026-03-01")
    assert [r["net"] for r in rows] == ["98.00", "98.00", "101.44"]  # 49 x 1.035 = 50.72 per unit


@pytest.mark.parametrize(
    "args, message",
    [
        (["--start", "2026-05-01", "--end", "2026-04-01"], "--end 2026-04-01 is before the start 2026-05-01"),
        (["--every", "weekly"], 'period "weekly" is not one of monthly, quarterly, semiannual, yearly'),
        (["--months", "0"], '--months "0" must be from 1 to 120'),
    ],
)
def test_bad_contract_terms_are_refused(koban, order, args, message):
    refused(koban, ["contract", "create", "--from-order", order, *args], message)


def test_bill_due_with_a_bad_date_is_refused(koban):
    refused(
        koban, ["contract", "bill-due", "--as-of", "soon"], '--as-of "soon" is not a date (use YYYY-MM-DD or "today")'
    )


@pytest.mark.slow  # real processes
def test_two_bill_due_processes_at_once_bill_every_period_exactly_once(koban, db_path):
    for n in range(12):
        koban("contract", "create", "--customer", "ACME", "--start", "2026-01-01", "--auto")
        koban("contract", "add-line", f"AB-2026-{n + 1:04d}", "--product", "HOST")
    env = os.environ | {"PYTHONPATH": str(Path(__file__).parents[1])}
    command = [
        sys.executable,
        "-m",
        "koban_cli",
        "--db",
        db_path,
        "contract",
        "bill-due",
        "--as-of",
        "2026-06-15",
        "--format",
        "json",
    ]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True) for _ in range(2)
    ]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    invoices = koban.json("invoice", "list")
    assert len(invoices) == 12 * 6
    assert sorted(i["number"] for i in invoices) == [f"FA-2026-{n:04d}" for n in range(1, 73)]
    for n in range(12):
        periods = koban.json("contract", "show", f"AB-2026-{n + 1:04d}", "--as-of", "2026-06-15")["periods"]
        assert [p["start"] for p in periods] == [f"2026-{m:02d}-01" for m in range(1, 7)]


def test_contract_pdf_renders(koban, order, tmp_path):
    number = koban.json("contract", "create", "--from-order", order, "--start", "2026-01-01")["number"]
    out = tmp_path / "ab.pdf"
    koban("contract", "pdf", number, "-o", str(out))
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "Contrat d'abonnement" in text and number in text and "Préavis" in text


def test_a_failing_contract_is_reported_and_the_others_are_still_billed(koban):
    koban("customer", "edit", "BOB", "--siren", "552100554")  # else its invoice warns of the missing SIREN
    koban("contract", "create", "--customer", "ACME", "--start", "2026-01-01", "--auto")  # no line: fails
    koban("contract", "create", "--customer", "BOB", "--start", "2026-01-01", "--auto")
    koban("contract", "add-line", "AB-2026-0002", "--product", "HOST")
    result = koban("contract", "bill-due", "--as-of", "2026-01-01", "--format", "json", ok=False)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: AB-2026-0001: AB-2026-0001 has no line to bill (koban contract add-line AB-2026-0001 …)\n"
    )
    import json

    assert [row["contract"] for row in json.loads(result.stdout)] == ["AB-2026-0002"]
