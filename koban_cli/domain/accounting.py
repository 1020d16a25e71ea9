"""Accounting entries derived from the ledger: the chart of accounts, the sales and bank journals.

Nothing here is stored: every entry is computed from validated invoices and payments, so the books can
never disagree with the invoices. A validated invoice is one entry in the sales journal (VE): the customer
debited for the gross, revenue credited per account, VAT per rate; a credit note is the reverse entry.
A payment is one entry in the bank journal (BQ). Amounts are signed "credit positive" while an entry is
built, then put on the debit or credit side, so an entry balances by construction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Callable, Iterable

from koban_cli.domain.amounts import totals
from koban_cli.domain.kinds import InvoiceKind
from koban_cli.domain.values import ZERO, number_str, parse_vat_rate
from koban_cli.errors import InvalidValue

SALES, BANK = "VE", "BQ"
JOURNALS = {SALES: "Journal des ventes", BANK: "Journal de banque"}

# The default French chart (plan comptable général). VAT collected has one sub-account of 44571 per rate.
DEFAULT_ACCOUNTS = {
    "customers": "411",
    "sales_goods": "707",
    "sales_services": "706",
    "sales_subscriptions": "706",
    "sales_other": "706",  # free lines, with no product
    "deposits": "4191",
    "bank": "512",
    "vat": "44571",  # a rate with no account of its own
    "vat_20": "445712",
    "vat_10": "445711",
    "vat_5.5": "445713",
    "vat_2.1": "445714",
}
# The first digits each kind of account must start with: a typo posting sales to a bank account is refused.
ROLE_PREFIXES = {"customers": "41", "sales": "7", "deposits": "4", "bank": "5", "vat": "445"}
SALES_ROLE = {"goods": "sales_goods", "service": "sales_services", "subscription": "sales_subscriptions"}

# Labels (CompteLib) by the longest matching prefix, so one account number always has one label.
LABELS = {
    "411": "Clients",
    "4191": "Clients - avances et acomptes reçus sur commandes",
    "41": "Clients et comptes rattachés",
    "44571": "TVA collectée",
    "445711": "TVA collectée 10 %",
    "445712": "TVA collectée 20 %",
    "445713": "TVA collectée 5,5 %",
    "445714": "TVA collectée 2,1 %",
    "445": "État - taxes sur le chiffre d'affaires",
    "4": "Comptes de tiers",
    "512": "Banques",
    "53": "Caisse",
    "5": "Comptes financiers",
    "701": "Ventes de produits finis",
    "704": "Travaux",
    "706": "Prestations de services",
    "707": "Ventes de marchandises",
    "708": "Produits des activités annexes",
    "70": "Ventes",
    "7": "Produits",
}

_ACCOUNT = re.compile(r"^[0-9][0-9A-Za-z]{0,19}$")
_AUXILIARY = re.compile(r"^[0-9A-Za-z_\-+/.]{1,20}$")


def account_label(number: str) -> str:
    for length in range(len(number), 0, -1):
        if number[:length] in LABELS:
            return LABELS[number[:length]]
    return "Compte " + number


def check_override(role: str, number: str) -> tuple[str, str]:
    """`(role, number)` of `company set --account ROLE=NUMBER`, checked; vat_5,5 is read as vat_5.5."""
    role = role.strip()
    if role.startswith("vat_"):
        role = rate_key(parse_vat_rate(role[4:]))
    elif role not in DEFAULT_ACCOUNTS and not (role.startswith("bank_") and len(role) > 5):
        roles = ", ".join(k for k in DEFAULT_ACCOUNTS if not k.startswith("vat_"))
        raise InvalidValue(
            f'unknown account "{role}" (one of {roles}, vat_RATE such as vat_20, bank_METHOD such as bank_cash)'
        )
    kind = next(kind for kind in ROLE_PREFIXES if role.startswith(kind))
    return role, check_account(number, kind, f"--account {role}")


def check_account(number: str, kind: str = "sales", what: str = "--account") -> str:
    """A general account number of the given kind (`sales` accounts start with 7, `vat` with 445, …)."""
    number = number.strip()
    if not _ACCOUNT.match(number):
        raise InvalidValue(f'{what} "{number}" is not an account number (digits, then letters or digits, 20 at most)')
    prefix = ROLE_PREFIXES[kind]
    if not number.startswith(prefix):
        raise InvalidValue(f'{what} "{number}" must start with {prefix} (a {kind} account)')
    return number


def check_auxiliary(number: str, what: str = "--account") -> str:
    number = number.strip()
    if not _AUXILIARY.match(number):
        raise InvalidValue(f'{what} "{number}" is not an auxiliary account (letters, digits, - + _ / ., 20 at most)')
    return number


def rate_key(rate: Decimal) -> str:
    return "vat_" + number_str(rate)


@dataclass(frozen=True)
class Chart:
    """The company's accounts: the defaults, overridden by `company set --account ROLE=NUMBER`."""

    accounts: dict[str, str]

    @classmethod
    def of(cls, overrides: dict[str, str]) -> Chart:
        return cls(DEFAULT_ACCOUNTS | overrides)

    def vat(self, rate: Decimal) -> str:
        return self.accounts.get(rate_key(rate), self.accounts["vat"])

    def bank(self, method: str) -> str:
        return self.accounts.get(f"bank_{method}", self.accounts["bank"]) if method else self.accounts["bank"]

    def revenue(self, line: SaleLine, deposit_invoice: bool) -> str:
        if deposit_invoice or line.advance:
            return self.accounts["deposits"]
        if line.product_account:
            return line.product_account
        return self.accounts[SALES_ROLE.get(line.product_kind or "", "sales_other")]


def customer_account(code: str, account: str | None) -> str:
    """The customer's auxiliary account: the one set, else 411 followed by the code."""
    return account or f"411{code}"


@dataclass(frozen=True)
class SaleLine:
    net: Decimal  # signed as stored: a deduction line is negative
    vat_rate: Decimal
    product_kind: str | None = None  # goods | service | subscription; None on a free line
    product_account: str | None = None
    advance: bool = False  # deducts or credits a deposit (anchored to a deposit line)


@dataclass(frozen=True)
class Party:
    code: str
    name: str
    account: str | None = None

    @property
    def auxiliary(self) -> str:
        return customer_account(self.code, self.account)


@dataclass(frozen=True)
class SaleDoc:
    """A validated invoice or credit note, as read from the ledger."""

    id: int
    number: str
    kind: str  # standard | deposit | … | credit_note
    date: dt.date
    customer: Party
    gross: Decimal
    lines: tuple[SaleLine, ...]
    order: int = 0  # chain index: the order of validation, which breaks ties on one date

    @property
    def is_credit(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE


@dataclass(frozen=True)
class Receipt:
    """A payment (or, on a credit note, a refund) as read from the ledger."""

    id: int
    invoice_id: int
    invoice_number: str
    credit_note: bool
    date: dt.date
    amount: Decimal
    method: str
    customer: Party


@dataclass(frozen=True)
class EntryLine:
    account: str
    label: str
    debit: Decimal
    credit: Decimal
    auxiliary: str = ""
    auxiliary_label: str = ""
    matching: str = ""  # the invoice this customer line belongs to, for lettering
    letter: str = ""
    letter_date: dt.date | None = None


@dataclass(frozen=True)
class Entry:
    journal: str
    date: dt.date
    piece: str
    label: str
    lines: tuple[EntryLine, ...]
    sort_key: tuple = ()
    number: str = ""

    @property
    def debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)


def _line(account: str, credit_positive: Decimal, **extra) -> EntryLine:
    debit, credit = (ZERO, credit_positive) if credit_positive >= 0 else (-credit_positive, ZERO)
    return EntryLine(account, account_label(account), debit, credit, **extra)


def _customer_line(chart: Chart, party: Party, credit_positive: Decimal, matching: str) -> EntryLine:
    return _line(
        chart.accounts["customers"], credit_positive, auxiliary=party.auxiliary, auxiliary_label=party.name,
        matching=matching,
    )  # fmt: skip


DOC_WORDS = {"credit_note": "Avoir", "deposit": "Facture d'acompte"}


def sales_entry(doc: SaleDoc, chart: Chart) -> Entry:
    """Customer debited for the gross; revenue credited per account, VAT per rate (reversed on a credit note)."""
    sign = -1 if doc.is_credit else 1
    by_account: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in doc.lines:
        by_account[chart.revenue(line, doc.kind == InvoiceKind.DEPOSIT)] += line.net
    for row in totals((line.vat_rate, line.net) for line in doc.lines).vat:
        by_account[chart.vat(row.rate)] += row.amount
    credits = [_line(account, sign * amount) for account, amount in sorted(by_account.items()) if amount]
    gross = sum((amount for amount in by_account.values()), ZERO)
    lines = (_customer_line(chart, doc.customer, -sign * gross, doc.number), *credits)
    label = f"{DOC_WORDS.get(doc.kind, 'Facture')} {doc.number} {doc.customer.name}"
    return Entry(SALES, doc.date, doc.number, label, lines, (doc.date, doc.order, doc.id))


def bank_entry(receipt: Receipt, chart: Chart) -> Entry:
    """Bank debited, customer credited (a refund on a credit note: the reverse)."""
    sign = -1 if receipt.credit_note else 1
    word = "Remboursement" if receipt.credit_note else "Règlement"
    lines = (
        _line(chart.bank(receipt.method), -sign * receipt.amount),
        _customer_line(chart, receipt.customer, sign * receipt.amount, receipt.invoice_number),
    )
    label = f"{word} {receipt.invoice_number} {receipt.customer.name}"
    return Entry(BANK, receipt.date, receipt.invoice_number, label, lines, (receipt.date, receipt.id))


def paid_in_full_on(doc: SaleDoc, receipts: Iterable[Receipt]) -> dt.date | None:
    """The date of the payment that settled the document, if one did."""
    paid = ZERO
    for receipt in sorted(receipts, key=lambda r: (r.date, r.id)):
        paid += receipt.amount
        if doc.gross > 0 and paid >= doc.gross:
            return receipt.date
    return None


def letter_code(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA: lettering codes, unique in one export."""
    code = ""
    while n:
        n, rest = divmod(n - 1, 26)
        code = chr(65 + rest) + code
    return code


def journal(
    docs: Iterable[SaleDoc],
    receipts: Iterable[Receipt],
    chart: Chart,
    start: dt.date,
    end: dt.date,
    fiscal_year: Callable[[dt.date], int],
) -> list[Entry]:
    """Every entry dated from `start` to `end`, in chronological order, numbered per journal and fiscal year,
    the customer lines of each invoice settled by `end` lettered. `docs` and `receipts` must hold everything
    from the start of `start`'s fiscal year to `end` (numbers count from there), and every payment up to
    `end` of each document listed."""
    docs, receipts = list(docs), list(receipts)
    entries = [sales_entry(doc, chart) for doc in docs if doc.date <= end]
    entries += [bank_entry(receipt, chart) for receipt in receipts if receipt.date <= end]
    entries = _numbered(sorted(entries, key=lambda e: (e.date, e.journal, e.sort_key)), fiscal_year)
    entries = [entry for entry in entries if entry.date >= start]
    return _lettered(entries, docs, receipts, start, end)


def _numbered(entries: list[Entry], fiscal_year: Callable[[dt.date], int]) -> list[Entry]:
    counters: dict[tuple[str, int], int] = defaultdict(int)
    out = []
    for entry in sorted(entries, key=lambda e: (e.journal, e.date, e.sort_key)):
        year = fiscal_year(entry.date)
        counters[entry.journal, year] += 1
        out.append(replace(entry, number=f"{entry.journal}-{year}-{counters[entry.journal, year]:05d}"))
    return sorted(out, key=lambda e: (e.date, e.journal, e.number))


def _lettered(entries: list[Entry], docs, receipts, start: dt.date, end: dt.date) -> list[Entry]:
    """Customer lines of an invoice paid in full by `end` share a letter, when the invoice is in the export."""
    by_doc = defaultdict(list)
    for receipt in receipts:
        by_doc[receipt.invoice_id].append(receipt)
    settled = []
    for doc in docs:
        on = paid_in_full_on(doc, (r for r in by_doc[doc.id] if r.date <= end))
        if on and start <= doc.date:
            settled.append((on, doc.date, doc.order, doc.number))
    letters = {number: (letter_code(i), on) for i, (on, *_, number) in enumerate(sorted(settled), start=1)}
    if not letters:
        return entries

    def letter(line: EntryLine) -> EntryLine:
        if line.matching not in letters or not line.auxiliary:
            return line
        code, on = letters[line.matching]
        return replace(line, letter=code, letter_date=on)

    return [replace(entry, lines=tuple(letter(line) for line in entry.lines)) for entry in entries]
