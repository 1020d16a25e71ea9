"""Line and document amounts, EN 16931 style.

Line net = qty x unit price x (1 - discount/100), half-up to the cent.
Document net = sum of line nets; VAT per rate on the sum of the nets at that
rate (never line by line); gross = net + VAT.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from koban_cli.domain.values import HUNDRED, ZERO, round_money


def line_net(qty: Decimal, unit_price: Decimal, discount: Decimal = ZERO) -> Decimal:
    return round_money(qty * unit_price * (HUNDRED - discount) / HUNDRED)


@dataclass(frozen=True, slots=True)
class VatRow:
    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    net: Decimal
    tax: Decimal
    gross: Decimal
    vat: tuple[VatRow, ...]


def totals(lines: Iterable[tuple[Decimal, Decimal]]) -> Totals:
    """Totals of `(vat_rate, net)` pairs; rates in decreasing order."""
    bases: dict[Decimal, Decimal] = {}
    for rate, net in lines:
        bases[rate] = bases.get(rate, ZERO) + net
    vat = []
    net = tax = ZERO  # summed in the order of the rows, as the document shows them
    for rate in sorted(bases, reverse=True):
        base = bases[rate]
        amount = round_money(base * rate / HUNDRED)
        vat.append(VatRow(rate, base, amount))
        net += base
        tax += amount
    return Totals(net, tax, net + tax, tuple(vat))


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` in cents pro rata of `weights`, summing exactly to `total`.

    Each share is rounded half-up; the cents lost or gained by rounding go to
    the shares with the largest weights, one cent each, so no share moves by
    more than a cent from its exact value.
    """
    weight_sum = sum(weights, ZERO)
    if not weights or weight_sum == 0:
        raise ValueError("nothing to allocate over")
    total = round_money(total)
    shares = [round_money(total * w / weight_sum) for w in weights]
    residue = total - sum(shares, ZERO)
    step = Decimal("0.01") if residue > 0 else Decimal("-0.01")
    by_weight = sorted(range(len(weights)), key=lambda i: abs(weights[i]), reverse=True)
    i = 0
    while residue != 0:
        shares[by_weight[i % len(by_weight)]] += step
        residue -= step
        i += 1
    return shares
