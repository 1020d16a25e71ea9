"""What customers owe: a customer's statement of account (open items, their payments, the balance, aged)
and the aged balance of every customer (`report aging`).

Open means validated and not settled on the as-of date: an invoice's gross less its payments dated up to
then; a credit note's gross less its refunds and applications, counted negative. Invoices are aged from
their due date; a credit note, which has none, from its own date.

Reads in SQLAlchemy Core over db/tables.py: neither the ORM nor the models are imported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from koban_cli.db.engine import Ledger
from koban_cli.db.tables import credit_application, customer, invoice, payment
from koban_cli.domain import reminders as R
from koban_cli.domain.kinds import AgeBucket, InvoiceKind, Status
from koban_cli.domain.money import Money
from koban_cli.domain.values import ZERO
from koban_cli.services import lookup, views


@dataclass(frozen=True, slots=True)
class StatementPayment:
    """A payment (or refund, or credit note application) on an open document, up to the as-of date."""

    date: dt.date
    amount: Money
    method: str | None
    applied: str | None  # the other document of a credit note applied


@dataclass(frozen=True, slots=True)
class StatementItem:
    """An open invoice or credit note (its amounts negative) on a statement, with its payments."""

    number: str
    kind: InvoiceKind
    date: dt.date
    due_date: dt.date | None
    gross: Money
    paid: Money
    open: Money
    days_late: int
    bucket: AgeBucket  # not_due, days_1_30, days_31_60 or over_60
    payments: tuple[StatementPayment, ...]


@dataclass(frozen=True, slots=True)
class Aged:
    """Open amounts per age bucket (R.AGING_BUCKETS, in that order)."""

    not_due: Money
    days_1_30: Money
    days_31_60: Money
    over_60: Money


@dataclass(frozen=True, slots=True)
class Statement:
    """A customer's statement of account on a date: the open documents, their ageing and the balance."""

    customer: str
    name: str
    as_of: dt.date
    items: tuple[StatementItem, ...]
    aging: Aged
    balance: Money


@dataclass(frozen=True, slots=True)
class AgingRow:
    """One customer's line of the aged balance: open amounts per age bucket and the balance."""

    customer: str
    name: str
    not_due: Money
    days_1_30: Money
    days_31_60: Money
    over_60: Money
    balance: Money


def _aged(amounts: dict[str, Decimal]) -> Aged:
    return Aged(*(Money.of(amounts[bucket]) for bucket in R.AGING_BUCKETS))


def _open_documents(db, as_of: dt.date, customer_id: int | None = None) -> list[tuple]:
    """(document, open amount signed, its payments up to as_of) of every open validated document (rows of
    the invoice and payment tables); `db` is a Core connection."""
    query = (
        select(invoice)
        .where(invoice.c.status == Status.VALIDATED, invoice.c.date <= as_of)
        .order_by(invoice.c.date, invoice.c.id)
    )
    if customer_id is not None:
        query = query.where(invoice.c.customer_id == customer_id)
    docs = db.execute(query).all()
    payments: dict[int, list] = {}
    if docs:
        paid_query = select(payment).where(payment.c.date <= as_of).order_by(payment.c.date, payment.c.id)
        if customer_id is not None:
            paid_query = paid_query.where(payment.c.invoice_id.in_([doc.id for doc in docs]))
        for paid in db.execute(paid_query):
            payments.setdefault(paid.invoice_id, []).append(paid)
    out = []
    for doc in docs:
        left = doc.gross - sum((p.amount for p in payments.get(doc.id, [])), ZERO)
        if left != 0:
            out.append((doc, -left if doc.kind == InvoiceKind.CREDIT_NOTE else left, payments.get(doc.id, [])))
    return out


def _applied_documents(db, payment_ids: list[int]) -> dict[int, str]:
    """{payment id: number of the other document} for the payments of credit notes applied to invoices."""
    if not payment_ids:
        return {}
    applications = db.execute(
        select(credit_application).where(
            credit_application.c.payment_id.in_(payment_ids) | credit_application.c.refund_id.in_(payment_ids)
        )
    ).all()
    documents = {a.credit_note_id for a in applications} | {a.invoice_id for a in applications}
    numbers = dict(db.execute(select(invoice.c.id, invoice.c.number).where(invoice.c.id.in_(sorted(documents)))).all())
    out = {}
    for application in applications:
        out[application.payment_id] = numbers[application.credit_note_id]
        out[application.refund_id] = numbers[application.invoice_id]
    return out


def _due_of(doc) -> dt.date | None:
    return doc.date if doc.kind == InvoiceKind.CREDIT_NOTE else doc.due_date


def statement(ledger: Ledger, code: str, as_of: dt.date) -> Statement:
    """Every open invoice and credit note of the customer, with its payments, the balance and its ageing."""
    with ledger.read_core() as db:
        found = lookup.customer_row(db, code)
        docs = _open_documents(db, as_of, found.id)
        applied = _applied_documents(db, [p.id for _, _, payments in docs for p in payments])
        items = []
        for doc, left, payments in docs:
            due = _due_of(doc)
            late = max((as_of - due).days, 0) if due and doc.kind != InvoiceKind.CREDIT_NOTE else 0
            items.append(
                StatementItem(
                    doc.number,
                    InvoiceKind(doc.kind),
                    doc.date,
                    doc.due_date,
                    Money.of(-doc.gross if doc.kind == InvoiceKind.CREDIT_NOTE else doc.gross),
                    Money.of(sum((p.amount for p in payments), ZERO)),
                    Money.of(left),
                    late,
                    R.aging_bucket(due, as_of),
                    tuple(
                        StatementPayment(p.date, Money.of(p.amount), p.method or None, applied.get(p.id))
                        for p in payments
                    ),
                )
            )
        aging = R.aged([(_due_of(doc), left) for doc, left, _ in docs], as_of)
        return Statement(found.code, found.name, as_of, tuple(items), _aged(aging), Money.of(sum(aging.values(), ZERO)))


def aging(ledger: Ledger, as_of: dt.date) -> list[AgingRow]:
    """One row per customer with anything open: the open amounts per age bucket and the balance."""
    with ledger.read_core() as db:
        docs = _open_documents(db, as_of)
        customers = {c.id: c for c in db.execute(select(customer.c.id, customer.c.code, customer.c.name))}
    per_customer: dict[int, list[tuple[dt.date | None, Decimal]]] = {}
    for doc, left, _ in docs:
        per_customer.setdefault(doc.customer_id, []).append((_due_of(doc), left))
    rows = []
    for customer_id, items in per_customer.items():
        buckets = R.aged(items, as_of)
        party = customers[customer_id]
        amounts = (Money.of(buckets[bucket]) for bucket in R.AGING_BUCKETS)
        rows.append(AgingRow(party.code, party.name, *amounts, Money.of(sum(buckets.values(), ZERO))))
    return sorted(rows, key=lambda row: row.customer)


def statement_context(ledger: Ledger, code: str, as_of: dt.date) -> dict:
    """What `templates/statement.html` prints: the statement, named by its customer and date."""
    found = statement(ledger, code, as_of)
    with ledger.read_core() as db:
        company = views.company_view(lookup.company_row(db))
        party = views.customer_view(lookup.customer_row(db, code))
    return {
        "kind": "statement",
        "ref": f"{code} – {as_of.isoformat()}",
        "doc": found,
        "company": company,
        "customer": party,
    }
