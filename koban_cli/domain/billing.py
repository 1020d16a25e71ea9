"""What an order invoice or a credit note contains, computed from plain values.

Every invoice line is anchored: to the order line it bills (`order_line_id`),
to the deposit line it deducts (`deposit_line_id`) or to the invoice line it
credits (`source_line_id`). What a line has been billed, and what a deposit has
left to deduct, are then plain sums over the anchored lines, credit notes
counting negative. These functions take those sums and return the new lines.

Every printed line is true: qty x unit price x (1 - discount) = net to the
cent. A quantity of a line is printed as such; a share that no quantity can
express (a percentage, an amount, the rounding rest of a line) is printed as
qty 1 x the exact share, with the share spelt out in the description.

An amount asked for (a deposit, a share, a credit, a deduction) is `Money` in
the ledger's currency; the sums over lines stay `Decimal`, as stored.

Deposits are advances: they bill no line. The final invoice bills what is
left on every line and deducts every deposit not yet deducted (qty -1 x a
positive price, per VAT rate); an intermediate invoice deducts deposits only
as much as keeps the order's invoiced total within its net.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from koban_cli.domain.amounts import allocate, line_net
from koban_cli.domain.kinds import LineKind
from koban_cli.domain.lines import Line
from koban_cli.domain.money import Money
from koban_cli.domain.values import HUNDRED, ZERO, round_money, round_qty
from koban_cli.domain.wording import fr_money, fr_number, spelt
from koban_cli.errors import InvalidValue, OverCrediting, OverInvoicing

ONE = Decimal(1)


@dataclass(frozen=True)
class Terms:
    """How a line is priced: what quantities of it cost."""

    qty: Decimal
    unit_price: Decimal
    discount: Decimal
    net: Decimal

    def priced_alike(self, unit_price: Decimal, discount: Decimal) -> bool:
        return unit_price == self.unit_price and discount == self.discount

    def covered_qty(self, qty: Decimal, unit_price: Decimal, discount: Decimal, net: Decimal) -> Decimal:
        """How much of this line's quantity another line bills: its own quantity when priced alike,
        else the quantity its net stands for."""
        if self.priced_alike(unit_price, discount):
            return qty
        return self.qty * net / self.net if self.net else ZERO

    def spelt(self) -> str:
        return spelt(self.qty, self.unit_price, self.discount)


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
    def terms(self) -> Terms:
        return Terms(self.qty, self.unit_price, self.discount, self.net)

    @property
    def qty_left(self) -> Decimal:
        """Exact: a share billed by amount leaves a quantity with more than 3 decimals."""
        return self.qty - self.qty_used

    @property
    def net_left(self) -> Decimal:
        return self.net - self.net_used

    def take(self, qty: Decimal, net: Decimal, share_label: str) -> Line:
        """A truthful line billing `net` for `qty` of this line: qty x its price when that is the net to
        the cent, else 1 x the net with `share_label` saying what share it is."""
        if qty and qty == round_qty(qty) and line_net(qty, self.unit_price, self.discount) == net:
            return self._line(self.description, qty, self.unit_price, self.discount, net)
        return self._line(f"{self.description} — {share_label}", ONE, net, ZERO, net)

    def _line(self, description: str, qty: Decimal, unit_price: Decimal, discount: Decimal, net: Decimal) -> Line:
        return Line(
            description=description,
            qty=qty,
            unit_price=unit_price,
            vat_rate=self.vat_rate,
            net=net,
            discount=discount,
            kind=LineKind.PRODUCT if self.product_id else LineKind.FREE,
            product_id=self.product_id,
            order_line_id=self.order_line_id,
            deposit_line_id=self.deposit_line_id,
            source_line_id=self.source_line_id,
        )

    def rest(self) -> Line:
        """All that is left on the line."""
        label = f"solde de {self.terms.spelt()} ({fr_money(self.net_left)} sur {fr_money(self.net)})"
        return self.take(self.qty_left, self.net_left, label)


@dataclass(frozen=True)
class OpenDeposit:
    deposit_line_id: int
    invoice_number: str
    vat_rate: Decimal
    amount: Decimal  # still to deduct


def percent_of(total: Decimal, percent: Decimal) -> Decimal:
    return round_money(total * percent / HUNDRED)


def deposit_lines(net_by_rate: dict[Decimal, Decimal], amount: Money, label: str) -> list[Line]:
    """One line per VAT rate, qty 1 x the amount split pro rata of the order's net per rate."""
    rates = [rate for rate, net in sorted(net_by_rate.items(), reverse=True) if net]
    shares = allocate(amount.amount_in(), [net_by_rate[r] for r in rates])
    several = len(rates) > 1
    return [
        Line(f"{label} (TVA {fr_number(rate)} %)" if several else label, ONE, share, rate, share)
        for rate, share in zip(rates, shares)
        if share
    ]


def progress_lines(lines: list[Billable], amount: Money, ratio: Decimal, label: str) -> list[Line]:
    """A share of every line (`ratio` of each), `amount` in total exactly.

    A line whose share is a quantity at its own price prints that quantity; any
    other prints qty 1 x its share, `label` (e.g. "situation 17,5 %") saying which.
    """
    priced = [line for line in lines if line.net]
    shares = allocate(amount.amount_in(), [line.net for line in priced])
    new = []
    for line, share in zip(priced, shares):
        if share > line.net_left:
            raise OverInvoicing(
                f"line {line.position} has {line.net_left:.2f} left to invoice, "
                f"this share would bill {share:.2f}; use --line to bill chosen quantities, or invoice balance"
            )
        if not share:
            continue
        qty = line.qty * ratio
        qty = qty if qty == round_qty(qty) else ZERO  # a quantity is printed only when it is exact
        new.append(line.take(qty, share, f"{label} de {line.terms.spelt()}"))
    return new


def picked_lines(lines: list[Billable], picks: dict[int, Decimal], doc: str, verb: str = "invoice") -> list[Line]:
    """Chosen quantities of chosen lines (`--line N=QTY`); the rest of a line bills exactly what is left."""
    by_position = {line.position: line for line in lines}
    error = OverInvoicing if verb == "invoice" else OverCrediting
    new = []
    for position, qty in picks.items():
        line = by_position.get(position)
        if line is None:
            raise InvalidValue(f"line {position} of {doc} has no amount to {verb} (lines: {_positions(lines)})")
        if line.net_left <= 0:
            raise error(f"line {position} of {doc} has nothing left to {verb}")
        qty_left = round_qty(line.qty_left)  # as `order show` prints it
        if qty > qty_left:
            raise error(f"line {position} of {doc}: {fr_number(qty)} asked, {fr_number(qty_left)} left to {verb}")
        if qty == qty_left:
            new.append(line.rest())
            continue
        net = line_net(qty, line.unit_price, line.discount)
        if not net:  # it would use up quantity without billing a cent, and the rest would bill it again
            raise error(f"line {position} of {doc}: {fr_number(qty)} would {verb} 0.00; choose a larger quantity")
        if net > line.net_left:
            raise error(
                f"line {position} of {doc}: {fr_number(qty)} would {verb} {net:.2f}, "
                f"{line.net_left:.2f} is left to {verb} on it"
            )
        new.append(line.take(qty, net, f"{fr_number(qty)} de {line.terms.spelt()}"))
    return new


def deduction_lines(deposits: list[OpenDeposit], amount: Money | None = None) -> list[Line]:
    """Deposit deductions, qty -1 x a positive price (EN 16931 forbids negative prices): every open
    deposit in full, or `amount` taken from them pro rata of what each has left."""
    open_ = [deposit for deposit in deposits if deposit.amount > 0]
    if amount is None:
        takes = [deposit.amount for deposit in open_]
    elif amount.amount_in() <= 0:
        return []
    else:
        takes = allocate(amount.amount, [deposit.amount for deposit in open_])
    return [
        Line(
            f"Déduction de l'acompte {deposit.invoice_number} (TVA {fr_number(deposit.vat_rate)} %)",
            -ONE,
            take,
            deposit.vat_rate,
            -take,
            deposit_line_id=deposit.deposit_line_id,
        )
        for deposit, take in zip(open_, takes)
        if take
    ]


def balance_lines(lines: list[Billable], deposits: list[OpenDeposit]) -> list[Line]:
    """The final invoice: everything left on each line, then every deposit not yet deducted."""
    return [line.rest() for line in lines if line.net_left or line.qty_left > 0] + deduction_lines(deposits)


def credit_lines(
    lines: list[Billable], doc: str, amount: Money | None = None, picks: dict[int, Decimal] | None = None
) -> list[Line]:
    """Credit note lines: the whole rest of the invoice, an amount, or chosen lines.

    An amount is shared over the lines pro rata of what each has left, each share
    printed as qty 1 x the share.
    """
    left = sum((line.net_left for line in lines), ZERO)
    if left <= 0 and not picks:
        raise OverCrediting(f"{doc} has nothing left to credit")
    if picks:
        return picked_lines(lines, picks, doc, verb="credit")
    if amount is None:
        return [line.rest() for line in lines if line.net_left]
    amount = amount.amount_in(what="--amount")
    if amount > left:
        raise OverCrediting(f"{doc} has {left:.2f} left to credit, {amount:.2f} asked")
    open_lines = [line for line in lines if line.net_left > 0]
    shares = allocate(amount, [line.net_left for line in open_lines])
    return [
        line.take(ZERO, share, f"avoir de {fr_money(share)} sur {line.terms.spelt()}")
        for line, share in zip(open_lines, shares)
        if share
    ]


def _positions(lines: list[Billable]) -> str:
    return ", ".join(str(line.position) for line in lines) or "none"


def usage(
    terms: dict[int, Terms], anchored: Iterable[tuple[int, Decimal, Decimal, Decimal, Decimal, bool]]
) -> dict[int, tuple[Decimal, Decimal]]:
    """`{line_id: (qty used, net used)}` from the lines anchored to them, given as
    `(line_id, qty, unit_price, discount, net, is_credit)`: credit notes give back what they credit."""
    used: dict[int, tuple[Decimal, Decimal]] = {}
    for line_id, qty, unit_price, discount, net, is_credit in anchored:
        sign = -1 if is_credit else 1
        qty_used, net_used = used.get(line_id, (ZERO, ZERO))
        covered = terms[line_id].covered_qty(qty, unit_price, discount, net)
        used[line_id] = (qty_used + sign * covered, net_used + sign * net)
    return used
