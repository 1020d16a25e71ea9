"""What deposit, intermediate, balance and credit note lines contain: pure rules."""

from decimal import Decimal as D

import pytest

from koban_cli.domain.billing import (
    Billable,
    OpenDeposit,
    balance_lines,
    credit_lines,
    deposit_lines,
    picked_lines,
    progress_lines,
)
from koban_cli.errors import OverCrediting, OverInvoicing


def order_line(line_id, qty, price, rate=D(20), discount=D(0), qty_used=D(0), net_used=D(0)):
    from koban_cli.domain.amounts import line_net

    return Billable(
        line_id,
        line_id,
        f"line {line_id}",
        D(qty),
        D(price),
        discount,
        rate,
        line_net(D(qty), D(price), discount),
        D(qty_used),
        D(net_used),
        order_line_id=line_id,
    )


def test_deposit_is_split_over_vat_rates_pro_rata_of_the_order_net():
    lines = deposit_lines({D(20): D("4198.64"), D("5.5"): D("350.00")}, D("1364.59"), "Acompte 30 %")
    assert [(l.vat_rate, l.net) for l in lines] == [(D(20), D("1259.59")), (D("5.5"), D("105.00"))]
    assert sum(l.net for l in lines) == D("1364.59")
    assert lines[0].description == "Acompte 30 % (TVA 20 %)"


def test_progress_by_amount_is_exact_to_the_cent_over_every_line():
    lines = [order_line(1, 3, "333.33"), order_line(2, 7, "11.11", D("5.5"))]
    new = progress_lines(lines, D("500.00"), sum(l.net for l in lines))
    assert sum(l.net for l in new) == D("500.00")
    assert all(l.order_line_id for l in new)


def test_progress_share_beyond_what_a_line_has_left_is_refused():
    lines = [order_line(1, 2, "100", qty_used=2, net_used="200"), order_line(2, 2, "100")]
    with pytest.raises(OverInvoicing, match="line 1 has 0.00 left to invoice"):
        progress_lines(lines, D("100.00"), D("400.00"))


def test_picking_more_than_left_on_a_line_is_refused_naming_the_line():
    with pytest.raises(OverInvoicing, match="line 1 of CO-1: 3 asked, 2 left to invoice"):
        picked_lines([order_line(1, 5, "10", qty_used=3, net_used="30")], {1: D(3)}, "CO-1")


def test_picking_the_last_quantity_takes_exactly_the_net_left():
    line = order_line(1, 3, "10.01", qty_used="1.5", net_used="15.02")  # 30.03 - 15.02 = 15.01
    (new,) = picked_lines([line], {1: D("1.5")}, "CO-1")
    assert new.net == D("15.01")


def test_balance_bills_everything_left_then_deducts_each_open_deposit_with_qty_minus_one():
    lines = [order_line(1, 4, "100", qty_used=1, net_used="100")]
    new = balance_lines(lines, [OpenDeposit(9, "FA-2026-0001", D(20), D("120.00"))])
    assert [(l.qty, l.net) for l in new] == [(D(3), D("300.00")), (D(-1), D("-120.00"))]
    assert new[1].unit_price == D("120.00") and "FA-2026-0001" in new[1].description
    assert new[1].deposit_line_id == 9


def test_credit_by_amount_never_exceeds_what_is_left_to_credit():
    lines = [Billable(1, 1, "x", D(2), D(50), D(0), D(20), D(100), D(1), D(50), source_line_id=1)]
    with pytest.raises(OverCrediting, match="FA-1 has 50.00 left to credit, 60.00 asked"):
        credit_lines(lines, "FA-1", amount=D("60.00"))
    (new,) = credit_lines(lines, "FA-1", amount=D("25.00"))
    assert (new.qty, new.net, new.source_line_id) == (D("0.5"), D("25.00"), 1)
