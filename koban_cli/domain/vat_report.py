"""VAT collected in a month, as a CA3 return needs it: when each invoice's VAT becomes due.

Goods: on debits, at the invoice date. Services, subscriptions and free lines: on receipts, at each
payment (pro rata of the gross paid), unless the company opted for debits (`vat_on_debits`, "option
pour le paiement de la taxe d'après les débits"). Deposits are taxed when received (CGI art. 269-2,
goods included since 2023) unless the option is taken. A deduction of a deposit on a later invoice is
shared between its goods and its services pro rata, so the deposit's VAT comes back on the same basis
as the VAT it stood for. A credit note counts negative, on the same basis (its refunds for receipts).
A document whose gross is zero is never paid: all its VAT counts at its date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from koban_cli.domain.accounting import Receipt, SaleDoc
from koban_cli.domain.amounts import allocate, totals
from koban_cli.domain.kinds import InvoiceKind, ProductKind
from koban_cli.domain.values import HUNDRED, ZERO, round_money

DEBITS, RECEIPTS = "debits", "receipts"
# The lines of the CA3 (3310-CA3) where the rates of metropolitan France are declared.
CA3_LINES = {Decimal(20): "08", Decimal(10): "9B", Decimal("5.5"): "09"}


@dataclass(frozen=True)
class VatDue:
    rate: Decimal
    basis: str  # debits | receipts
    base: Decimal
    vat: Decimal

    @property
    def ca3_line(self) -> str | None:
        return CA3_LINES.get(self.rate)


@dataclass(frozen=True)
class _Part:
    base: Decimal
    vat: Decimal


def split(doc: SaleDoc, vat_on_debits: bool) -> dict[tuple[Decimal, str], _Part]:
    """The document's base and VAT per rate, split between what is due on debits and on receipts."""
    debit: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    receipt: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    deductions: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in doc.lines:
        if vat_on_debits or (
            line.product_kind == ProductKind.GOODS and not line.advance and doc.kind != InvoiceKind.DEPOSIT
        ):
            debit[line.vat_rate] += line.net
        elif (line.advance or doc.kind == InvoiceKind.DEPOSIT) and line.net < 0:
            deductions[line.vat_rate] += line.net
        else:
            receipt[line.vat_rate] += line.net
    for rate, deducted in deductions.items():
        weights = [debit[rate], receipt[rate]]
        if min(weights) < 0 or sum(weights, ZERO) <= 0:
            debit[rate] += deducted
        else:
            on_debits, on_receipts = allocate(deducted, weights)
            debit[rate] += on_debits
            receipt[rate] += on_receipts
    parts = {}
    for row in totals((line.vat_rate, line.net) for line in doc.lines).vat:
        vat_debit = round_money(debit[row.rate] * row.rate / HUNDRED)
        parts[row.rate, DEBITS] = _Part(debit[row.rate], vat_debit)
        parts[row.rate, RECEIPTS] = _Part(receipt[row.rate], row.amount - vat_debit)
    return parts


def due(
    docs: list[SaleDoc], receipts: list[Receipt], start: dt.date, end: dt.date, vat_on_debits: bool
) -> list[VatDue]:
    """VAT due from `start` to `end`, per rate and basis. `docs` holds every document dated in the period or
    paid in it; `receipts` every payment of those documents up to `end`."""
    sums: dict[tuple[Decimal, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])

    def add(key: tuple[Decimal, str], sign: int, base: Decimal, vat: Decimal) -> None:
        sums[key][0] += sign * base
        sums[key][1] += sign * vat

    by_doc = defaultdict(list)
    for receipt in receipts:
        by_doc[receipt.invoice_id].append(receipt)
    for doc in docs:
        sign = -1 if doc.is_credit else 1
        for (rate, basis), part in split(doc, vat_on_debits).items():
            if basis == DEBITS or doc.gross <= 0:
                if start <= doc.date <= end:
                    add((rate, basis), sign, part.base, part.vat)
                continue
            paid = ZERO
            for receipt in sorted(by_doc[doc.id], key=lambda r: (r.date, r.id)):
                before, paid = paid, paid + receipt.amount
                if start <= receipt.date <= end:  # the share of this payment, exact once the gross is paid
                    base = _share(part.base, paid, doc.gross) - _share(part.base, before, doc.gross)
                    vat = _share(part.vat, paid, doc.gross) - _share(part.vat, before, doc.gross)
                    add((rate, basis), sign, base, vat)
    rows = [VatDue(rate, basis, base, vat) for (rate, basis), (base, vat) in sums.items() if base or vat]
    return sorted(rows, key=lambda row: (-row.rate, row.basis))


def _share(amount: Decimal, paid: Decimal, gross: Decimal) -> Decimal:
    return round_money(amount * min(paid, gross) / gross)
