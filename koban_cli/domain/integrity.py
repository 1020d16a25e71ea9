"""The hash chain of validated invoices: an edit made behind koban's back shows.

Each validated invoice or credit note stores sha256(previous hash + its
content), its content written as canonical JSON of the values stored, so
`koban verify` can recompute the whole chain from the ledger alone.

Each link records how it was computed (`chain_version`), so links made by an
older koban are re-verified as they were made: 1 = the stored values and
lines; 2 = those plus the snapshot frozen at validation (seller, buyer,
terms, mentions); 3 = as 2, chained with HMAC-SHA256 under a seal key kept
outside the ledger.
"""

from __future__ import annotations

import hashlib
import hmac
import json

GENESIS = "0" * 64
ORIGINAL, CURRENT, SEALED = 1, 2, 3
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


def content(invoice: dict, lines: list[dict], version: int = ORIGINAL, snapshot: str | None = None) -> str:
    """Canonical text of an invoice: field order fixed, every value as text."""

    def text(value):
        return None if value is None else str(value)

    document = {
        "invoice": [text(invoice[k]) for k in INVOICE_FIELDS],
        "lines": [[text(line[k]) for k in LINE_FIELDS] for line in lines],
    }
    if version != ORIGINAL:
        document = {"version": version, "snapshot": snapshot} | document
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def link(previous: str | None, text: str, key: bytes | None = None) -> str:
    """sha256(previous + text), or its HMAC under `key` (a writer without the key cannot forge it)."""
    message = ((previous or GENESIS) + text).encode()
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
