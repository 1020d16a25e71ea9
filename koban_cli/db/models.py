"""The ledger's tables.

Documents share their header fields (`DocumentFields`) and their lines share
their amount fields (`LineFields`), so a quote line, an order line and an
invoice line are the same thing in three places, with only their links added.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from koban_cli.db.types import MoneyColumn, QuantityColumn, RateColumn

ZERO = Decimal(0)


class Company(SQLModel, table=True):
    id: int = Field(default=1, primary_key=True)
    name: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "FR"
    siren: str = ""
    vat_number: str = ""
    iban: str = ""
    bic: str = ""
    email: str = ""
    phone: str = ""
    legal_form: str = ""
    capital: str = ""
    rcs: str = ""
    logo: Optional[str] = None
    payment_terms_days: int = 30
    late_penalty_rate: Optional[Decimal] = Field(default=None, sa_type=RateColumn)
    vat_exempt: bool = False
    allow_negative_stock: bool = False
    number_pattern: str = "{prefix}-{year}-{seq:04d}"
    prefixes: str = "{}"  # JSON: {"invoice": "FA", ...} overriding the defaults
    template_dir: Optional[str] = None
    global_sequence: bool = False  # one sequence per kind that never restarts (the pattern then has no {year})
    accounts: str = "{}"  # JSON: {"sales_goods": "707100", "vat_20": "445712", ...} over the default chart
    fiscal_year_end: str = "12-31"  # MM-DD, the closing day of each fiscal year
    vat_on_debits: bool = False  # VAT on services due on invoices (debits) rather than on payments
    strict_mentions: bool = False  # a missing mandatory mention refuses validation (else a warning)
    reminder_levels: str = "7,30,45"  # days after the due date of each reminder; the last is the formal notice


class Customer(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    email: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "FR"
    siren: str = ""
    vat_number: str = ""
    payment_terms_days: Optional[int] = None
    no_email: bool = False  # invoices are never emailed (sent by hand)
    account: Optional[str] = None  # auxiliary account; None: 411 followed by the code
    kind: str = "company"  # company | individual (a consumer: no SIREN, French VAT on EU sales)
    vat_regime: Optional[str] = None  # S | K | AE | G | O forced on every line; None: derived
    delivery_address: Optional[str] = None  # where goods go, when not the billing address
    delivery_postcode: Optional[str] = None
    delivery_city: Optional[str] = None
    delivery_country: Optional[str] = None
    no_reminders: bool = False  # overdue invoices are never reminded by `invoice remind`


class Supplier(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    email: str = ""


class Product(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    ref: str = Field(unique=True)
    name: str
    kind: str = "goods"  # goods | service | subscription
    price: Decimal = Field(default=ZERO, sa_type=MoneyColumn)
    vat_rate: Decimal = Field(default=Decimal(20), sa_type=RateColumn)
    unit: str = "u"
    deliverable: bool = True
    stock_tracked: bool = True
    period: Optional[str] = None
    cost: Optional[Decimal] = Field(default=None, sa_type=MoneyColumn)
    alert_below: Optional[Decimal] = Field(default=None, sa_type=QuantityColumn)
    account: Optional[str] = None  # revenue account; None: the company's account for the kind
    # what validated orders have left to deliver: a cache of services/operations/stock.reserved, kept by
    # stock.rebook in every write that moves it (stored for every product, tracked or not)
    reserved: Decimal = Field(default=ZERO, sa_type=QuantityColumn)


class NumberSequence(SQLModel, table=True):
    """The last number taken per document kind and year; the row is the lock."""

    __tablename__ = "number_sequence"
    kind: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0
    last_date: Optional[dt.date] = None
    # the pattern and prefix this sequence was started with: it keeps them, so its numbers never change shape
    pattern: Optional[str] = None
    prefix: Optional[str] = None


class DocumentFields(SQLModel):
    customer_id: int = Field(foreign_key="customer.id", index=True)
    date: dt.date
    status: str = "draft"
    note: str = ""
    net: Decimal = Field(default=ZERO, sa_type=MoneyColumn)
    tax: Decimal = Field(default=ZERO, sa_type=MoneyColumn)
    gross: Decimal = Field(default=ZERO, sa_type=MoneyColumn)


class LineFields(SQLModel):
    position: int
    kind: str = "free"  # product | free | text
    product_id: Optional[int] = Field(default=None, foreign_key="product.id")
    description: str = ""
    qty: Decimal = Field(default=ZERO, sa_type=QuantityColumn)
    unit_price: Decimal = Field(default=ZERO, sa_type=MoneyColumn)
    discount: Decimal = Field(default=ZERO, sa_type=RateColumn)
    vat_rate: Decimal = Field(default=ZERO, sa_type=RateColumn)
    net: Decimal = Field(default=ZERO, sa_type=MoneyColumn)
    comment: Optional[str] = None


class Quote(DocumentFields, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    valid_until: Optional[dt.date] = None


class QuoteLine(LineFields, table=True):
    __tablename__ = "quote_line"
    __table_args__ = (UniqueConstraint("quote_id", "position"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    quote_id: int = Field(foreign_key="quote.id")


class SalesOrder(DocumentFields, table=True):
    __tablename__ = "sales_order"
    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    customer_ref: str = ""
    quote_id: Optional[int] = Field(default=None, foreign_key="quote.id", unique=True)  # accepted once
    import_key: Optional[str] = Field(default=None, unique=True)
    delivery_address: Optional[str] = None  # over the customer's delivery address
    delivery_postcode: Optional[str] = None
    delivery_city: Optional[str] = None
    delivery_country: Optional[str] = None


class OrderLine(LineFields, table=True):
    __tablename__ = "order_line"
    # a product's lines, for the reservation a write recomputes (migration 0012)
    __table_args__ = (UniqueConstraint("order_id", "position"), Index("ix_order_line_product_id", "product_id"))
    id: Optional[int] = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id")


class Invoice(DocumentFields, table=True):
    __table_args__ = (Index("ix_invoice_order_status", "order_id", "status"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    number: Optional[str] = Field(default=None, unique=True)
    kind: str = "standard"  # standard|deposit|intermediate|balance|subscription|credit_note
    order_id: Optional[int] = Field(default=None, foreign_key="sales_order.id")
    credited_invoice_id: Optional[int] = Field(default=None, foreign_key="invoice.id", index=True)
    contract_id: Optional[int] = Field(default=None, foreign_key="contract.id", index=True)
    project_id: Optional[int] = Field(default=None, foreign_key="project.id", index=True)
    due_date: Optional[dt.date] = None
    sent_at: Optional[dt.datetime] = None
    send_error: Optional[str] = None
    chain_index: Optional[int] = Field(default=None, unique=True)  # order of validation
    chain_hash: Optional[str] = None  # sha256 of the previous hash and this invoice's content
    chain_version: Optional[int] = None  # how chain_hash was computed (None: 1, before snapshots)
    snapshot: Optional[str] = None  # JSON: seller, buyer, terms and mentions frozen at validation


class InvoiceArchive(SQLModel, table=True):
    """The issued Factur-X file of a validated invoice, kept as first produced."""

    __tablename__ = "invoice_archive"
    invoice_id: int = Field(foreign_key="invoice.id", primary_key=True)
    sha256: str
    lang: str = "fr"
    file: Optional[str] = None  # name in the archive folder beside a SQLite ledger
    data: Optional[bytes] = None  # the bytes themselves on a database server
    archived_at: dt.datetime


class InvoiceLine(LineFields, table=True):
    __tablename__ = "invoice_line"
    __table_args__ = (UniqueConstraint("invoice_id", "position"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id")
    order_line_id: Optional[int] = Field(default=None, foreign_key="order_line.id", index=True)
    deposit_line_id: Optional[int] = Field(default=None, foreign_key="invoice_line.id", index=True)
    source_line_id: Optional[int] = Field(default=None, foreign_key="invoice_line.id", index=True)
    period_start: Optional[dt.date] = None
    period_end: Optional[dt.date] = None


class Payment(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    date: dt.date
    amount: Decimal = Field(sa_type=MoneyColumn)
    method: str = ""


class Contract(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    order_id: Optional[int] = Field(default=None, foreign_key="sales_order.id")
    start: dt.date
    end: dt.date  # last day of the first engagement (inclusive)
    every: str = "monthly"
    in_advance: bool = True
    renew: bool = True
    renew_months: int = 12
    notice_days: int = 30
    auto: bool = False
    status: str = "active"  # active | terminated
    terminated_on: Optional[dt.date] = None  # last day covered after a termination


class ContractLine(SQLModel, table=True):
    __tablename__ = "contract_line"
    __table_args__ = (UniqueConstraint("contract_id", "position"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    position: int
    product_id: Optional[int] = Field(default=None, foreign_key="product.id")
    description: str
    qty: Decimal = Field(sa_type=QuantityColumn)
    unit_price: Decimal = Field(sa_type=MoneyColumn)  # per `price_months`
    price_months: int = 1
    discount: Decimal = Field(default=ZERO, sa_type=RateColumn)
    vat_rate: Decimal = Field(sa_type=RateColumn)
    order_line_id: Optional[int] = Field(default=None, foreign_key="order_line.id")


class ContractPeriod(SQLModel, table=True):
    """One billed period; the unique (contract, start) makes a second billing impossible."""

    __tablename__ = "contract_period"
    __table_args__ = (UniqueConstraint("contract_id", "start"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    start: dt.date
    end: dt.date
    invoice_id: int = Field(foreign_key="invoice.id", unique=True)


class ContractReprice(SQLModel, table=True):
    __tablename__ = "contract_reprice"
    id: Optional[int] = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    from_date: dt.date
    percent: Decimal = Field(sa_type=RateColumn)


class ScheduleEntry(SQLModel, table=True):
    """A planned invoice of an order (prévisionnel de facturation)."""

    __tablename__ = "schedule_entry"
    id: Optional[int] = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    date: dt.date
    amount: Decimal = Field(sa_type=MoneyColumn)
    percent: Optional[Decimal] = Field(default=None, sa_type=RateColumn)
    kind: str = "intermediate"  # deposit | intermediate | balance
    label: str = ""
    invoice_id: Optional[int] = Field(default=None, foreign_key="invoice.id")


class Delivery(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    number: Optional[str] = Field(default=None, unique=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    date: dt.date
    status: str = "draft"  # draft | validated | cancelled
    note: str = ""


class DeliveryLine(SQLModel, table=True):
    __tablename__ = "delivery_line"
    __table_args__ = (UniqueConstraint("delivery_id", "position"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="delivery.id")
    position: int
    order_line_id: int = Field(foreign_key="order_line.id", index=True)
    product_id: int = Field(foreign_key="product.id")
    qty: Decimal = Field(sa_type=QuantityColumn)


class StockMove(SQLModel, table=True):
    """One movement of stock; the level of a product is the sum of its movements."""

    __tablename__ = "stock_move"
    __table_args__ = (UniqueConstraint("delivery_line_id", "kind"),)  # a delivery line moves stock once
    id: Optional[int] = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    date: dt.date
    qty: Decimal = Field(sa_type=QuantityColumn)  # signed: + in, - out
    kind: str  # receipt | delivery | adjustment | return | purchase
    ref: str = ""
    note: str = ""
    cost: Optional[Decimal] = Field(default=None, sa_type=MoneyColumn)
    delivery_line_id: Optional[int] = Field(default=None, foreign_key="delivery_line.id")


class Project(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    name: str
    customer_id: int = Field(foreign_key="customer.id", index=True)
    order_id: Optional[int] = Field(default=None, foreign_key="sales_order.id")
    budget: Optional[Decimal] = Field(default=None, sa_type=MoneyColumn)  # sale price when there is no order
    date: dt.date


class ProjectTask(SQLModel, table=True):
    __tablename__ = "project_task"
    __table_args__ = (UniqueConstraint("project_id", "position"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    position: int
    title: str
    due: Optional[dt.date] = None
    assignee: str = ""
    hours: Optional[Decimal] = Field(default=None, sa_type=QuantityColumn)  # planned
    done_on: Optional[dt.date] = None


class TimeEntry(SQLModel, table=True):
    __tablename__ = "time_entry"
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    task_id: Optional[int] = Field(default=None, foreign_key="project_task.id")
    date: dt.date
    who: str = ""
    hours: Decimal = Field(sa_type=QuantityColumn)
    rate: Decimal = Field(sa_type=MoneyColumn)  # hourly cost
    note: str = ""


class PersonRate(SQLModel, table=True):
    """Default hourly cost of a person, used when a time entry gives no rate."""

    __tablename__ = "person_rate"
    name: str = Field(primary_key=True)
    rate: Decimal = Field(sa_type=MoneyColumn)


class Purchase(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    supplier_id: int = Field(foreign_key="supplier.id")
    project_id: Optional[int] = Field(default=None, foreign_key="project.id", index=True)
    date: dt.date
    supplier_ref: str = ""
    status: str = "ordered"  # ordered | received
    amount: Decimal = Field(default=ZERO, sa_type=MoneyColumn)


class PurchaseLine(SQLModel, table=True):
    __tablename__ = "purchase_line"
    id: Optional[int] = Field(default=None, primary_key=True)
    purchase_id: int = Field(foreign_key="purchase.id", index=True)
    product_id: Optional[int] = Field(default=None, foreign_key="product.id")
    description: str
    qty: Decimal = Field(sa_type=QuantityColumn)
    cost: Decimal = Field(sa_type=MoneyColumn)
    amount: Decimal = Field(sa_type=MoneyColumn)


class Reminder(SQLModel, table=True):
    """A reminder level reached by an invoice; the unique (invoice, level) records each level once."""

    __table_args__ = (UniqueConstraint("invoice_id", "level", name="uq_reminder_invoice_level"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    level: int  # from 1
    days: int  # days after the due date of this level
    formal_notice: bool = False  # the last level: mise en demeure
    date: dt.date
    amount_due: Decimal = Field(sa_type=MoneyColumn)  # what the letter states, so a resent letter says the same
    penalty_rate: Decimal = Field(sa_type=RateColumn)
    penalties: Decimal = Field(sa_type=MoneyColumn)
    indemnity: Decimal = Field(sa_type=MoneyColumn)
    lang: str = "fr"
    by_email: bool = False  # recorded by a run with --send: unsent until sent_at is set
    sent_at: Optional[dt.datetime] = None
    send_error: Optional[str] = None


class CreditApplication(SQLModel, table=True):
    """A credit note applied to an invoice: a payment of method credit on each side."""

    __tablename__ = "credit_application"
    id: Optional[int] = Field(default=None, primary_key=True)
    credit_note_id: int = Field(foreign_key="invoice.id", index=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    date: dt.date
    amount: Decimal = Field(sa_type=MoneyColumn)
    payment_id: int = Field(foreign_key="payment.id", unique=True)
    refund_id: int = Field(foreign_key="payment.id", unique=True)
