"""An order's delivery status from its deliverable lines."""

from __future__ import annotations

from decimal import Decimal

from koban_cli.domain.kinds import DeliveryStatus


def delivery_status(lines: list[tuple[Decimal, Decimal]]) -> DeliveryStatus | None:
    """`(ordered, delivered)` per deliverable line; None when nothing is to be delivered."""
    if not lines:
        return None
    if all(delivered >= ordered for ordered, delivered in lines):
        return DeliveryStatus.DELIVERED
    if any(delivered for _, delivered in lines):
        return DeliveryStatus.PARTIALLY_DELIVERED
    return DeliveryStatus.NOT_DELIVERED
