"""The statuses and kinds the ledger stores, each named once.

`StrEnum` members are equal to the text stored in the database and printed in
JSON, so a row read back compares with them directly.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A document's status; which ones a kind of document takes is listed below."""

    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    EXPIRED = "expired"
    VALIDATED = "validated"
    INVOICED = "invoiced"
    CANCELLED = "cancelled"
    ACTIVE = "active"
    TERMINATED = "terminated"
    ENDED = "ended"
    ORDERED = "ordered"
    RECEIVED = "received"


QUOTE_STATUSES = (Status.DRAFT, Status.SENT, Status.ACCEPTED, Status.REFUSED, Status.EXPIRED)
ORDER_STATUSES = (Status.DRAFT, Status.VALIDATED, Status.INVOICED, Status.CANCELLED)
INVOICE_STATUSES = (Status.DRAFT, Status.VALIDATED)
DELIVERY_STATUSES = (Status.DRAFT, Status.VALIDATED, Status.CANCELLED)
CONTRACT_STATUSES = (Status.ACTIVE, Status.TERMINATED, Status.ENDED, Status.CANCELLED)
PURCHASE_STATUSES = (Status.ORDERED, Status.RECEIVED, Status.CANCELLED)


class InvoiceKind(StrEnum):
    STANDARD = "standard"
    DEPOSIT = "deposit"
    INTERMEDIATE = "intermediate"
    BALANCE = "balance"
    SUBSCRIPTION = "subscription"
    CREDIT_NOTE = "credit_note"


PLANNED_KINDS = (InvoiceKind.DEPOSIT, InvoiceKind.INTERMEDIATE, InvoiceKind.BALANCE)  # what an order's plan drafts


class PaymentStatus(StrEnum):
    """How much of an invoice is paid (derived from its payments, never stored)."""

    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"


class LineKind(StrEnum):
    PRODUCT = "product"
    FREE = "free"
    TEXT = "text"  # a comment line: no quantity, no amount


class ProductKind(StrEnum):
    GOODS = "goods"
    SERVICE = "service"
    SUBSCRIPTION = "subscription"


class CustomerKind(StrEnum):
    COMPANY = "company"
    INDIVIDUAL = "individual"  # a consumer: no SIREN, French VAT on EU sales


class StockMoveKind(StrEnum):
    RECEIPT = "receipt"
    DELIVERY = "delivery"
    ADJUSTMENT = "adjustment"
    RETURN = "return"
    PURCHASE = "purchase"


class BillingPeriod(StrEnum):
    """How often a contract bills (its `every`), and the period a subscription product's price is for."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    YEARLY = "yearly"


class ContractMode(StrEnum):
    """Whether bill-due validates a contract's invoices itself (auto) or leaves them as drafts (manual)."""

    AUTO = "auto"
    MANUAL = "manual"


class DeliveryStatus(StrEnum):
    """How much of an order's deliverable lines is delivered (derived, never stored)."""

    NOT_DELIVERED = "not_delivered"
    PARTIALLY_DELIVERED = "partially_delivered"
    DELIVERED = "delivered"


class AgeBucket(StrEnum):
    """How late an open amount is, in the aged balance (in this order)."""

    NOT_DUE = "not_due"
    DAYS_1_30 = "days_1_30"
    DAYS_31_60 = "days_31_60"
    OVER_60 = "over_60"


class PaymentMethod(StrEnum):
    """The payment methods koban writes itself. A method a user types (`invoice pay --method`) is free text
    (transfer, card, cheque, ...: the chart may give each a bank account, bank_METHOD), so it stays text."""

    CREDIT = "credit"  # a credit note applied to an invoice: one payment on each
