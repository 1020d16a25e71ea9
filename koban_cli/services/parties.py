"""The company, customers and suppliers."""

from __future__ import annotations

import json

from sqlmodel import select

from koban_cli.db.engine import Ledger
from koban_cli.db.models import Company, Customer, Supplier
from koban_cli.domain.numbering import DEFAULT_PREFIXES, check_pattern, check_prefix
from koban_cli.domain.values import number_str
from koban_cli.errors import AlreadyExists, InvalidValue
from koban_cli.services import checks, lookup

COMPANY_FIELDS = (
    "name",
    "address",
    "postcode",
    "city",
    "country",
    "siren",
    "vat_number",
    "iban",
    "bic",
    "email",
    "phone",
    "legal_form",
    "capital",
    "rcs",
    "logo",
    "payment_terms_days",
    "late_penalty_rate",
    "vat_exempt",
    "allow_negative_stock",
    "number_pattern",
    "template_dir",
)
CUSTOMER_FIELDS = (
    "code",
    "name",
    "email",
    "address",
    "postcode",
    "city",
    "country",
    "siren",
    "vat_number",
    "payment_terms_days",
)


def _checked_identity(changes: dict) -> dict:
    checkers = {
        "siren": checks.siren,
        "vat_number": checks.vat_number,
        "email": checks.email,
        "payment_terms_days": checks.days,
    }
    out = dict(changes)
    for key, check in checkers.items():
        if out.get(key) is not None:
            out[key] = check(out[key])
    if out.get("name") is not None:
        out["name"] = checks.name(out["name"])
    return out


def set_company(ledger: Ledger, prefixes: dict[str, str] | None = None, **changes) -> dict:
    changes = _checked_identity(changes)
    if changes.get("number_pattern") is not None:
        check_pattern(changes["number_pattern"])
    for key, kind in (("logo", "file"), ("template_dir", "folder")):
        if changes.get(key):
            changes[key] = checks.existing_path(changes[key], key.replace("_", "-"), kind)
    with ledger.write() as session:
        company = session.get(Company, 1) or Company(id=1)
        checks.apply(company, changes)
        if prefixes:
            unknown = sorted(set(prefixes) - set(DEFAULT_PREFIXES))
            if unknown:
                raise InvalidValue(f'unknown document kind "{unknown[0]}" (one of {", ".join(DEFAULT_PREFIXES)})')
            merged = json.loads(company.prefixes or "{}") | {k: check_prefix(v) for k, v in prefixes.items()}
            company.prefixes = json.dumps(merged, sort_keys=True)
        if not company.name:
            raise InvalidValue("the company needs a --name")
        session.add(company)
        return company_view(company)


def show_company(ledger: Ledger) -> dict:
    with ledger.read() as session:
        return company_view(lookup.company(session))


def company_view(company: Company) -> dict:
    view = {key: getattr(company, key) for key in COMPANY_FIELDS}
    view["late_penalty_rate"] = number_str(company.late_penalty_rate)
    view["prefixes"] = DEFAULT_PREFIXES | json.loads(company.prefixes or "{}")
    return view


def add_customer(ledger: Ledger, code: str, **fields) -> dict:
    fields = _checked_identity({k: v for k, v in fields.items() if v is not None})
    code = checks.code(code, "customer code")
    with ledger.write() as session:
        if session.exec(select(Customer).where(Customer.code == code)).first():
            raise AlreadyExists(f'customer "{code}" already exists (use: koban customer edit {code} …)')
        customer = Customer(code=code, **fields)
        session.add(customer)
        return {"ref": code} | customer_view(customer)


def edit_customer(ledger: Ledger, code: str, **changes) -> dict:
    changes = _checked_identity(changes)
    with ledger.write() as session:
        customer = lookup.customer(session, code)
        checks.apply(customer, changes)
        session.add(customer)
        return customer_view(customer)


def show_customer(ledger: Ledger, code: str) -> dict:
    with ledger.read() as session:
        return customer_view(lookup.customer(session, code))


def list_customers(ledger: Ledger) -> list[dict]:
    with ledger.read() as session:
        return [customer_view(c) for c in session.exec(select(Customer).order_by(Customer.code))]


def customer_view(customer: Customer) -> dict:
    return {key: getattr(customer, key) for key in CUSTOMER_FIELDS}


def add_supplier(ledger: Ledger, code: str, name: str, email: str | None = None) -> dict:
    code = checks.code(code, "supplier code")
    with ledger.write() as session:
        if session.exec(select(Supplier).where(Supplier.code == code)).first():
            raise AlreadyExists(f'supplier "{code}" already exists')
        supplier = Supplier(code=code, name=checks.name(name), email=checks.email(email or ""))
        session.add(supplier)
        return {"ref": supplier.code, "code": supplier.code, "name": supplier.name, "email": supplier.email}


def list_suppliers(ledger: Ledger) -> list[dict]:
    with ledger.read() as session:
        return [
            {"code": s.code, "name": s.name, "email": s.email}
            for s in session.exec(select(Supplier).order_by(Supplier.code))
        ]
