"""Emailing validated invoices: sent ones are marked, failed ones stay unsent for a retry."""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass
from typing import Callable

from sqlmodel import select

from koban_cli import mail
from koban_cli.db.engine import Ledger
from koban_cli.db.models import Customer, Invoice
from koban_cli.domain.kinds import Status
from koban_cli.errors import InvalidState, KobanError
from koban_cli.render import emails
from koban_cli.services import documents, lookup
from koban_cli.services.invoicing.issuing import ISSUED_LANG
from koban_cli.services.ledger import archive


@dataclass(frozen=True, slots=True)
class InvoiceSent:
    """What became of one invoice's email: to whom it went, or why not (`error` None when sent)."""

    invoice: str
    to: str | None
    error: str | None


def unsent(ledger: Ledger) -> list[str]:
    """Validated invoices not sent yet, but those of customers who take no email."""
    with ledger.read() as session:
        return list(
            session.exec(
                select(Invoice.number)
                .join(Customer, Customer.id == Invoice.customer_id)
                .where(Invoice.status == Status.VALIDATED, Invoice.sent_at.is_(None), Customer.no_email.is_(False))
                .order_by(Invoice.id)
            )
        )


def emailable(ledger: Ledger, refs: list[str]) -> list[str]:
    """The invoices among `refs` whose customer takes email (bill-due --send skips the others)."""
    if not refs:
        return []
    with ledger.read() as session:
        kept = set(
            session.exec(
                select(Invoice.number)
                .join(Customer, Customer.id == Invoice.customer_id)
                .where(Invoice.number.in_(refs), Customer.no_email.is_(False))
            )
        )
    return [ref for ref in refs if ref in kept]


def check_sendable(ledger: Ledger, refs: list[str]) -> None:
    """Refuses, before anything is sent, an invoice that does not exist, a draft, or one whose customer
    takes no email."""
    with ledger.read() as session:
        for ref in refs:
            invoice = lookup.invoice(session, ref)
            if invoice.status != Status.VALIDATED:
                raise InvalidState(f"{ref} is a draft; validate it before sending it")
            customer = session.get(Customer, invoice.customer_id)
            if customer.no_email:
                raise InvalidState(f"{ref}: customer {customer.code} takes no email (send it by hand)")


def deliver(
    ledger: Ledger, refs: list[str], config: mail.SmtpSettings, render: Callable[[dict], bytes]
) -> list[InvoiceSent]:
    """Send each invoice with its PDF; returns one result per invoice (`error` is None when sent)."""
    results = []
    for ref in refs:
        try:
            results.append(_deliver_one(ledger, ref, config, render))
        except KobanError as exc:
            results.append(InvoiceSent(ref, None, str(exc)))
    return results


def _deliver_one(ledger: Ledger, ref: str, config: mail.SmtpSettings, render: Callable[[dict], bytes]) -> InvoiceSent:
    with ledger.read() as session:
        invoice = lookup.invoice(session, ref)
        if invoice.status != Status.VALIDATED:
            raise InvalidState(f"{ref} is a draft; validate it before sending it")
        to = session.get(Customer, invoice.customer_id).email
        own_templates = lookup.company(session).template_dir  # today's: the e-mail is not the frozen document
    if not to:
        _mark(ledger, ref, "the customer has no email address")
        return InvoiceSent(ref, None, "the customer has no email address")
    context = documents.invoice_context(ledger, ref)
    doc, company = context["doc"], context["company"]
    # In French, as the issued original it carries (services/invoicing/issuing.ISSUED_LANG).
    email = emails.invoice_email(doc.kind, ref, doc.gross, company["name"], ISSUED_LANG, own_templates)
    attachment = archive.original(ledger, context, render)  # the issued file, archived the first time
    message = mail.message(config.sender, to, email.subject, email.body, attachment, f"{ref}.pdf")
    try:
        mail.send(config, message)
    except (OSError, smtplib.SMTPException) as exc:
        error = f"not sent: {exc}"
        _mark(ledger, ref, error)
        return InvoiceSent(ref, to, error)
    _mark(ledger, ref, None)
    return InvoiceSent(ref, to, None)


def _mark(ledger: Ledger, ref: str, error: str | None) -> None:
    with ledger.write() as session:
        invoice = lookup.invoice(session, ref)
        invoice.send_error = error
        invoice.sent_at = None if error else dt.datetime.now(dt.timezone.utc)
        session.add(invoice)
