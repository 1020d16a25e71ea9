"""Reminders of overdue invoices (issue 24): levels, penalties to the day, letters emailed through a real
SMTP server (aiosmtpd), a failed send retried, two runs at once, the penalty invoice drafted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from conftest import refused
from sqlalchemy import func, select
from test_cli_sending import smtp  # noqa: F401 - the fixture: a real SMTP server on loopback
from test_races import count, interleave

from koban_cli.db.models import Reminder
from koban_cli.domain import reminders as R
from koban_cli.errors import InvalidValue


def subject(message) -> str:
    from email.header import decode_header, make_header

    return str(make_header(decode_header(message["Subject"]))).replace("\r\n", "")


def invoice(koban, date: str, customer: str = "ACME", qty: str = "1") -> str:
    ref = koban.json("invoice", "create", "--customer", customer, "--date", date)["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY", "--qty", qty)
    return koban.json("invoice", "validate", ref, "--date", date)["number"]


@pytest.fixture
def overdue(koban):
    """FA-2026-0001 of ACME (45 days' terms), 780.00 gross, due on 2026-07-16."""
    koban("customer", "edit", "ACME", "--email", "compta@acme.example")
    return invoice(koban, "2026-06-01")


# --- pure rules ----------------------------------------------------------------------------------------


def test_penalties_accrue_per_day_on_what_was_still_unpaid_each_day():
    due = dt.date(2026, 7, 1)
    # 1560.00 for 14 days, then 1260.00 for 36 days, at 7.86 % over 365 days
    paid = [(dt.date(2026, 7, 15), D("300.00"))]
    assert R.penalties(D("1560.00"), due, paid, dt.date(2026, 8, 20), D("7.86")) == D("14.47")
    assert R.penalties(D("1560.00"), due, [], due, D("7.86")) == D("0.00")
    assert R.penalties(D("100.00"), due, [(dt.date(2026, 6, 30), D("100.00"))], dt.date(2026, 9, 1), D(10)) == 0


def test_the_default_rate_is_three_times_the_legal_interest_rate():
    assert R.penalty_rate(None) == 3 * R.LEGAL_INTEREST_RATE == D("7.86")
    assert R.penalty_rate(D("12")) == D("12")


def test_an_invoice_gets_the_highest_level_it_reached_and_never_a_lower_one_after():
    days = (7, 30, 45)
    assert R.level_due(6, days, set()) is None
    assert R.level_due(7, days, set()).number == 1
    assert R.level_due(40, days, set()).number == 2  # cron stopped for a month: one letter, level 2
    assert R.level_due(40, days, {2}) is None
    assert R.level_due(45, days, {1}) == R.Level(3, 45, True)


def test_reminder_levels_must_be_increasing_days():
    assert R.parse_levels("10, 20") == (10, 20)
    for text in ("30,7", "7,7", "0,10", "a", "1,2,3,4,5,6,7", "400"):
        with pytest.raises(InvalidValue):
            R.parse_levels(text)


def test_ageing_buckets_count_days_past_due():
    as_of = dt.date(2026, 11, 30)
    assert [R.aging_bucket(as_of - dt.timedelta(days=n), as_of) for n in (-3, 0, 1, 30, 31, 60, 61)] == [
        "not_due",
        "not_due",
        "days_1_30",
        "days_1_30",
        "days_31_60",
        "days_31_60",
        "over_60",
    ]


# --- through the CLI -----------------------------------------------------------------------------------


def test_each_level_is_recorded_once_and_a_second_run_finds_nothing(koban, overdue):
    assert koban.json("invoice", "remind", "--as-of", "2026-07-22") == []  # 6 days late
    (row,) = koban.json("invoice", "remind", "--as-of", "2026-07-23")
    assert row == {
        "invoice": overdue,
        "customer": "ACME",
        "due_date": "2026-07-16",
        "days_late": 7,
        "level": 1,
        "formal_notice": False,
        "amount_due": "780.00",
        "penalty_rate": "7.86",
        "penalties": "1.18",  # 780.00 x 7.86 % x 7 / 365
        "indemnity": "40.00",
        "status": "recorded",
        "reason": None,
        "charge": None,
    }
    assert koban.json("invoice", "remind", "--as-of", "2026-07-23") == []
    assert koban.json("invoice", "remind", "--as-of", "2026-08-10") == []  # 25 days: still level 1
    (second,) = koban.json("invoice", "remind", "--as-of", "2026-08-15")
    (notice,) = koban.json("invoice", "remind", "--as-of", "2026-09-01")
    assert (second["level"], notice["level"], notice["formal_notice"]) == (2, 3, True)
    assert koban.json("invoice", "remind", "--as-of", "2026-11-27") == []
    assert count(koban.db, select(func.count()).select_from(Reminder)) == 3


def test_a_dry_run_shows_what_would_be_recorded_and_records_nothing(koban, overdue):
    (row,) = koban.json("invoice", "remind", "--as-of", "2026-09-01", "--dry-run")
    assert (row["level"], row["status"]) == (3, "planned")
    assert count(koban.db, select(func.count()).select_from(Reminder)) == 0


def test_the_company_sets_its_levels_and_penalty_rate(koban, overdue):
    refused(
        koban,
        ["company", "set", "--reminder-levels", "30,7"],
        '--reminder-levels "30,7" must be increasing days from 1 to 365, e.g. 7,30,45',
    )
    assert koban.json("company", "set", "--reminder-levels", "15, 60")["reminder_levels"] == "15,60"
    koban("company", "set", "--late-penalty-rate", "12")
    # the rate the invoice printed when it was issued (none: three times the legal rate) is the one applied
    (row,) = koban.json("invoice", "remind", "--as-of", "2026-08-01")
    assert (row["level"], row["formal_notice"], row["penalty_rate"]) == (1, False, "7.86")
    later = invoice(koban, "2026-09-01")
    rows = koban.json("invoice", "remind", "--as-of", "2026-11-27")
    assert [(r["invoice"], r["level"], r["formal_notice"], r["penalty_rate"]) for r in rows] == [
        (overdue, 2, True, "7.86"),
        (later, 1, False, "12"),
    ]


def test_customers_without_reminders_or_email_are_skipped_and_listed(koban, overdue):
    koban("customer", "edit", "ACME", "--no-reminders")
    other = invoice(koban, "2026-06-02", customer="BOB")
    koban("customer", "edit", "BOB", "--no-email")
    rows = koban.json("invoice", "remind", "--as-of", "2026-08-01")
    assert [(r["invoice"], r["status"], r["reason"]) for r in rows] == [
        (overdue, "skipped", "customer takes no reminders"),
        (other, "skipped", "customer takes no email"),
    ]
    assert count(koban.db, select(func.count()).select_from(Reminder)) == 0
    assert koban.json("customer", "show", "ACME")["no_reminders"] is True
    koban("customer", "edit", "ACME", "--reminders")
    assert [r["status"] for r in koban.json("invoice", "remind", "--as-of", "2026-08-01")] == ["recorded", "skipped"]


def test_a_paid_or_fully_credited_invoice_is_not_reminded(koban, overdue):
    koban("invoice", "pay", overdue, "--amount", "780.00", "--date", "2026-07-20")
    credited = invoice(koban, "2026-06-02")
    note = koban.json("invoice", "credit", credited, "--date", "2026-06-10")["ref"]
    koban("invoice", "validate", note, "--date", "2026-06-10")
    part = invoice(koban, "2026-06-03")
    koban("invoice", "pay", part, "--amount", "80.00", "--date", "2026-06-20")
    rows = koban.json("invoice", "remind", "--as-of", "2026-08-01")
    assert [(r["invoice"], r["amount_due"]) for r in rows] == [(part, "700.00")]


def test_the_reminder_is_emailed_with_its_letter_and_the_issued_invoice(koban, smtp, overdue):  # noqa: F811
    inbox, controller = smtp
    controller.start()
    (row,) = koban.json("invoice", "remind", "--as-of", "2026-09-01", "--send")
    assert (row["status"], row["formal_notice"]) == ("sent", True)
    (message,) = inbox.messages
    assert message["To"] == "compta@acme.example"
    assert subject(message) == f"Mise en demeure : facture {overdue} – Atelier Test SARL"
    files = [part.get_filename() for part in message.walk() if part.get_filename()]
    assert files == [f"{overdue}-mise-en-demeure.pdf", f"{overdue}.pdf"]
    (text,) = [part for part in message.walk() if part.get_content_type() == "text/plain"]
    body = text.get_payload(decode=True).decode()
    assert "reste impayée : 780,00\u00a0€" in body and "sous 8 jours" in body
    from facturx import get_xml_from_pdf

    invoice_pdf = [part for part in message.walk() if part.get_filename() == f"{overdue}.pdf"][0]
    assert overdue.encode() in get_xml_from_pdf(invoice_pdf.get_payload(decode=True), check_xsd=True)[1]
    assert koban.json("invoice", "remind", "--unsent") == []


def test_a_failed_send_leaves_the_reminder_recorded_and_unsent_until_retried(koban, smtp, overdue):  # noqa: F811
    inbox, controller = smtp  # not started: the connection is refused
    failed = koban("invoice", "remind", "--as-of", "2026-08-01", "--send", "--format", "json", ok=False)
    assert failed.exit_code == 1
    assert failed.stderr.startswith(f"Error: {overdue}: not sent:")
    assert failed.stderr.rstrip().endswith("(retry with: koban invoice remind --unsent)")
    (row,) = __import__("json").loads(failed.stdout)
    assert (row["level"], row["status"]) == (1, "not sent")
    assert koban.json("invoice", "remind", "--as-of", "2026-08-01", "--send") == []  # recorded: not twice
    controller.start()
    (sent,) = koban.json("invoice", "remind", "--unsent")
    assert (sent["invoice"], sent["level"], sent["error"]) == (overdue, 1, None)
    assert len(inbox.messages) == 1 and koban.json("invoice", "remind", "--unsent") == []


def test_send_without_email_settings_records_the_reminders_and_says_so(koban, overdue, monkeypatch, tmp_path):
    monkeypatch.setenv("KOBAN_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("KOBAN_SMTP_HOST", raising=False)
    result = koban("invoice", "remind", "--as-of", "2026-08-01", "--send", ok=False)
    assert result.exit_code == 1 and "Error: email is not configured" in result.stderr
    assert "koban invoice remind --unsent" in result.stderr
    assert count(koban.db, select(func.count()).select_from(Reminder)) == 1


@pytest.mark.slow
def test_two_reminder_runs_at_once_record_and_send_each_level_once(koban, smtp, tmp_path):  # noqa: F811
    inbox, controller = smtp
    controller.start()
    koban("customer", "edit", "ACME", "--email", "compta@acme.example")
    koban("customer", "edit", "BOB", "--email", "bob@bob.example")
    numbers = [invoice(koban, "2026-06-01"), invoice(koban, "2026-06-02", customer="BOB")]
    run = ["invoice", "remind", "--as-of", "2026-08-01", "--send", "--format", "json"]
    a, b = interleave(koban.db, tmp_path, "reminders.record", run, run)
    assert (a.code, a.err, b.code, b.err) == (0, "", 0, "")
    recorded = [row["invoice"] for row in __import__("json").loads(a.out) + __import__("json").loads(b.out)]
    assert sorted(recorded) == sorted(numbers)
    assert count(koban.db, select(func.count()).select_from(Reminder)) == 2
    assert sorted(subject(m).split()[3] for m in inbox.messages) == sorted(numbers)


def test_charge_drafts_an_invoice_of_the_penalties_and_the_indemnity_outside_vat(koban, overdue):
    koban.json("invoice", "remind", "--as-of", "2026-08-01")
    (row,) = koban.json("invoice", "remind", "--as-of", "2026-09-01", "--charge")
    draft = koban.json("invoice", "show", row["charge"])
    assert (draft["status"], draft["customer"], draft["gross"]) == ("draft", "ACME", "47.89")
    assert [(line["net"], line["vat_rate"]) for line in draft["lines"]] == [
        ("7.89", "0"),
        ("40.00", "0"),
    ]  # 780.00 x 7.86 % x 47 / 365
    assert draft["lines"][0]["description"].startswith(f"Pénalités de retard sur la facture {overdue}")


def test_letters_are_written_in_french_and_english(koban, overdue, tmp_path):
    koban("customer", "edit", "BOB", "--country", "DE")
    other = invoice(koban, "2026-06-02", customer="BOB")
    out = koban("invoice", "remind", "--as-of", "2026-08-01", "--outdir", str(tmp_path / "letters"))
    assert out.stdout.splitlines()[:2] == [
        str(tmp_path / "letters" / f"{overdue}-relance-1.pdf"),
        str(tmp_path / "letters" / f"{other}-reminder-2.pdf"),  # 30 days' terms: 30 days late
    ]
    from koban_cli.db.engine import Ledger, ledger_url
    from koban_cli.render.html import render_html
    from koban_cli.services.payments import reminder_letters

    ledger = Ledger(ledger_url(koban.db))
    try:
        french = reminder_letters.context(ledger, 1)
        english = reminder_letters.context(ledger, 2)
        french_html, english_html = render_html(french, "fr"), render_html(english, "en")
    finally:
        ledger.close()
    assert "Relance de paiement" in french_html and "Sauf erreur ou omission de notre part" in french_html
    # level 2 reached with no reminder before (cron stopped): the letter claims no previous reminder
    assert "Payment reminder" in english_html and "Unless we are mistaken" in english_html
    assert "previous reminder" not in english_html
    assert "40,00\u00a0€" in french_html and "€40.00" in english_html


def test_a_company_template_overrides_the_text_of_one_level(koban, overdue, tmp_path):
    folder = tmp_path / "own"
    folder.mkdir()
    (folder / "reminder_text_1_fr.html").write_text("<p>Petit rappel amical : {{ invoice.number }}.</p>")
    koban("company", "set", "--template-dir", str(folder))
    koban("invoice", "remind", "--as-of", "2026-08-01")
    from koban_cli.db.engine import Ledger, ledger_url
    from koban_cli.render.html import render_html
    from koban_cli.services.payments import reminder_letters

    ledger = Ledger(ledger_url(koban.db))
    try:
        html = render_html(reminder_letters.context(ledger, 1), "fr")
    finally:
        ledger.close()
    assert f"Petit rappel amical : {overdue}." in html and "Sauf erreur" not in html


def test_a_consumer_owes_the_penalties_but_not_the_recovery_indemnity(koban):
    koban("customer", "edit", "BOB", "--individual")
    number = invoice(koban, "2026-06-01", customer="BOB")  # 30 days' terms: due on 2026-07-01
    (row,) = koban.json("invoice", "remind", "--as-of", "2026-07-31", "--lang", "en")
    assert (row["invoice"], row["level"], row["indemnity"], row["penalties"]) == (number, 2, "0.00", "5.04")


def test_unsent_only_sends_again_and_takes_no_other_option(koban, overdue):
    refused(
        koban,
        ["invoice", "remind", "--unsent", "--charge"],
        "--unsent only sends again what was recorded: give it without --dry-run, --charge, --outdir",
    )
    refused(koban, ["invoice", "remind", "--lang", "de"], '--lang "de" is not one of fr, en')
