"""An issued invoice never changes: frozen at validation, archived when first produced, checked by verify."""

import hashlib
import json
import sqlite3

import pytest
from conftest import Koban, sqlite_only
from facturx import get_xml_from_pdf
from lxml import etree
from sqlalchemy import create_engine, text

from koban_cli.db.engine import Ledger, ledger_url
from koban_cli.render.facturx import build_xml
from koban_cli.services import documents

NS = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}
SOUND = "The ledger is sound: every check passed.\n"


@pytest.fixture
def issued(koban):
    koban("company", "set", "--address", "1 rue A", "--postcode", "69001", "--city", "Lyon")
    koban("company", "set", "--iban", "FR7630006000011234567890189", "--bic", "AGRIFRPP", "--late-penalty-rate", "12")
    koban("customer", "edit", "ACME", "--address", "5 quai B", "--city", "Paris", "--siren", "552100554")
    ref = koban.json("invoice", "create", "--customer", "ACME", "--date", "2026-11-02")["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY", "--qty", "2")
    return koban.json("invoice", "validate", ref, "--date", "2026-11-02")["number"]


def edit_everyone(koban):
    koban("customer", "edit", "ACME", "--name", "ACME Renamed SA", "--city", "Marseille")
    koban(
        "company",
        "set",
        "--name",
        "Other Name SAS",
        "--iban",
        "FR7630004000031234567890143",
        "--late-penalty-rate",
        "5",
    )


def xml_now(koban, number):
    ledger = Ledger(ledger_url(koban.db))
    try:
        return build_xml(documents.invoice_context(ledger, number))
    finally:
        ledger.close()


def xml_in(path):
    return get_xml_from_pdf(path.read_bytes(), check_xsd=False)[1]


def sql(koban, *statements):
    engine = create_engine(ledger_url(koban.db))
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def test_the_xml_of_an_issued_invoice_is_byte_identical_after_customer_and_company_edits(koban, issued):
    before = xml_now(koban, issued)
    edit_everyone(koban)
    assert xml_now(koban, issued) == before
    root = etree.fromstring(before)
    assert root.findtext(".//ram:BuyerTradeParty/ram:Name", namespaces=NS) == "ACME SAS"
    assert root.findtext(".//ram:SellerTradeParty/ram:Name", namespaces=NS) == "Atelier Test SARL"
    assert root.findtext(".//ram:PayeePartyCreditorFinancialAccount/ram:IBANID", namespaces=NS).endswith("0189")


def test_a_first_print_after_the_edits_still_shows_what_was_issued(koban, issued, tmp_path):
    from pypdf import PdfReader

    edit_everyone(koban)
    out = tmp_path / "fa.pdf"
    koban("invoice", "pdf", issued, "-o", str(out))
    page = " ".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "ACME SAS" in page and "Paris" in page and "Atelier Test SARL" in page and "12 %" in page
    assert "Renamed" not in page and "Marseille" not in page and "Other Name" not in page and "0123" not in page


def test_a_reprint_after_customer_edit_is_byte_identical(koban, issued, tmp_path):
    first, again = tmp_path / "first.pdf", tmp_path / "again.pdf"
    koban("invoice", "pdf", issued, "-o", str(first))
    edit_everyone(koban)
    koban("invoice", "pdf", issued, "-o", str(again))
    assert again.read_bytes() == first.read_bytes()


def test_payments_recorded_after_issue_do_not_alter_the_issued_xml(koban, issued, tmp_path):
    gross = koban.json("invoice", "show", issued)["gross"]
    koban("invoice", "pay", issued, "--amount", "100", "--date", "2026-11-20")
    out = tmp_path / "fa.pdf"
    koban("invoice", "pdf", issued, "-o", str(out))
    summary = etree.fromstring(xml_in(out)).find(".//ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS)
    assert summary.findtext("ram:TotalPrepaidAmount", namespaces=NS) == "0.00"
    assert summary.findtext("ram:DuePayableAmount", namespaces=NS) == gross
    assert koban.json("invoice", "show", issued)["paid"] == "100.00"  # the ledger still knows it


def test_the_snapshot_is_in_the_chain_and_a_tampered_field_is_seen_by_verify(koban, issued):
    snapshot = json.loads(_one(koban, f"SELECT snapshot FROM invoice WHERE number = '{issued}'"))
    assert snapshot["buyer"]["name"] == "ACME SAS" and snapshot["seller"]["iban"].endswith("0189")
    assert snapshot["lang"] == "fr" and snapshot["frozen"] == "validation"
    snapshot["seller"]["iban"] = "FR7699999999999999999999999"
    if koban.db.endswith(".db"):
        sql(koban, "DROP TRIGGER invoice_issued_update")
    sql(koban, f"UPDATE invoice SET snapshot = '{json.dumps(snapshot)}' WHERE number = '{issued}'")
    result = koban("verify", ok=False)
    assert f"Error: hash chain: {issued}: its content or its place in the chain was changed outside koban" in (
        result.stderr
    )


@sqlite_only
def test_the_database_refuses_a_change_of_the_snapshot(koban, issued):
    with sqlite3.connect(koban.db) as conn, pytest.raises(sqlite3.IntegrityError, match="immutable"):
        conn.execute("UPDATE invoice SET snapshot = '{}'")


def _one(koban, query):
    engine = create_engine(ledger_url(koban.db))
    with engine.connect() as conn:
        value = conn.execute(text(query)).scalar()
    engine.dispose()
    return value


@sqlite_only
def test_the_first_pdf_is_archived_beside_the_ledger_and_verify_checks_its_hash(koban, issued, tmp_path):
    out = tmp_path / "fa.pdf"
    koban("invoice", "pdf", issued, "-o", str(out))
    files = list((tmp_path / "ledger.db.archive").iterdir())
    assert len(files) == 1 and files[0].read_bytes() == out.read_bytes()
    assert _one(koban, "SELECT sha256 FROM invoice_archive") == hashlib.sha256(out.read_bytes()).hexdigest()
    assert koban("verify").stdout == SOUND
    files[0].write_bytes(out.read_bytes() + b"%")
    result = koban("verify", ok=False)
    assert f"Error: archive: {issued}: its archived original was altered" in result.stderr
    refused_pdf = koban("invoice", "pdf", issued, "-o", str(tmp_path / "again.pdf"), ok=False)
    assert refused_pdf.stderr.startswith(f"Error: the archived original of {issued} (")
    files[0].unlink()
    assert f"Error: archive: {issued}: its archived original {files[0].name} is missing" in (
        koban("verify", ok=False).stderr
    )


def test_pdf_all_archives_the_originals_and_a_second_run_copies_them(koban, issued, tmp_path):
    koban("invoice", "pdf", "--all", "--outdir", str(tmp_path / "one"))
    koban("invoice", "pdf", "--all", "--outdir", str(tmp_path / "two"))
    first, second = (tmp_path / "one" / f"{issued}.pdf").read_bytes(), (tmp_path / "two" / f"{issued}.pdf").read_bytes()
    assert first == second
    assert _one(koban, "SELECT sha256 FROM invoice_archive") == hashlib.sha256(first).hexdigest()


def test_another_language_or_a_plain_pdf_is_a_copy_and_is_not_archived(koban, issued, tmp_path):
    koban("invoice", "pdf", issued, "-o", str(tmp_path / "en.pdf"), "--lang", "en")
    koban("invoice", "pdf", issued, "-o", str(tmp_path / "plain.pdf"), "--no-facturx")
    assert _one(koban, "SELECT count(*) FROM invoice_archive") == 0


@sqlite_only
def test_a_ledger_of_the_previous_version_verifies_and_gets_snapshots_taken_at_migration(tmp_path):
    from pathlib import Path

    from alembic import command
    from alembic.config import Config
    from conftest import TODAY

    import koban_cli.db.engine as engine
    from koban_cli.db.integrity_sql import TRIGGERS, backfill_chain
    from koban_cli.services import demo

    path = tmp_path / "old.db"
    demo.build(Ledger(ledger_url(str(path))), TODAY)
    old = create_engine(f"sqlite:///{path}")  # back to what koban 0006 left: links of version 1, no snapshot
    config = Config()
    config.set_main_option("script_location", str(Path(engine.__file__).parent / "migrations"))
    with old.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0006")
        conn.exec_driver_sql("DROP TRIGGER invoice_validated_update")  # links as 0006 computed them
        backfill_chain(conn)
        conn.exec_driver_sql(TRIGGERS["invoice_validated_update"])
    old.dispose()
    koban = Koban(str(path))
    assert koban("verify").stdout == SOUND
    assert json.loads(_one(koban, "SELECT snapshot FROM invoice WHERE number = 'FA-2026-0001'"))["frozen"] == (
        "migration 0007"
    )
    before = xml_now(koban, "FA-2026-0001")
    koban("company", "set", "--name", "Renamed after the migration")
    assert xml_now(koban, "FA-2026-0001") == before


def test_payments_are_protected_and_a_tampered_payment_is_seen_by_verify(koban, issued):
    koban("invoice", "pay", issued, "--amount", "100", "--date", "2026-11-20")
    if koban.db.endswith(".db"):
        with sqlite3.connect(koban.db) as conn:
            for statement in ("UPDATE payment SET amount = amount * 10", "DELETE FROM payment"):
                with pytest.raises(sqlite3.IntegrityError, match="payments are never changed or deleted"):
                    conn.execute(statement)
        sql(koban, "DROP TRIGGER payment_update")
    sql(koban, "UPDATE payment SET amount = amount * 100, date = '2026-10-01'")
    stderr = koban("verify", ok=False).stderr
    gross = koban.json("invoice", "show", issued)["gross"]
    assert f"Error: payments: {issued}: payments of 10000.00 exceed its gross {gross}\n" in stderr
    assert f"Error: payments: {issued}: a payment is dated 2026-10-01, before the invoice's date 2026-11-02\n" in stderr


def test_the_emailed_invoice_is_the_archived_original(koban, issued, tmp_path, monkeypatch):
    from aiosmtpd.controller import Controller
    from test_cli_sending import Inbox, free_port

    port = free_port()
    for name, value in (("CONFIG", str(tmp_path / "none.toml")), ("SMTP_HOST", "127.0.0.1"), ("SMTP_PORT", str(port))):
        monkeypatch.setenv(f"KOBAN_{name}", value)
    monkeypatch.setenv("KOBAN_SMTP_SECURITY", "none")
    monkeypatch.setenv("KOBAN_SMTP_FROM", "factures@atelier.example")
    koban("customer", "edit", "ACME", "--email", "compta@acme.example")
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        koban("invoice", "send", issued)
    finally:
        controller.stop()
    (attachment,) = [part for part in inbox.messages[0].walk() if part.get_filename()]
    sent = attachment.get_payload(decode=True)
    assert _one(koban, "SELECT sha256 FROM invoice_archive") == hashlib.sha256(sent).hexdigest()
    out = tmp_path / "again.pdf"
    koban("invoice", "pdf", issued, "-o", str(out))
    assert out.read_bytes() == sent


@sqlite_only
def test_a_new_ledger_has_exactly_the_current_triggers(koban):
    from koban_cli.db.integrity_sql import CURRENT_TRIGGERS

    with sqlite3.connect(koban.db) as conn:
        installed = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    assert installed == CURRENT_TRIGGERS
