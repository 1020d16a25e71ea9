"""The company, customers and suppliers.

The reads (`show_company`, `show_customer`, `list_customers`, `list_suppliers`) are SQLAlchemy Core over
db/tables.py and never import the ORM; the writes import the models when they run (`_models`). A record
(`company_record`, `customer_record`) is made the same way from a model object and from a Core row.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from koban_cli import files
from koban_cli.db import tables
from koban_cli.db.engine import Ledger
from koban_cli.domain import identity
from koban_cli.domain.accounting import check_auxiliary, check_override, customer_account
from koban_cli.domain.fec import check_year_end
from koban_cli.domain.kinds import CustomerKind
from koban_cli.domain.numbering import DEFAULT_PREFIXES, GLOBAL, check_pattern, check_prefix, format_number
from koban_cli.domain.reminders import parse_levels
from koban_cli.errors import AlreadyExists, InvalidValue
from koban_cli.services import lookup, records
from koban_cli.services.views import COMPANY_FIELDS, CUSTOMER_FIELDS

if TYPE_CHECKING:
    from koban_cli.db.models import Company, Customer


@dataclass(frozen=True, slots=True)
class CompanyRecord:
    """The company as `company show` and `company set` print it (the fields of `views.COMPANY_FIELDS`)."""

    name: str
    address: str
    postcode: str
    city: str
    country: str
    siren: str
    vat_number: str
    iban: str
    bic: str
    email: str
    phone: str
    legal_form: str
    capital: str
    rcs: str
    logo: str | None
    payment_terms_days: int
    late_penalty_rate: Decimal | None
    vat_exempt: bool
    allow_negative_stock: bool
    number_pattern: str
    global_sequence: bool
    template_dir: str | None
    fiscal_year_end: str
    vat_on_debits: bool
    strict_mentions: bool
    reminder_levels: str
    prefixes: dict[str, str]  # every document kind's prefix, the defaults included
    accounts: dict[str, str]  # the chart: every role's account, the defaults included


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    """A customer as `customer show` prints it: the details (`views.CUSTOMER_FIELDS`) and how it is booked."""

    code: str
    name: str
    email: str
    address: str
    postcode: str
    city: str
    country: str
    siren: str
    vat_number: str
    payment_terms_days: int | None
    kind: CustomerKind
    vat_regime: str | None
    delivery_address: str | None
    delivery_postcode: str | None
    delivery_city: str | None
    delivery_country: str | None
    account: str  # the auxiliary account entries are posted to
    no_email: bool
    no_reminders: bool


@dataclass(frozen=True, slots=True)
class SupplierRecord:
    """A supplier as `supplier list` prints it."""

    code: str
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class SupplierAdded:
    """What `supplier add` prints: the reference made, then the supplier."""

    ref: str
    code: str
    name: str
    email: str


def _checked_identity(changes: dict) -> dict:
    checkers = {
        "siren": identity.siren,
        "vat_number": identity.vat_number,
        "email": identity.email,
        "payment_terms_days": identity.days,
        "iban": identity.iban,
        "bic": identity.bic,
        "country": identity.country,
        "delivery_country": identity.country,
        "kind": identity.customer_kind,
        "vat_regime": identity.vat_regime,
    }
    out = dict(changes)
    for key, check in checkers.items():
        if out.get(key) is not None:
            out[key] = check(out[key])
    if out.get("name") is not None:
        out["name"] = identity.name(out["name"])
    return out


def _models():
    """The ORM models, for the writes only: a read command never pays for their import."""
    from koban_cli.db import models

    return models


def set_company(
    ledger: Ledger,
    prefixes: dict[str, str] | None = None,
    today: dt.date | None = None,
    accounts: dict[str, str] | None = None,
    **changes,
) -> CompanyRecord:
    changes = _checked_identity(changes)
    if changes.get("fiscal_year_end") is not None:
        changes["fiscal_year_end"] = check_year_end(changes["fiscal_year_end"])
    if changes.get("reminder_levels") is not None:
        changes["reminder_levels"] = ",".join(map(str, parse_levels(changes["reminder_levels"])))
    accounts = dict(check_override(role, number) for role, number in (accounts or {}).items())
    for key, kind in (("logo", "file"), ("template_dir", "folder")):
        if changes.get(key):
            changes[key] = files.existing_path(changes[key], key.replace("_", "-"), kind)
    if changes.get("logo"):
        from koban_cli.services.logos import check_logo

        check_logo(changes["logo"])  # a PNG, JPEG or SVG by its bytes: --logo /etc/passwd is refused
    Company = _models().Company
    with ledger.write() as session:
        company = session.get(Company, 1) or Company(id=1)
        before = (company.number_pattern, company.global_sequence, company.prefixes)
        records.apply(company, changes)
        if prefixes:
            unknown = sorted(set(prefixes) - set(DEFAULT_PREFIXES))
            if unknown:
                raise InvalidValue(f'unknown document kind "{unknown[0]}" (one of {", ".join(DEFAULT_PREFIXES)})')
            merged = json.loads(company.prefixes or "{}") | {k: check_prefix(v) for k, v in prefixes.items()}
            company.prefixes = json.dumps(merged, sort_keys=True)
        if accounts:
            company.accounts = json.dumps(json.loads(company.accounts or "{}") | accounts, sort_keys=True)
        if (company.number_pattern, company.global_sequence, company.prefixes) != before:
            check_pattern(company.number_pattern, company.global_sequence)
            _check_numbering_change(session, before, company, today or dt.date.today())
        if not company.name:
            raise InvalidValue("the company needs a --name")
        session.add(company)
        return company_record(company)


def _check_numbering_change(session, before: tuple, company, today: dt.date) -> None:
    """A numbering change takes effect on empty sequences only: the sequences of this year (and later) are
    empty, or a pattern without {year} used per year is now declared global (its numbers go on)."""
    old_pattern, old_global, old_prefixes = before
    declared_global = company.global_sequence and not old_global and company.number_pattern == old_pattern
    if declared_global and "{year" not in old_pattern:
        return
    old = DEFAULT_PREFIXES | json.loads(old_prefixes or "{}")
    new = DEFAULT_PREFIXES | json.loads(company.prefixes or "{}")
    scheme_changed = (old_pattern, old_global) != (company.number_pattern, company.global_sequence)
    sequence = tables.number_sequence
    for row in session.execute(select(sequence).where(sequence.c.last > 0)):
        if not scheme_changed and old.get(row.kind) == new.get(row.kind):
            continue
        if row.year == GLOBAL and company.global_sequence:
            raise InvalidValue(
                f"the global {row.kind} sequence already numbered {row.last} documents and keeps its pattern; "
                "to change it, number per year from a new year (--yearly-sequence with {year} in the pattern)"
            )
        year = row.last_date.year if row.year == GLOBAL and row.last_date else row.year
        if year >= today.year:
            last = format_number(row.pattern or old_pattern, row.prefix or old[row.kind], year, row.last)
            raise InvalidValue(
                f"numbering can change only on an empty sequence or from a new year: {last} is already "
                f"taken in {year}; change it on or after {year + 1}-01-01"
            )


def show_company(ledger: Ledger) -> CompanyRecord:
    with ledger.read_core() as db:
        return company_record(lookup.company_row(db))


def company_record(company: Company) -> CompanyRecord:
    """`company show`: the details, and the prefixes and accounts with the defaults filled in (of a model
    object or a Core row)."""
    from koban_cli.domain.accounting import DEFAULT_ACCOUNTS

    return CompanyRecord(
        **{key: getattr(company, key) for key in COMPANY_FIELDS},
        prefixes=DEFAULT_PREFIXES | json.loads(company.prefixes or "{}"),
        accounts=DEFAULT_ACCOUNTS | json.loads(company.accounts or "{}"),
    )


def _checked_account(changes: dict) -> dict:
    if changes.get("account") is not None:
        changes["account"] = check_auxiliary(changes["account"])
    return changes


def add_customer(ledger: Ledger, code: str, **fields) -> CustomerRecord:
    fields = _checked_account(_checked_identity({k: v for k, v in fields.items() if v is not None}))
    code = identity.code(code, "customer code")
    with ledger.write() as session:
        if session.execute(select(tables.customer.c.id).where(tables.customer.c.code == code)).first():
            raise AlreadyExists(f'customer "{code}" already exists (use: koban customer edit {code} …)')
        customer = _models().Customer(code=code, **fields)
        session.add(customer)
        return customer_record(customer)


def edit_customer(ledger: Ledger, code: str, **changes) -> CustomerRecord:
    changes = _checked_account(_checked_identity(changes))
    with ledger.write() as session:
        customer = lookup.customer(session, code)
        records.apply(customer, changes)
        session.add(customer)
        return customer_record(customer)


def show_customer(ledger: Ledger, code: str) -> CustomerRecord:
    with ledger.read_core() as db:
        return customer_record(lookup.customer_row(db, code))


def list_customers(ledger: Ledger) -> list[CustomerRecord]:
    with ledger.read_core() as db:
        return [customer_record(c) for c in db.execute(select(tables.customer).order_by(tables.customer.c.code))]


def customer_record(customer: Customer) -> CustomerRecord:
    """`customer show`: the details and the auxiliary account entries are posted to (of a model object or a
    Core row)."""
    details = {key: getattr(customer, key) for key in CUSTOMER_FIELDS}
    return CustomerRecord(
        **details | {"kind": CustomerKind(customer.kind)},
        account=customer_account(customer.code, customer.account),
        no_email=customer.no_email,
        no_reminders=customer.no_reminders,
    )


def add_supplier(ledger: Ledger, code: str, name: str, email: str | None = None) -> SupplierAdded:
    code = identity.code(code, "supplier code")
    with ledger.write() as session:
        if session.execute(select(tables.supplier.c.id).where(tables.supplier.c.code == code)).first():
            raise AlreadyExists(f'supplier "{code}" already exists')
        supplier = _models().Supplier(code=code, name=identity.name(name), email=identity.email(email or ""))
        session.add(supplier)
        return SupplierAdded(supplier.code, supplier.code, supplier.name, supplier.email)


def list_suppliers(ledger: Ledger) -> list[SupplierRecord]:
    supplier = tables.supplier
    query = select(supplier.c.code, supplier.c.name, supplier.c.email).order_by(supplier.c.code)
    with ledger.read_core() as db:
        return [SupplierRecord(*row) for row in db.execute(query)]
