"""Reminder letters: the plain context a reminder is printed from, and emailing it with the invoice.

A letter is built from what the reminder recorded (amount due, penalties, indemnity), so a letter sent
again after a failure states the same figures. The invoice goes with it as issued: its archived original
(services/ledger/archive.py), rendered and archived the first time. Rendering is passed in (`render`), so this
module never imports WeasyPrint.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from sqlmodel import select

from koban_cli import mail
from koban_cli.db.engine import Ledger
from koban_cli.db.models import Customer, Invoice, Reminder
from koban_cli.domain.money import Money
from koban_cli.errors import KobanError
from koban_cli.render import emails, labels
from koban_cli.services import documents, lookup, views
from koban_cli.services.ledger import archive
from koban_cli.services.payments import reminders

PAY_WITHIN_DAYS = 8  # the delay a letter gives (the usual "sous huitaine" of a French formal notice)


@dataclass(frozen=True, slots=True)
class LetterSent:
    """What became of one reminder's email: to whom it went, or why not (`error` None when sent)."""

    invoice: str
    level: int
    to: str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class ReminderFigures:
    """What a letter says of the reminder: its level, the figures on its date and the deadline it gives."""

    level: int
    levels: int
    previous: int  # levels skipped (cron stopped) are not claimed as sent
    days: int
    formal_notice: bool
    date: dt.date
    days_late: int
    amount_due: Money
    penalty_rate: Decimal
    penalties: Money
    indemnity: Money
    total: Money
    pay_by: dt.date
    pay_within_days: int


@dataclass(frozen=True, slots=True)
class ChasedInvoice:
    """The invoice a letter chases, as it stands on the reminder's date."""

    number: str
    date: dt.date
    due_date: dt.date
    gross: Money
    settled: Money
    due: Money


def context(ledger: Ledger, reminder_id: int, lang: str | None = None) -> dict:
    """What `templates/reminder.html` prints: the live company and customer, the invoice, the figures."""
    with ledger.read() as session:
        reminder = session.get(Reminder, reminder_id)
        invoice = session.get(Invoice, reminder.invoice_id)
        customer = session.get(Customer, invoice.customer_id)
        company = views.company_view(lookup.company(session))
        buyer = views.customer_view(customer)
        levels = len(reminders.reminder_levels(session))
        previous = len(
            session.exec(
                select(Reminder.id).where(Reminder.invoice_id == invoice.id, Reminder.level < reminder.level)
            ).all()
        )
    lang = lang or reminder.lang
    due = Money(reminder.amount_due)
    return {
        "kind": "reminder",
        "ref": invoice.number,
        "company": company,
        "customer": buyer,
        "lang_of_letter": lang,
        "reminder": ReminderFigures(
            level=reminder.level,
            levels=levels,
            previous=previous,
            days=reminder.days,
            formal_notice=reminder.formal_notice,
            date=reminder.date,
            days_late=(reminder.date - invoice.due_date).days,
            amount_due=due,
            penalty_rate=reminder.penalty_rate,
            penalties=Money(reminder.penalties),
            indemnity=Money(reminder.indemnity),
            total=due + Money(reminder.penalties) + Money(reminder.indemnity),
            pay_by=reminder.date + dt.timedelta(days=PAY_WITHIN_DAYS),
            pay_within_days=PAY_WITHIN_DAYS,
        ),
        "invoice": ChasedInvoice(
            invoice.number, invoice.date, invoice.due_date, Money(invoice.gross), Money(invoice.gross) - due, due
        ),
    }


def file_name(ctx: dict) -> str:
    """`FA-2026-0001-relance-2.pdf`, `FA-2026-0001-mise-en-demeure.pdf` (English: reminder-2, formal-notice)."""
    level = ctx["reminder"]
    what = labels.LETTER_FILES[ctx["lang_of_letter"]]["formal_notice" if level.formal_notice else "reminder"]
    return f"{ctx['invoice'].number.replace('/', '_')}-{what.format(level=level.level)}.pdf"


def deliver(
    ledger: Ledger, reminder_ids: list[int], config: mail.SmtpSettings, render: Callable[..., bytes]
) -> list[LetterSent]:
    """Email each reminder with its letter and the invoice; one result per reminder (`error` None when sent).

    A failure is recorded on the reminder (send_error) and leaves it unsent, for `invoice remind --unsent`."""
    results = []
    for reminder_id in reminder_ids:
        try:
            results.append(_deliver_one(ledger, reminder_id, config, render))
        except KobanError as exc:
            reminders.mark(ledger, reminder_id, str(exc))
            results.append(_result(ledger, reminder_id, None, str(exc)))
    return results


def _deliver_one(ledger: Ledger, reminder_id: int, config: mail.SmtpSettings, render) -> LetterSent:
    ctx = context(ledger, reminder_id)
    to = ctx["customer"].get("email")
    if not to:
        reminders.mark(ledger, reminder_id, "the customer has no email address")
        return _result(ledger, reminder_id, None, "the customer has no email address")
    letter = render(ctx, ctx["lang_of_letter"], False)
    number = ctx["invoice"].number
    invoice = documents.invoice_context(ledger, number)
    original = archive.original(ledger, invoice, render)  # the invoice as issued, archived the first time
    subject, body = _wording(ctx)
    message = mail.message(config.sender, to, subject, body, letter, file_name(ctx))
    message.add_attachment(original, maintype="application", subtype="pdf", filename=f"{number}.pdf")
    try:
        mail.send(config, message)
    except (OSError, smtplib.SMTPException) as exc:
        error = f"not sent: {exc}"
        reminders.mark(ledger, reminder_id, error)
        return _result(ledger, reminder_id, to, error)
    reminders.mark(ledger, reminder_id, None)
    return _result(ledger, reminder_id, to, None)


def _result(ledger: Ledger, reminder_id: int, to: str | None, error: str | None) -> LetterSent:
    with ledger.read() as session:
        reminder = session.get(Reminder, reminder_id)
        number = session.get(Invoice, reminder.invoice_id).number
    return LetterSent(number, reminder.level, to, error)


def _wording(ctx: dict) -> emails.Email:
    """The email's subject and body (render/emails.py); the letter itself (the PDF) is the template's."""
    level, invoice, company = ctx["reminder"], ctx["invoice"], ctx["company"]
    return emails.reminder_email(
        formal_notice=level.formal_notice,
        previous=level.previous,
        number=invoice.number,
        date=invoice.date,
        due_date=invoice.due_date,
        due=invoice.due,
        pay_within_days=level.pay_within_days,
        company=company["name"],
        lang=ctx["lang_of_letter"],
        own_templates=company.get("template_dir"),
    )
