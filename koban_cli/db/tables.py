"""The ledger's tables for SQLAlchemy Core, generated from db/models.py: do not edit.

Regenerate with `python -m koban_cli.db.generate_tables`; tests/test_core_tables.py
fails when this file and the models disagree. Read commands query these so they
start without the ORM (importing SQLModel and declaring the models costs more
than the query). Money, quantities and rates come back as exact Decimals, as
from the models; `cents()` reads a money column as its stored integer.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Date, Integer, LargeBinary, String, column, table, type_coerce

from koban_cli.db.types import MoneyColumn, QuantityColumn, RateColumn, UTCMoment


def cents(money_column):
    """A money column as stored: integer cents, for reports that stay in integers from SQL to text."""
    return type_coerce(money_column, BigInteger)


def insert(table_, **values):
    """An INSERT of one row: the columns not given take the models' Python defaults (`DEFAULTS`; a Core
    `table()` carries none), as the ORM would insert them."""
    return table_.insert().values({**DEFAULTS[table_.name], **values})


company = table(
    "company",
    column("id", Integer),
    column("name", String),
    column("address", String),
    column("postcode", String),
    column("city", String),
    column("country", String),
    column("siren", String),
    column("vat_number", String),
    column("iban", String),
    column("bic", String),
    column("email", String),
    column("phone", String),
    column("legal_form", String),
    column("capital", String),
    column("rcs", String),
    column("logo", String),
    column("payment_terms_days", Integer),
    column("late_penalty_rate", RateColumn),
    column("vat_exempt", Boolean),
    column("allow_negative_stock", Boolean),
    column("number_pattern", String),
    column("prefixes", String),
    column("template_dir", String),
    column("global_sequence", Boolean),
    column("accounts", String),
    column("fiscal_year_end", String),
    column("vat_on_debits", Boolean),
    column("strict_mentions", Boolean),
    column("reminder_levels", String),
)

contract = table(
    "contract",
    column("id", Integer),
    column("number", String),
    column("customer_id", Integer),
    column("order_id", Integer),
    column("start", Date),
    column("end", Date),
    column("every", String),
    column("in_advance", Boolean),
    column("renew", Boolean),
    column("renew_months", Integer),
    column("notice_days", Integer),
    column("auto", Boolean),
    column("status", String),
    column("terminated_on", Date),
)

contract_line = table(
    "contract_line",
    column("id", Integer),
    column("contract_id", Integer),
    column("position", Integer),
    column("product_id", Integer),
    column("description", String),
    column("qty", QuantityColumn),
    column("unit_price", MoneyColumn),
    column("price_months", Integer),
    column("discount", RateColumn),
    column("vat_rate", RateColumn),
    column("order_line_id", Integer),
)

contract_period = table(
    "contract_period",
    column("id", Integer),
    column("contract_id", Integer),
    column("start", Date),
    column("end", Date),
    column("invoice_id", Integer),
)

contract_reprice = table(
    "contract_reprice",
    column("id", Integer),
    column("contract_id", Integer),
    column("from_date", Date),
    column("percent", RateColumn),
)

credit_application = table(
    "credit_application",
    column("id", Integer),
    column("credit_note_id", Integer),
    column("invoice_id", Integer),
    column("date", Date),
    column("amount", MoneyColumn),
    column("payment_id", Integer),
    column("refund_id", Integer),
)

customer = table(
    "customer",
    column("id", Integer),
    column("code", String),
    column("name", String),
    column("email", String),
    column("address", String),
    column("postcode", String),
    column("city", String),
    column("country", String),
    column("siren", String),
    column("vat_number", String),
    column("payment_terms_days", Integer),
    column("no_email", Boolean),
    column("account", String),
    column("kind", String),
    column("vat_regime", String),
    column("delivery_address", String),
    column("delivery_postcode", String),
    column("delivery_city", String),
    column("delivery_country", String),
    column("no_reminders", Boolean),
)

delivery = table(
    "delivery",
    column("id", Integer),
    column("number", String),
    column("order_id", Integer),
    column("date", Date),
    column("status", String),
    column("note", String),
)

delivery_line = table(
    "delivery_line",
    column("id", Integer),
    column("delivery_id", Integer),
    column("position", Integer),
    column("order_line_id", Integer),
    column("product_id", Integer),
    column("qty", QuantityColumn),
)

invoice = table(
    "invoice",
    column("customer_id", Integer),
    column("date", Date),
    column("status", String),
    column("note", String),
    column("net", MoneyColumn),
    column("tax", MoneyColumn),
    column("gross", MoneyColumn),
    column("id", Integer),
    column("number", String),
    column("kind", String),
    column("order_id", Integer),
    column("credited_invoice_id", Integer),
    column("contract_id", Integer),
    column("project_id", Integer),
    column("due_date", Date),
    column("sent_at", UTCMoment),
    column("send_error", String),
    column("chain_index", Integer),
    column("chain_hash", String),
    column("chain_version", Integer),
    column("snapshot", String),
)

invoice_archive = table(
    "invoice_archive",
    column("invoice_id", Integer),
    column("sha256", String),
    column("lang", String),
    column("file", String),
    column("data", LargeBinary),
    column("archived_at", UTCMoment),
)

invoice_line = table(
    "invoice_line",
    column("position", Integer),
    column("kind", String),
    column("product_id", Integer),
    column("description", String),
    column("qty", QuantityColumn),
    column("unit_price", MoneyColumn),
    column("discount", RateColumn),
    column("vat_rate", RateColumn),
    column("net", MoneyColumn),
    column("comment", String),
    column("id", Integer),
    column("invoice_id", Integer),
    column("order_line_id", Integer),
    column("deposit_line_id", Integer),
    column("source_line_id", Integer),
    column("period_start", Date),
    column("period_end", Date),
)

number_sequence = table(
    "number_sequence",
    column("kind", String),
    column("year", Integer),
    column("last", Integer),
    column("last_date", Date),
    column("pattern", String),
    column("prefix", String),
)

order_line = table(
    "order_line",
    column("position", Integer),
    column("kind", String),
    column("product_id", Integer),
    column("description", String),
    column("qty", QuantityColumn),
    column("unit_price", MoneyColumn),
    column("discount", RateColumn),
    column("vat_rate", RateColumn),
    column("net", MoneyColumn),
    column("comment", String),
    column("id", Integer),
    column("order_id", Integer),
)

payment = table(
    "payment",
    column("id", Integer),
    column("invoice_id", Integer),
    column("date", Date),
    column("amount", MoneyColumn),
    column("method", String),
)

person_rate = table(
    "person_rate",
    column("name", String),
    column("rate", MoneyColumn),
)

product = table(
    "product",
    column("id", Integer),
    column("ref", String),
    column("name", String),
    column("kind", String),
    column("price", MoneyColumn),
    column("vat_rate", RateColumn),
    column("unit", String),
    column("deliverable", Boolean),
    column("stock_tracked", Boolean),
    column("period", String),
    column("cost", MoneyColumn),
    column("alert_below", QuantityColumn),
    column("account", String),
    column("reserved", QuantityColumn),
)

project = table(
    "project",
    column("id", Integer),
    column("number", String),
    column("name", String),
    column("customer_id", Integer),
    column("order_id", Integer),
    column("budget", MoneyColumn),
    column("date", Date),
)

project_task = table(
    "project_task",
    column("id", Integer),
    column("project_id", Integer),
    column("position", Integer),
    column("title", String),
    column("due", Date),
    column("assignee", String),
    column("hours", QuantityColumn),
    column("done_on", Date),
)

purchase = table(
    "purchase",
    column("id", Integer),
    column("number", String),
    column("supplier_id", Integer),
    column("project_id", Integer),
    column("date", Date),
    column("supplier_ref", String),
    column("status", String),
    column("amount", MoneyColumn),
)

purchase_line = table(
    "purchase_line",
    column("id", Integer),
    column("purchase_id", Integer),
    column("product_id", Integer),
    column("description", String),
    column("qty", QuantityColumn),
    column("cost", MoneyColumn),
    column("amount", MoneyColumn),
)

quote = table(
    "quote",
    column("customer_id", Integer),
    column("date", Date),
    column("status", String),
    column("note", String),
    column("net", MoneyColumn),
    column("tax", MoneyColumn),
    column("gross", MoneyColumn),
    column("id", Integer),
    column("number", String),
    column("valid_until", Date),
)

quote_line = table(
    "quote_line",
    column("position", Integer),
    column("kind", String),
    column("product_id", Integer),
    column("description", String),
    column("qty", QuantityColumn),
    column("unit_price", MoneyColumn),
    column("discount", RateColumn),
    column("vat_rate", RateColumn),
    column("net", MoneyColumn),
    column("comment", String),
    column("id", Integer),
    column("quote_id", Integer),
)

reminder = table(
    "reminder",
    column("id", Integer),
    column("invoice_id", Integer),
    column("level", Integer),
    column("days", Integer),
    column("formal_notice", Boolean),
    column("date", Date),
    column("amount_due", MoneyColumn),
    column("penalty_rate", RateColumn),
    column("penalties", MoneyColumn),
    column("indemnity", MoneyColumn),
    column("lang", String),
    column("by_email", Boolean),
    column("sent_at", UTCMoment),
    column("send_error", String),
)

sales_order = table(
    "sales_order",
    column("customer_id", Integer),
    column("date", Date),
    column("status", String),
    column("note", String),
    column("net", MoneyColumn),
    column("tax", MoneyColumn),
    column("gross", MoneyColumn),
    column("id", Integer),
    column("number", String),
    column("customer_ref", String),
    column("quote_id", Integer),
    column("import_key", String),
    column("delivery_address", String),
    column("delivery_postcode", String),
    column("delivery_city", String),
    column("delivery_country", String),
)

schedule_entry = table(
    "schedule_entry",
    column("id", Integer),
    column("order_id", Integer),
    column("date", Date),
    column("amount", MoneyColumn),
    column("percent", RateColumn),
    column("kind", String),
    column("label", String),
    column("invoice_id", Integer),
)

stock_move = table(
    "stock_move",
    column("id", Integer),
    column("product_id", Integer),
    column("date", Date),
    column("qty", QuantityColumn),
    column("kind", String),
    column("ref", String),
    column("note", String),
    column("cost", MoneyColumn),
    column("delivery_line_id", Integer),
)

supplier = table(
    "supplier",
    column("id", Integer),
    column("code", String),
    column("name", String),
    column("email", String),
)

time_entry = table(
    "time_entry",
    column("id", Integer),
    column("project_id", Integer),
    column("task_id", Integer),
    column("date", Date),
    column("who", String),
    column("hours", QuantityColumn),
    column("rate", MoneyColumn),
    column("note", String),
)

ALL = (
    company,
    contract,
    contract_line,
    contract_period,
    contract_reprice,
    credit_application,
    customer,
    delivery,
    delivery_line,
    invoice,
    invoice_archive,
    invoice_line,
    number_sequence,
    order_line,
    payment,
    person_rate,
    product,
    project,
    project_task,
    purchase,
    purchase_line,
    quote,
    quote_line,
    reminder,
    sales_order,
    schedule_entry,
    stock_move,
    supplier,
    time_entry,
)

# What a column not given in an INSERT takes (the models' Python defaults), per table
DEFAULTS = {
    "company": {
        "id": 1,
        "name": "",
        "address": "",
        "postcode": "",
        "city": "",
        "country": "FR",
        "siren": "",
        "vat_number": "",
        "iban": "",
        "bic": "",
        "email": "",
        "phone": "",
        "legal_form": "",
        "capital": "",
        "rcs": "",
        "payment_terms_days": 30,
        "vat_exempt": False,
        "allow_negative_stock": False,
        "number_pattern": "{prefix}-{year}-{seq:04d}",
        "prefixes": "{}",
        "global_sequence": False,
        "accounts": "{}",
        "fiscal_year_end": "12-31",
        "vat_on_debits": False,
        "strict_mentions": False,
        "reminder_levels": "7,30,45",
    },
    "contract": {
        "every": "monthly",
        "in_advance": True,
        "renew": True,
        "renew_months": 12,
        "notice_days": 30,
        "auto": False,
        "status": "active",
    },
    "contract_line": {
        "price_months": 1,
        "discount": Decimal("0"),
    },
    "contract_period": {},
    "contract_reprice": {},
    "credit_application": {},
    "customer": {
        "email": "",
        "address": "",
        "postcode": "",
        "city": "",
        "country": "FR",
        "siren": "",
        "vat_number": "",
        "no_email": False,
        "kind": "company",
        "no_reminders": False,
    },
    "delivery": {
        "status": "draft",
        "note": "",
    },
    "delivery_line": {},
    "invoice": {
        "status": "draft",
        "note": "",
        "net": Decimal("0"),
        "tax": Decimal("0"),
        "gross": Decimal("0"),
        "kind": "standard",
    },
    "invoice_archive": {
        "lang": "fr",
    },
    "invoice_line": {
        "kind": "free",
        "description": "",
        "qty": Decimal("0"),
        "unit_price": Decimal("0"),
        "discount": Decimal("0"),
        "vat_rate": Decimal("0"),
        "net": Decimal("0"),
    },
    "number_sequence": {
        "last": 0,
    },
    "order_line": {
        "kind": "free",
        "description": "",
        "qty": Decimal("0"),
        "unit_price": Decimal("0"),
        "discount": Decimal("0"),
        "vat_rate": Decimal("0"),
        "net": Decimal("0"),
    },
    "payment": {
        "method": "",
    },
    "person_rate": {},
    "product": {
        "kind": "goods",
        "price": Decimal("0"),
        "vat_rate": Decimal("20"),
        "unit": "u",
        "deliverable": True,
        "stock_tracked": True,
        "reserved": Decimal("0"),
    },
    "project": {},
    "project_task": {
        "assignee": "",
    },
    "purchase": {
        "supplier_ref": "",
        "status": "ordered",
        "amount": Decimal("0"),
    },
    "purchase_line": {},
    "quote": {
        "status": "draft",
        "note": "",
        "net": Decimal("0"),
        "tax": Decimal("0"),
        "gross": Decimal("0"),
    },
    "quote_line": {
        "kind": "free",
        "description": "",
        "qty": Decimal("0"),
        "unit_price": Decimal("0"),
        "discount": Decimal("0"),
        "vat_rate": Decimal("0"),
        "net": Decimal("0"),
    },
    "reminder": {
        "formal_notice": False,
        "lang": "fr",
        "by_email": False,
    },
    "sales_order": {
        "status": "draft",
        "note": "",
        "net": Decimal("0"),
        "tax": Decimal("0"),
        "gross": Decimal("0"),
        "customer_ref": "",
    },
    "schedule_entry": {
        "kind": "intermediate",
        "label": "",
    },
    "stock_move": {
        "ref": "",
        "note": "",
    },
    "supplier": {
        "email": "",
    },
    "time_entry": {
        "who": "",
        "note": "",
    },
}
