"""`invoice remind`: the cron job that reminds customers of overdue invoices, each level once.

Every validated invoice (not a credit note) past its due date and not settled is checked against the
company's reminder levels (days after the due date). The highest level it reached and has not had is
recorded in `reminder`, whose unique (invoice, level) makes a second record impossible even when two
runs overlap; inside the write transaction each invoice is locked and its reminders and payments are
read again (see db/locks.py), so an overlapping run waits, then finds nothing left. What the letter
states (amount due, penalties to the day, the 40 € indemnity) is stored with the reminder, so a letter
sent again says the same. Rendering and emailing happen after the commit (services/payments/reminder_letters.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from koban_cli.db import locks
from koban_cli.db.engine import Ledger
from koban_cli.db.models import Customer, Invoice, Payment, Reminder
from koban_cli.domain import reminders as R
from koban_cli.domain.kinds import InvoiceKind, Status
from koban_cli.domain.lines import Line
from koban_cli.domain.money import Money
from koban_cli.domain.values import ZERO
from koban_cli.services import lookup

FRENCH_SPEAKING = {"", "FR", "BE", "LU", "MC", "CH"}


@dataclass(frozen=True)
class Open:
    """An overdue invoice as of a date: what is left to pay, and what reduced it when."""

    invoice: Invoice
    customer: Customer
    paid: Decimal
    credited: Decimal  # open credit notes that correct it (not applied yet)
    credit_notes: tuple[str, ...]
    settlements: tuple[tuple[dt.date, Decimal], ...]  # payments and those credit notes, dated

    @property
    def due(self) -> Decimal:
        return self.invoice.gross - self.paid - self.credited


class ReminderStatus(StrEnum):
    """What became of a reminder a run reached: planned (dry run), recorded or skipped; once its letter is
    emailed (the CLI's word), sent or not sent."""

    PLANNED = "planned"
    RECORDED = "recorded"
    SKIPPED = "skipped"
    SENT = "sent"
    NOT_SENT = "not sent"


@dataclass(frozen=True, slots=True)
class ReminderRow:
    """An invoice a run reminds (or would, or skips): the level it reached and what its letter states."""

    invoice: str
    customer: str
    due_date: dt.date
    days_late: int
    level: int
    formal_notice: bool
    amount_due: Money
    penalty_rate: Decimal
    penalties: Money
    indemnity: Money
    status: ReminderStatus  # planned, recorded or skipped (the CLI adds sent and not sent)
    reason: str | None
    charge: str | None  # the draft invoice of the penalties (--charge)


@dataclass(frozen=True, slots=True)
class Run:
    """What a run reminded (or would, or skipped), and the reminders it recorded (ids, for the letters)."""

    reminders: tuple[ReminderRow, ...]
    recorded: tuple[int, ...]


@dataclass
class _Running:
    """A run as it goes; `finish` freezes it."""

    rows: list[ReminderRow] = field(default_factory=list)
    recorded: list[int] = field(default_factory=list)

    def finish(self) -> Run:
        return Run(tuple(self.rows), tuple(self.recorded))


def reminder_levels(session: Session) -> tuple[int, ...]:
    text = getattr(lookup.company(session), "reminder_levels", None)
    return R.parse_levels(text) if text else R.DEFAULT_LEVELS


def letter_lang(customer: Customer, lang: str | None) -> str:
    """French to customers in French-speaking countries, English to the others, unless --lang says."""
    return lang or ("fr" if (customer.country or "").upper() in FRENCH_SPEAKING else "en")


def _open_invoices(session: Session, as_of: dt.date, ids: list[int] | None = None) -> list[Open]:
    query = (
        select(Invoice, Customer)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(
            Invoice.status == Status.VALIDATED,
            Invoice.kind != InvoiceKind.CREDIT_NOTE,
            Invoice.due_date < as_of,
            Invoice.date <= as_of,
        )
        .order_by(Invoice.id)
    )
    if ids is not None:
        query = query.where(Invoice.id.in_(ids))
    found = session.exec(query).all()
    if not found:
        return []
    invoice_ids = [invoice.id for invoice, _ in found]
    payments: dict[int, list[tuple[dt.date, Decimal]]] = {}
    for invoice_id, date, amount in session.exec(
        select(Payment.invoice_id, Payment.date, Payment.amount).where(
            Payment.invoice_id.in_(invoice_ids), Payment.date <= as_of
        )
    ):
        payments.setdefault(invoice_id, []).append((date, amount))
    credits = _open_credit_notes(session, invoice_ids, as_of)
    out = []
    for invoice, customer in found:
        paid = sum((amount for _, amount in payments.get(invoice.id, [])), ZERO)
        notes = credits.get(invoice.id, [])
        credited = sum((amount for _, _, amount in notes), ZERO)
        dated = tuple(payments.get(invoice.id, [])) + tuple((date, amount) for _, date, amount in notes)
        item = Open(invoice, customer, paid, credited, tuple(number for number, _, _ in notes), dated)
        if item.due > 0:
            out.append(item)
    return out


def _open_credit_notes(
    session: Session, invoice_ids: list[int], as_of: dt.date
) -> dict[int, list[tuple[str, dt.date, Decimal]]]:
    """Validated credit notes correcting these invoices, with what is still open on each (not refunded
    nor applied): an invoice credited in full is not reminded."""
    notes = session.exec(
        select(Invoice).where(
            Invoice.credited_invoice_id.in_(invoice_ids),
            Invoice.kind == InvoiceKind.CREDIT_NOTE,
            Invoice.status == Status.VALIDATED,
            Invoice.date <= as_of,
        )
    ).all()
    if not notes:
        return {}
    refunded: dict[int, Decimal] = {}
    for note_id, amount in session.exec(
        select(Payment.invoice_id, Payment.amount).where(
            Payment.invoice_id.in_([note.id for note in notes]), Payment.date <= as_of
        )
    ):
        refunded[note_id] = refunded.get(note_id, ZERO) + amount
    out: dict[int, list[tuple[str, dt.date, Decimal]]] = {}
    for note in notes:
        left = note.gross - refunded.get(note.id, ZERO)
        if left > 0:
            out.setdefault(note.credited_invoice_id, []).append((note.number, note.date, left))
    return out


def _levels_had(session: Session, invoice_ids: list[int]) -> dict[int, set[int]]:
    had: dict[int, set[int]] = {}
    if invoice_ids:
        for invoice_id, level in session.exec(
            select(Reminder.invoice_id, Reminder.level).where(Reminder.invoice_id.in_(invoice_ids))
        ):
            had.setdefault(invoice_id, set()).add(level)
    return had


def _skip_reason(customer: Customer) -> str | None:
    if getattr(customer, "no_reminders", False):
        return "customer takes no reminders"
    if customer.no_email:
        return "customer takes no email"
    return None


@dataclass(frozen=True)
class Letter:
    """What a reminder states, computed from plain values."""

    level: R.Level
    days_late: int
    amount_due: Decimal
    rate: Decimal
    penalties: Decimal
    indemnity: Decimal


def letter_for(item: Open, level: R.Level, as_of: dt.date, company_rate: Decimal | None) -> Letter:
    rate = R.penalty_rate(item_rate(item.invoice, company_rate))
    penalties = R.penalties(item.invoice.gross, item.invoice.due_date, list(item.settlements), as_of, rate)
    # the fixed indemnity is owed by businesses only (art. L441-10); a consumer owes penalties alone
    indemnity = ZERO if getattr(item.customer, "kind", "company") == "individual" else R.RECOVERY_INDEMNITY
    days_late = (as_of - item.invoice.due_date).days
    return Letter(level, days_late, item.due, rate, penalties, indemnity)


def item_rate(invoice: Invoice, company_rate: Decimal | None) -> Decimal | None:
    """The rate the invoice itself printed (frozen at validation), else the company's current one."""
    from koban_cli.services.invoicing.view import frozen

    seller = (frozen(invoice.snapshot) or {}).get("seller") or {}
    if "late_penalty_rate" in seller:
        printed = seller["late_penalty_rate"]
        return Decimal(printed) if printed is not None else None
    return company_rate


def remind(
    ledger: Ledger,
    as_of: dt.date,
    dry_run: bool = False,
    by_email: bool = False,
    lang: str | None = None,
    charge: bool = False,
) -> Run:
    """Record the reminder each overdue invoice has reached (nothing with `dry_run`)."""
    run = _Running()
    if dry_run:
        with ledger.read() as session:
            _plan(session, as_of, run, lang)
        return run.finish()
    with ledger.write() as session:
        candidates = [item.invoice for item in _open_invoices(session, as_of)]
        locks.rows(session, candidates)  # PostgreSQL: an overlapping run waits here, then reads what we wrote
        items = _open_invoices(session, as_of, [invoice.id for invoice in candidates])
        had = _levels_had(session, [item.invoice.id for item in items])
        company = lookup.company(session)
        days = reminder_levels(session)
        locks.pause("reminders.record")  # tests: another run starts meanwhile
        for item in items:
            level = R.level_due((as_of - item.invoice.due_date).days, days, had.get(item.invoice.id, set()))
            if level is None:
                continue
            letter = letter_for(item, level, as_of, company.late_penalty_rate)
            reason = _skip_reason(item.customer)
            if reason:
                run.rows.append(_row(item, letter, ReminderStatus.SKIPPED, reason))
                continue
            reminder = Reminder(
                invoice_id=item.invoice.id,
                level=level.number,
                days=level.days,
                formal_notice=level.formal_notice,
                date=as_of,
                amount_due=letter.amount_due,
                penalty_rate=letter.rate,
                penalties=letter.penalties,
                indemnity=letter.indemnity,
                lang=letter_lang(item.customer, lang),
                by_email=by_email,
            )
            try:
                with session.begin_nested():  # another run recorded this level first: not twice
                    session.add(reminder)
                    session.flush()
                    charged = _charge(session, item, letter, as_of) if charge and level.formal_notice else None
            except IntegrityError:
                continue
            run.recorded.append(reminder.id)
            run.rows.append(_row(item, letter, ReminderStatus.RECORDED, None, charged))
    return run.finish()


def _plan(session: Session, as_of: dt.date, run: _Running, lang: str | None) -> None:
    items = _open_invoices(session, as_of)
    had = _levels_had(session, [item.invoice.id for item in items])
    company, days = lookup.company(session), reminder_levels(session)
    for item in items:
        level = R.level_due((as_of - item.invoice.due_date).days, days, had.get(item.invoice.id, set()))
        if level is not None:
            reason = _skip_reason(item.customer)
            letter = letter_for(item, level, as_of, company.late_penalty_rate)
            status = ReminderStatus.SKIPPED if reason else ReminderStatus.PLANNED
            run.rows.append(_row(item, letter, status, reason))


def _charge(session: Session, item: Open, letter: Letter, as_of: dt.date) -> str:
    """Draft the invoice of the penalties and the indemnity, for the user to check and validate.

    Both are outside the scope of VAT (they compensate a loss, they pay for no supply): the lines are at 0 %.
    """
    from koban_cli.domain.wording import fr_number
    from koban_cli.services.invoicing.drafts import draft

    number = item.invoice.number
    lines = []
    if letter.penalties > 0:
        lines.append(
            _free_line(
                f"Pénalités de retard sur la facture {number} échue le {item.invoice.due_date:%d/%m/%Y}, "
                f"au taux de {fr_number(letter.rate)} % l'an, jusqu'au {as_of:%d/%m/%Y} ({letter.days_late} jours)",
                letter.penalties,
            )
        )
    if letter.indemnity > 0:
        lines.append(
            _free_line(
                f"Indemnité forfaitaire pour frais de recouvrement, facture {number} (art. D441-5 du Code de commerce)",
                letter.indemnity,
            )
        )
    if not lines:
        return None
    note = f"Pénalités de retard et indemnité de recouvrement : mise en demeure du {as_of:%d/%m/%Y}, facture {number}"
    charged = draft(session, item.customer.id, InvoiceKind.STANDARD, as_of, lines, note=note)
    return f"PROV-{charged.id}"


def _free_line(description: str, amount: Decimal) -> Line:
    return Line(description=description, qty=Decimal(1), unit_price=amount, vat_rate=ZERO, net=amount)


def _row(
    item: Open, letter: Letter, status: ReminderStatus, reason: str | None, charged: str | None = None
) -> ReminderRow:
    return ReminderRow(
        item.invoice.number,
        item.customer.code,
        item.invoice.due_date,
        letter.days_late,
        letter.level.number,
        letter.level.formal_notice,
        Money.of(letter.amount_due),
        letter.rate,
        Money.of(letter.penalties),
        Money.of(letter.indemnity),
        status,
        reason,
        charged,
    )


def unsent(ledger: Ledger) -> list[int]:
    """Reminders recorded by a run with --send and not sent yet (the send failed, or never happened);
    those of customers who since take no email or no reminders are left out."""
    with ledger.read() as session:
        return list(
            session.exec(
                select(Reminder.id)
                .join(Invoice, Invoice.id == Reminder.invoice_id)
                .join(Customer, Customer.id == Invoice.customer_id)
                .where(
                    Reminder.by_email.is_(True),
                    Reminder.sent_at.is_(None),
                    Customer.no_email.is_(False),
                    Customer.no_reminders.is_(False),
                )
                .order_by(Reminder.id)
            )
        )


def mark(ledger: Ledger, reminder_id: int, error: str | None) -> None:
    with ledger.write() as session:
        reminder = locks.row(session, session.get(Reminder, reminder_id))
        reminder.send_error = error
        reminder.sent_at = None if error else dt.datetime.now(dt.timezone.utc)
        session.add(reminder)
