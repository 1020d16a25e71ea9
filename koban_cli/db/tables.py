"""Lightweight SQLAlchemy Core views of the tables that fast read commands query.

Reports that run all day (order list, invoice list) must start without the ORM:
importing SQLModel and declaring the models costs more than the query. These
`table()` objects name only the columns read, money as integer cents
(BigInteger, as stored), dates as dates; `tests/test_core_tables.py` proves each column exists
in the models with the same storage, so the two descriptions cannot drift.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Date, DateTime, column, table

customer = table("customer", column("id"), column("code"))
sales_order = table(
    "sales_order",
    column("id"),
    column("number"),
    column("customer_id"),
    column("status"),
    column("date", Date),
    column("net", BigInteger),
)
order_line = table("order_line", column("id"), column("order_id"), column("net", BigInteger))
invoice = table(
    "invoice",
    column("id"),
    column("number"),
    column("kind"),
    column("status"),
    column("customer_id"),
    column("order_id"),
    column("date", Date),
    column("due_date", Date),
    column("sent_at", DateTime),
    column("net", BigInteger),
    column("gross", BigInteger),
)
invoice_line = table("invoice_line", column("invoice_id"), column("order_line_id"), column("net", BigInteger))
payment = table("payment", column("invoice_id"), column("amount", BigInteger))
contract_line = table("contract_line", column("contract_id"), column("order_line_id"))
contract = table(
    "contract",
    column("id"),
    column("number"),
    column("customer_id"),
    column("start", Date),
    column("end", Date),
    column("every"),
    column("in_advance", Boolean),
    column("renew", Boolean),
    column("renew_months"),
    column("notice_days"),
    column("auto", Boolean),
    column("status"),
    column("terminated_on", Date),
)
contract_period = table("contract_period", column("contract_id"), column("start", Date))

ALL = (customer, sales_order, order_line, invoice, invoice_line, payment, contract_line, contract, contract_period)
