"""Invoices reach a real SMTP server (aiosmtpd on loopback); failed sends are retried."""

import email
import socket

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch, tmp_path):
    port = free_port()
    monkeypatch.setenv("KOBAN_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("KOBAN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KOBAN_SMTP_PORT", str(port))
    monkeypatch.setenv("KOBAN_SMTP_SECURITY", "none")
    monkeypatch.setenv("KOBAN_SMTP_FROM", "factures@atelier.example")
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    yield inbox, controller
    try:
        controller.stop()
    except AssertionError:
        pass  # already stopped by the test


@pytest.fixture
def invoice(koban):
    koban("customer", "edit", "ACME", "--email", "compta@acme.example")
    ref = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY")
    return koban.json("invoice", "validate", ref, "--date", "2026-11-27")["number"]


def test_an_invoice_is_emailed_with_its_factur_x_pdf(koban, smtp, invoice):
    inbox, controller = smtp
    controller.start()
    koban("invoice", "send", invoice)
    (message,) = inbox.messages
    assert message["To"] == "compta@acme.example" and invoice in message["Subject"]
    (attachment,) = [part for part in message.walk() if part.get_filename()]
    assert attachment.get_filename() == f"{invoice}.pdf"
    from facturx import get_xml_from_pdf

    assert b"FA-2026-0001" in get_xml_from_pdf(attachment.get_payload(decode=True), check_xsd=True)[1]
    assert koban("invoice", "send", "--unsent").stdout.strip() == "Nothing to send."
    (listed,) = koban.json("invoice", "list", "--status", "validated")
    shown = koban.json("invoice", "show", invoice)["sent_at"]
    assert listed["sent_at"] == shown and shown.endswith("+00:00")  # when, in UTC, the same in both


def test_a_failed_send_leaves_the_invoice_validated_and_unsent_until_retried(koban, smtp, invoice):
    inbox, controller = smtp
    failed = koban("invoice", "send", invoice, ok=False)
    assert failed.exit_code == 1 and failed.stderr.startswith(f"Error: {invoice}: not sent:")
    assert koban.json("invoice", "show", invoice)["status"] == "validated"
    controller.start()
    koban("invoice", "send", "--unsent")
    assert [m["Subject"].split()[1] for m in inbox.messages] == [invoice]


def test_bill_due_send_emails_the_validated_subscription_invoices(koban, smtp):
    inbox, controller = smtp
    controller.start()
    koban("customer", "edit", "ACME", "--email", "compta@acme.example")
    koban("contract", "create", "--customer", "ACME", "--start", "2026-01-01", "--auto")
    koban("contract", "add-line", "AB-2026-0001", "--product", "HOST")
    rows = koban.json("contract", "bill-due", "--as-of", "2026-03-01", "--send")
    assert len(rows) == 3 and len(inbox.messages) == 3


def test_sending_without_email_configured_says_how_to_configure_it(koban, invoice, monkeypatch, tmp_path):
    monkeypatch.setenv("KOBAN_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("KOBAN_SMTP_HOST", raising=False)
    result = koban("invoice", "send", invoice, ok=False)
    assert result.stderr.startswith("Error: email is not configured: set KOBAN_SMTP_HOST and KOBAN_SMTP_FROM")
