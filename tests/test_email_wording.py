"""The e-mails' words are render's (render/emails.py, templates/email_<kind>.<lang>.txt): per kind and
language, money and dates written by render's filters, and overridden by a company's own templates as a
PDF template is."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from test_cli_sending import smtp  # noqa: F401 - the fixture: a real SMTP server on loopback

from koban_cli.domain.kinds import InvoiceKind
from koban_cli.domain.money import Money
from koban_cli.errors import KobanError
from koban_cli.render.emails import Email, invoice_email, reminder_email

COMPANY = "Dupont & Fils <SARL>"  # nothing is escaped: the e-mail is text


def chase(lang: str, formal_notice: bool = False, previous: int = 0, own: str | None = None) -> Email:
    return reminder_email(
        formal_notice=formal_notice,
        previous=previous,
        number="FA-2026-0007",
        date=dt.date(2026, 9, 9),
        due_date=dt.date(2026, 10, 24),
        due=Money.of("2879.78"),
        pay_within_days=8,
        company=COMPANY,
        lang=lang,
        own_templates=own,
    )


@pytest.mark.parametrize(
    "kind, title",
    [
        (InvoiceKind.STANDARD, "Facture"),
        (InvoiceKind.SUBSCRIPTION, "Facture"),
        (InvoiceKind.DEPOSIT, "Facture d'acompte"),
        (InvoiceKind.BALANCE, "Facture de solde"),
        (InvoiceKind.CREDIT_NOTE, "Avoir"),
    ],
)
def test_an_invoice_email_in_french_names_the_document_by_its_kind(kind, title):
    email = invoice_email(kind, "FA-2026-0001", Money.of("1622.29"), COMPANY)
    assert email.subject == f"{title} FA-2026-0001 – {COMPANY}"
    assert email.body == (
        f"Bonjour,\n\nVeuillez trouver ci-joint {title.lower()} FA-2026-0001 d'un montant de 1\u202f622,29\u00a0€ TTC.\n\n"
        f"Cordialement,\n{COMPANY}\n"
    )


def test_an_invoice_email_in_english():
    email = invoice_email(InvoiceKind.CREDIT_NOTE, "AV-2026-0001", Money.of("120"), COMPANY, "en")
    assert email == Email(
        f"Credit note AV-2026-0001 – {COMPANY}",
        f"Hello,\n\nPlease find attached credit note AV-2026-0001, for a total of €120.00 incl. VAT.\n\n"
        f"Kind regards,\n{COMPANY}\n",
    )


def test_a_reminder_email_in_french_and_in_english():
    fr, en = chase("fr"), chase("en")
    assert fr.subject == f"Relance : facture FA-2026-0007 – {COMPANY}"
    assert fr.body == (
        "Bonjour,\n\nSauf erreur de notre part, la facture FA-2026-0007 du 09/09/2026, échue le 24/10/2026, "
        "reste impayée : 2\u202f879,78\u00a0€.\nVous trouverez ci-joint notre relance et la facture. Si vous l'avez "
        f"réglée entre-temps, merci de ne pas tenir compte de ce message.\n\nCordialement,\n{COMPANY}\n"
    )
    assert en.subject == f"Payment reminder: invoice FA-2026-0007 – {COMPANY}"
    assert en.body == (
        "Hello,\n\nUnless we are mistaken, invoice FA-2026-0007 of 09/09/2026, due on 24/10/2026, is still unpaid: "
        "€2,879.78.\nPlease find attached our reminder and the invoice. If you have paid it meanwhile, please "
        f"ignore this message.\n\nKind regards,\n{COMPANY}\n"
    )


@pytest.mark.parametrize("previous", [0, 2])
def test_a_formal_notice_email_claims_reminders_only_when_there_were_some(previous):
    fr, en = chase("fr", True, previous), chase("en", True, previous)
    assert fr.subject == f"Mise en demeure : facture FA-2026-0007 – {COMPANY}"
    assert en.subject == f"Formal notice: invoice FA-2026-0007 – {COMPANY}"
    opening_fr = "Malgré nos relances" if previous else "Sauf erreur de notre part"
    opening_en = "Despite our reminders" if previous else "Unless we are mistaken"
    assert fr.body == (
        f"Bonjour,\n\n{opening_fr}, la facture FA-2026-0007 du 09/09/2026, échue le 24/10/2026, reste impayée : "
        "2\u202f879,78\u00a0€.\nVous trouverez ci-joint notre mise en demeure de payer sous 8 jours, et la facture."
        f"\n\nCordialement,\n{COMPANY}\n"
    )
    assert en.body == (
        f"Hello,\n\n{opening_en}, invoice FA-2026-0007 of 09/09/2026, due on 24/10/2026, is still unpaid: "
        "€2,879.78.\nPlease find attached our formal notice to pay within 8 days, and the invoice.\n\n"
        f"Kind regards,\n{COMPANY}\n"
    )


def test_a_company_overrides_an_email_as_it_overrides_a_pdf_template(tmp_path):
    pdf_only, own = tmp_path / "pdf-only", tmp_path / "own"
    for folder in (pdf_only, own):
        folder.mkdir()
        (folder / "invoice.html").write_text("<p>{{ ref }}</p>")
    assert chase("fr", own=str(pdf_only)) == chase("fr")  # a PDF template only: the e-mails stay koban's
    (own / "email_reminder.fr.txt").write_text(
        "{% block subject %}Petit rappel : {{ number }}{% endblock %}"
        "{% block body %}À régler : {{ due|money }} avant le {{ due_date|date }}.\n{{ company }}\n{% endblock %}"
    )
    assert chase("fr", own=str(own)) == Email(
        "Petit rappel : FA-2026-0007", f"À régler : 2\u202f879,78\u00a0€ avant le 24 octobre 2026.\n{COMPANY}\n"
    )
    assert chase("en", own=str(own)) == chase("en")  # the other language, the other kinds: koban's
    assert chase("fr", True, own=str(own)) == chase("fr", True)


def test_a_company_may_word_one_invoice_kind_apart(tmp_path):
    (tmp_path / "email_credit_note.fr.txt").write_text(
        "{% block subject %}Votre avoir {{ number }}{% endblock %}{% block body %}{{ gross|money }}{% endblock %}"
    )
    credit = invoice_email(
        InvoiceKind.CREDIT_NOTE, "AV-2026-0001", Money.of("120"), COMPANY, own_templates=str(tmp_path)
    )
    assert credit == Email("Votre avoir AV-2026-0001", "120,00\u00a0€")
    standard = invoice_email(InvoiceKind.STANDARD, "FA-2026-0001", Money.of("1"), COMPANY, own_templates=str(tmp_path))
    assert standard == invoice_email(InvoiceKind.STANDARD, "FA-2026-0001", Money.of("1"), COMPANY)


@pytest.mark.parametrize(
    "text, error",
    [
        ("{% block subject %}x{% endblock %}", "has no {% block body %}"),
        ("{% block subject %}a\nb{% endblock %}{% block body %}{% endblock %}", "the subject must hold on one line"),
        (
            "{% block subject %}{{ number.__class__.__mro__ }}{% endblock %}{% block body %}{% endblock %}",
            "cannot be rendered",
        ),
        ("{% block subject %}{{ number }{% endblock %}", "email_invoice.fr.txt line 1 cannot be rendered"),
        ("{% block subject %}{{ 1 / 0 }}{% endblock %}{% block body %}{% endblock %}", "cannot be rendered"),
        ("{% block subject %}{{ number|short_date }}{% endblock %}{% block body %}{% endblock %}", "cannot be rendered"),
        ("{% block subject %}{{ number.amount.x }}{% endblock %}{% block body %}{% endblock %}", "cannot be rendered"),
    ],
)
def test_a_broken_company_email_template_is_one_error(tmp_path, text, error):
    """Broken (syntax, blocks) or failing as it renders (a division by zero, a filter given the wrong value)."""
    (tmp_path / "email_invoice.fr.txt").write_text(text)
    with pytest.raises(KobanError) as refused:
        invoice_email(InvoiceKind.STANDARD, "FA-2026-0001", Money.of("1"), COMPANY, own_templates=str(tmp_path))
    assert error in str(refused.value)


def test_a_companys_email_template_reaches_the_customer(koban, smtp, tmp_path):  # noqa: F811
    inbox, controller = smtp
    controller.start()
    own = tmp_path / "own"
    own.mkdir()
    (own / "email_invoice.fr.txt").write_text(
        "{% block subject %}{{ title }} n° {{ number }}{% endblock %}{% block body %}Total : {{ gross|money }}\n{% endblock %}"
    )
    koban("company", "set", "--template-dir", str(own))  # before validation: the invoice freezes its seller
    koban("customer", "edit", "ACME", "--email", "compta@acme.example")
    ref = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY")
    number = koban.json("invoice", "validate", ref, "--date", "2026-11-27")["number"]
    koban("invoice", "send", number)
    (message,) = inbox.messages
    gross = koban.json("invoice", "show", number)["gross"]
    assert str(make_header(decode_header(message["Subject"]))) == f"Facture n° {number}"
    (text,) = [part for part in message.walk() if part.get_content_type() == "text/plain"]
    assert text.get_payload(decode=True).decode().replace("\r\n", "\n") == f"Total : {gross.replace('.', ',')}\u00a0€\n"


def test_printing_a_document_does_not_load_the_emails():
    """render/emails.py comes with sending only: the PDF path does not pay for it."""
    code = "import sys, koban_cli.render.pdf, koban_cli.cli.documents; print('koban_cli.render.emails' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parents[1])
    assert run.stdout.strip() == "False", run.stderr[-2000:]
