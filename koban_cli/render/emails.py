"""The words of the e-mails koban sends with a document, per language and kind.

Each e-mail is a text template in templates/, `email_<kind>.<lang>.txt`, holding a `subject` block and a
`body` block: `email_invoice` for every invoice kind and the credit note (a kind of its own,
`email_credit_note.fr.txt` say, is used first when a company's folder has one), `email_reminder` and
`email_formal_notice` for the letters chasing an overdue invoice. They are found as the PDF templates are
(render/html.py): a company's own template folder first, then the shipped one, in the same sandbox; the
text is not HTML, so nothing is escaped. The service passes typed values (kind, number, Money, dates,
the company's name) and gets back the subject and the body; money and dates are written by the
templates' filters, which render's formatters provide.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache, partial
from typing import NamedTuple

from babel.dates import format_date

from koban_cli.domain.money import Money
from koban_cli.errors import KobanError
from koban_cli.render import html
from koban_cli.render.formatting import LOCALES
from koban_cli.render.labels import TITLES


class Email(NamedTuple):
    subject: str
    body: str


def invoice_email(
    kind: str, number: str, gross: Money, company: str, lang: str = "fr", own_templates: str | None = None
) -> Email:
    """The e-mail an invoice or a credit note (`kind`: its InvoiceKind) is sent with."""
    names = [f"email_{kind}.{lang}.txt", f"email_invoice.{lang}.txt"]
    return _render(names, lang, own_templates, title=TITLES[lang][kind], number=number, gross=gross, company=company)


def reminder_email(
    *,
    formal_notice: bool,
    previous: int,
    number: str,
    date: dt.date,
    due_date: dt.date,
    due: Money,
    pay_within_days: int,
    company: str,
    lang: str,
    own_templates: str | None = None,
) -> Email:
    """The e-mail a reminder letter goes with; `previous` is how many reminders the invoice had before (a
    formal notice reached without one claims none)."""
    kind = "formal_notice" if formal_notice else "reminder"
    return _render(
        [f"email_{kind}.{lang}.txt"],
        lang,
        own_templates,
        title=TITLES[lang][kind],
        previous=previous,
        number=number,
        date=date,
        due_date=due_date,
        due=due,
        pay_within_days=pay_within_days,
        company=company,
    )


def _render(names: list[str], lang: str, own_templates: str | None, **values) -> Email:
    env = _environment(lang, own_templates)
    try:
        template = env.select_template(names)
        missing = [block for block in Email._fields if block not in template.blocks]
        if missing:
            raise KobanError(f"the template {template.filename} has no {{% block {missing[0]} %}}")
        context = template.new_context(values)
        subject, body = ("".join(template.blocks[block](context)) for block in Email._fields)
    except KobanError:
        raise
    except Exception as exc:  # noqa: BLE001 - a company's template broken, failing or reaching outside the sandbox
        raise html.refused(exc, own_templates, names[-1]) from None
    if "\n" in subject or "\r" in subject:
        raise KobanError(f"the template {template.filename}: the subject must hold on one line")
    return Email(subject, body)


@lru_cache(maxsize=8)
def _environment(lang: str, own_templates: str | None):
    """The PDF templates' environment (the same folders and sandbox), for text: nothing escaped, no compiled
    templates shared with it."""
    env = html.environment(lang, own_templates).overlay(autoescape=False, bytecode_cache=None)
    env.filters = env.filters | {"short_date": partial(short_date, lang=lang)}
    return env


def short_date(value: dt.date, lang: str) -> str:
    """`09/09/2026`: a date in figures, in the language's order."""
    return format_date(value, format="short", locale=LOCALES[lang])
