"""An order's delivery status from its deliverable lines."""

from __future__ import annotations

from decimal import Decimal


def delivery_status(lines: list[tuple[Decimal, Decimal]]) -> str | None:
    """`(ordered, delivered)` per deliverable line; None when nothing is to be delivered."""
    if not lines:
        return None
    if all(delivered >= ordered for ordered, delivered in lines):
        return "delivered"
    if any(delivered for _, delivered in lines):
        return "partially_delivered"
    return "not_delivered"
