"""The books handed to the accountant: journal entries, the FEC and the VAT due, read from the ledger.

Nothing is written: validated invoices and payments are read as plain values (three queries), and
`domain/accounting.py` derives the entries from them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from koban_cli.db.engine import Ledger
from koban_cli.db.models import Company, Customer, Invoice, InvoiceLine, Payment, Product
from koban_cli.domain import fec as fec_format
from koban_cli.domain import vat_report
from koban_cli.domain.accounting import Chart, Entry, Party, Receipt, SaleDoc, SaleLine, journal
from koban_cli.domain.kinds import LineKind, Status
from koban_cli.domain.values import ZERO
from koban_cli.errors import InvalidValue
from koban_cli.services import lookup


@dataclass(frozen=True, slots=True)
class Fec:
    """A fiscal year's FEC: its file name and bytes, its period, and what it holds."""

    name: str
    data: bytes
    start: dt.date
    end: dt.date
    entries: int
    lines: int
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True, slots=True)
class VatReport:
    """The VAT collected in a month, one row per rate and basis (debits or receipts)."""

    month: str
    start: dt.date
    end: dt.date
    vat_on_debits: bool
    rows: tuple[vat_report.VatDue, ...]


def chart_of(company: Company) -> Chart:
    return Chart.of(json.loads(company.accounts or "{}"))


def _facts(session: Session, start: dt.date, end: dt.date) -> tuple[list[SaleDoc], list[Receipt]]:
    """Validated documents dated from `start` to `end` or paid then, with their lines and their payments up
    to `end`."""
    paid_then = select(Payment.invoice_id).where(Payment.date >= start, Payment.date <= end)
    wanted = and_(
        Invoice.status == Status.VALIDATED,
        or_(and_(Invoice.date >= start, Invoice.date <= end), Invoice.id.in_(paid_then)),
    )
    heads = session.exec(
        select(Invoice.id, Invoice.number, Invoice.kind, Invoice.date, Invoice.gross, Invoice.chain_index,
               Customer.code, Customer.name, Customer.account)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(wanted)
    ).all()  # fmt: skip
    ids = select(Invoice.id).where(wanted)
    lines: dict[int, list[SaleLine]] = {}
    for invoice_id, net, rate, deposit_line_id, kind, account in session.exec(
        select(InvoiceLine.invoice_id, InvoiceLine.net, InvoiceLine.vat_rate, InvoiceLine.deposit_line_id,
               Product.kind, Product.account)
        .outerjoin(Product, Product.id == InvoiceLine.product_id)
        .where(InvoiceLine.invoice_id.in_(ids), InvoiceLine.kind != LineKind.TEXT)
        .order_by(InvoiceLine.invoice_id, InvoiceLine.position)
    ):  # fmt: skip
        lines.setdefault(invoice_id, []).append(SaleLine(net, rate, kind, account, deposit_line_id is not None))
    docs = {
        row[0]: SaleDoc(
            id=row[0], number=row[1], kind=row[2], date=row[3], gross=row[4], order=row[5] or 0,
            customer=Party(row[6], row[7], row[8]), lines=tuple(lines.get(row[0], ())),
        )
        for row in heads
    }  # fmt: skip
    receipts = [
        Receipt(pid, invoice_id, docs[invoice_id].number, docs[invoice_id].is_credit, date, amount, method or "",
                docs[invoice_id].customer)
        for pid, invoice_id, date, amount, method in session.exec(
            select(Payment.id, Payment.invoice_id, Payment.date, Payment.amount, Payment.method)
            .where(Payment.invoice_id.in_(ids), Payment.date <= end)
        )
    ]  # fmt: skip
    return list(docs.values()), receipts


def _entries(session: Session, company: Company, start: dt.date, end: dt.date) -> list[Entry]:
    year_end = company.fiscal_year_end or "12-31"
    first, _ = fec_format.fiscal_year(fec_format.fiscal_year_of(start, year_end), year_end)
    docs, receipts = _facts(session, first, end)  # entries are numbered from the start of the fiscal year
    return journal(docs, receipts, chart_of(company), start, end, lambda d: fec_format.fiscal_year_of(d, year_end))


def entries(ledger: Ledger, start: dt.date, end: dt.date) -> list[Entry]:
    """Every entry of the sales and bank journals dated from `start` to `end`, numbered and lettered."""
    if end < start:
        raise InvalidValue(f"--to {end} is before --from {start}")
    with ledger.read() as session:
        return _entries(session, lookup.company(session), start, end)


def fec(ledger: Ledger, year: int) -> Fec:
    """The FEC of the fiscal year that closes in `year`."""
    if not 1900 < year < 3000:
        raise InvalidValue(f'--year "{year}" is not a year')
    with ledger.read() as session:
        company = lookup.company(session)
        if not company.siren:
            raise InvalidValue("the FEC is named after the company's SIREN: set it first (koban company set --siren …)")
        start, end = fec_format.fiscal_year(year, company.fiscal_year_end or "12-31")
        found = _entries(session, company, start, end)
    return Fec(
        name=fec_format.file_name(company.siren, end),
        data=fec_format.render(found),
        start=start,
        end=end,
        entries=len(found),
        lines=sum(len(entry.lines) for entry in found),
        debit=sum((entry.debit for entry in found), ZERO),
        credit=sum((entry.credit for entry in found), ZERO),
    )


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    try:
        year, number = (int(part) for part in month.strip().split("-"))
        start = dt.date(year, number, 1)
    except ValueError:
        raise InvalidValue(f'--month "{month}" must be YYYY-MM (e.g. 2026-11)') from None
    following = dt.date(year + number // 12, number % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def vat_due(ledger: Ledger, month: str) -> VatReport:
    """VAT collected in the month per rate, on debits and on receipts."""
    start, end = month_bounds(month)
    with ledger.read() as session:
        company = lookup.company(session)
        docs, receipts = _facts(session, start, end)
    rows = vat_report.due(docs, receipts, start, end, company.vat_on_debits)
    return VatReport(f"{start:%Y-%m}", start, end, company.vat_on_debits, tuple(rows))
