"""What an order invoice or a credit note contains, computed from plain values.

Every invoice line is anchored: to the order line it bills (`order_line_id`)
or to the deposit line it deducts or credits (`deposit_line_id`). What an
order line has been billed, and what a deposit has left to deduct, are then
plain sums over the anchored lines, credit notes counting negative. These
functions take those sums as input and return the lines of the new document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from koban_cli.domain.amounts import allocate, line_net
from koban_cli.domain.values import HUNDRED, ZERO, number_str, round_money, round_qty
from koban_cli.errors import InvalidValue, OverCrediting, OverInvoicing


@dataclass(frozen=True)
class NewLine:
    """A line about to be written on an invoice or credit note."""

    description: str
    qty: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    net: Decimal
    discount: Decimal = ZERO
    product_id: int | None = None
    order_line_id: int | None = None
    deposit_line_id: int | None = None
    source_line_id: int | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None


@dataclass(frozen=True)
class Billable:
    """An order line (or an invoice line, when crediting) and what is already used of it."""

    line_id: int
    position: int
    description: str
    qty: Decimal
    unit_price: Decimal
    discount: Decimal
    vat_rate: Decimal
    net: Decimal
    qty_used: Decimal = ZERO
    net_used: Decimal = ZERO
    product_id: int | None = None
    order_line_id: int | None = None
    deposit_line_id: int | None = None
    source_line_id: int | None = None

    @property
    def qty_left(self) -> Decimal:
        return self.qty - self.qty_used

    @property
    def net_left(self) -> Decimal:
        return self.net - self.net_used

    def take(self, qty: Decimal, net: Decimal, description: str | None = None) -> NewLine:
        return NewLine(
            description=description or self.description,
            qty=qty,
            unit_price=self.unit_price,
            discount=self.discount,
            vat_rate=self.vat_rate,
            net=net,
            product_id=self.product_id,
            order_line_id=self.order_line_id,
            deposit_line_id=self.deposit_line_id,
            source_line_id=self.source_line_id,
        )


@dataclass(frozen=True)
class OpenDeposit:
    deposit_line_id: int
    invoice_number: str
    vat_rate: Decimal
    amount: Decimal


def percent_of(total: Decimal, percent: Decimal) -> Decimal:
    return round_money(total * percent / HUNDRED)


def deposit_lines(net_by_rate: dict[Decimal, Decimal], amount: Decimal, label: str) -> list[NewLine]:
    """One line per VAT rate, the amount split pro rata of the order's net per rate."""
    rates = [rate for rate, net in sorted(net_by_rate.items(), reverse=True) if net]
    shares = allocate(amount, [net_by_rate[r] for r in rates])
    several = len(rates) > 1
    return [
        NewLine(f"{label} (TVA {number_str(rate)} %)" if several else label, Decimal(1), share, rate, share)
        for rate, share in zip(rates, shares)
        if share
    ]


def progress_lines(lines: list[Billable], amount: Decimal, order_net: Decimal) -> list[NewLine]:
    """A share of every line: `amount / order_net` of each, exact to the cent in total."""
    priced = [line for line in lines if line.net]
    shares = allocate(amount, [line.net for line in priced])
    ratio = amount / order_net
    label = f"{number_str((ratio * HUNDRED).quantize(Decimal('0.01')))} %"
    new = []
    for line, share in zip(priced, shares):
        if share > line.net_left:
            raise OverInvoicing(
                f"line {line.position} has {line.net_left:.2f} left to invoice, "
                f"this share would bill {share:.2f}; use --line to bill chosen quantities"
            )
        qty = min(round_qty(line.qty * ratio), line.qty_left)
        new.append(line.take(qty, share, f"{line.description} — situation {label}"))
    return new


def picked_lines(lines: list[Billable], picks: dict[int, Decimal], doc: str, verb: str = "invoice") -> list[NewLine]:
    """Chosen quantities of chosen lines (`--line N=QTY`)."""
    by_position = {line.position: line for line in lines}
    new = []
    for position, qty in picks.items():
        line = by_position.get(position)
        if line is None:
            raise InvalidValue(f"line {position} of {doc} has no amount to {verb} (lines: {_positions(lines)})")
        if qty > line.qty_left:
            error = OverInvoicing if verb == "invoice" else OverCrediting
            raise error(
                f"line {position} of {doc}: {number_str(qty)} asked, {number_str(line.qty_left)} left to {verb}"
            )
        net = line.net_left if qty == line.qty_left else line_net(qty, line.unit_price, line.discount)
        new.append(line.take(qty, net))
    return new


def balance_lines(lines: list[Billable], deposits: list[OpenDeposit]) -> list[NewLine]:
    """Everything left on each line, then one deduction per open deposit and rate."""
    new = [line.take(line.qty_left, line.net_left) for line in lines if line.qty_left or line.net_left]
    for deposit in deposits:
        if deposit.amount:
            new.append(
                NewLine(
                    f"Déduction de l'acompte {deposit.invoice_number} (TVA {number_str(deposit.vat_rate)} %)",
                    Decimal(-1),
                    deposit.amount,
                    deposit.vat_rate,
                    -deposit.amount,
                    deposit_line_id=deposit.deposit_line_id,
                )
            )
    return new


def credit_lines(
    lines: list[Billable], doc: str, amount: Decimal | None = None, picks: dict[int, Decimal] | None = None
) -> list[NewLine]:
    """Credit note lines: the whole rest of the invoice, an amount, or chosen lines."""
    left = sum((line.net_left for line in lines), ZERO)
    if not left and not picks:
        raise OverCrediting(f"{doc} is already fully credited")
    if picks:
        return picked_lines(lines, picks, doc, verb="credit")
    if amount is None:
        return [line.take(line.qty_left, line.net_left) for line in lines if line.qty_left or line.net_left]
    if amount > left:
        raise OverCrediting(f"{doc} has {left:.2f} left to credit, {amount:.2f} asked")
    open_lines = [line for line in lines if line.net_left]
    shares = allocate(amount, [line.net_left for line in open_lines])
    return [
        line.take(round_qty(line.qty_left * share / line.net_left), share)
        for line, share in zip(open_lines, shares)
        if share
    ]


def _positions(lines: list[Billable]) -> str:
    return ", ".join(str(line.position) for line in lines) or "none"
