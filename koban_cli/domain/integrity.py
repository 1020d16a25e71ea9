"""The hash chain of validated invoices: an edit made behind koban's back shows.

Each validated invoice or credit note stores sha256(previous hash + its
content), its content written as canonical JSON of the values stored, so
`koban verify` can recompute the whole chain from the ledger alone.
"""

from __future__ import annotations

import hashlib
import json

GENESIS = "0" * 64
INVOICE_FIELDS = (
    "number",
    "kind",
    "date",
    "due_date",
    "customer_id",
    "order_id",
    "credited_invoice_id",
    "contract_id",
    "net",
    "tax",
    "gross",
)
LINE_FIELDS = (
    "position",
    "kind",
    "product_id",
    "description",
    "qty",
    "unit_price",
    "discount",
    "vat_rate",
    "net",
    "period_start",
    "period_end",
    "order_line_id",
    "deposit_line_id",
    "source_line_id",
)


def content(invoice: dict, lines: list[dict]) -> str:
    """Canonical text of an invoice: field order fixed, every value as text."""

    def text(value):
        return None if value is None else str(value)

    return json.dumps(
        {
            "invoice": [text(invoice[k]) for k in INVOICE_FIELDS],
            "lines": [[text(line[k]) for k in LINE_FIELDS] for line in lines],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def link(previous: str | None, text: str) -> str:
    return hashlib.sha256(((previous or GENESIS) + text).encode()).hexdigest()
