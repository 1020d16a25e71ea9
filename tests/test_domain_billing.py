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
from koban_cli.domain.money import Money
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
    lines = deposit_lines({D(20): D("4198.64"), D("5.5"): D("350.00")}, Money(D("1364.59")), "Acompte 30 %")
    assert [(l.vat_rate, l.net) for l in lines] == [(D(20), D("1259.59")), (D("5.5"), D("105.00"))]
    assert sum(l.net for l in lines) == D("1364.59")
    assert lines[0].description == "Acompte 30 % (TVA 20 %)"


def test_progress_by_amount_is_exact_to_the_cent_over_every_line():
    lines = [order_line(1, 3, "333.33"), order_line(2, 7, "11.11", D("5.5"))]
    new = progress_lines(lines, Money(D("500.00")), D("500.00") / sum(l.net for l in lines), "situation")
    assert sum(l.net for l in new) == D("500.00")
    assert all(l.order_line_id for l in new)
    assert all((l.qty, l.unit_price, l.discount) == (1, l.net, 0) for l in new)  # qty 1 x the exact share
    assert new[0].description == "line 1 — situation de 3 × 333,33\u00a0€"


def test_progress_share_beyond_what_a_line_has_left_is_refused():
    lines = [order_line(1, 2, "100", qty_used=2, net_used="200"), order_line(2, 2, "100")]
    with pytest.raises(OverInvoicing, match="line 1 has 0.00 left to invoice"):
        progress_lines(lines, Money(D("100.00")), D("0.25"), "situation 25 %")


def test_picking_more_than_left_on_a_line_is_refused_naming_the_line():
    with pytest.raises(OverInvoicing, match="line 1 of CO-1: 3 asked, 2 left to invoice"):
        picked_lines([order_line(1, 5, "10", qty_used=3, net_used="30")], {1: D(3)}, "CO-1")


def test_a_pick_that_would_bill_nothing_is_refused_so_the_rest_never_bills_its_quantity_twice():
    # 0.008 x 0.56 is 0.00448: it would use up quantity without a cent, and the balance (the net left,
    # 1.38 = all of 2.463 x 0.56) would then count 2.471 of the 2.463 ordered (found by the property test)
    with pytest.raises(OverInvoicing, match=r"line 3 of CO-1: 0,008 would invoice 0.00; choose a larger quantity"):
        picked_lines([order_line(3, "2.463", "0.56")], {3: D("0.008")}, "CO-1")


def test_picking_the_last_quantity_takes_exactly_the_net_left():
    line = order_line(1, 3, "10.01", qty_used="1.5", net_used="15.02")  # 30.03 - 15.02 = 15.01
    (new,) = picked_lines([line], {1: D("1.5")}, "CO-1")
    assert new.net == D("15.01")
    # 1.5 x 10.01 is 15.02 to the cent: the rest is printed as what it is, qty 1 x 15.01
    assert (new.qty, new.unit_price) == (1, D("15.01"))
    assert new.description == "line 1 — solde de 3 × 10,01\u00a0€ (15,01\u00a0€ sur 30,03\u00a0€)"


def test_balance_bills_everything_left_then_deducts_each_open_deposit_with_qty_minus_one():
    lines = [order_line(1, 4, "100", qty_used=1, net_used="100")]
    new = balance_lines(lines, [OpenDeposit(9, "FA-2026-0001", D(20), D("120.00"))])
    assert [(l.qty, l.net) for l in new] == [(D(3), D("300.00")), (D(-1), D("-120.00"))]
    assert new[1].unit_price == D("120.00") and "FA-2026-0001" in new[1].description
    assert new[1].deposit_line_id == 9


def test_credit_by_amount_never_exceeds_what_is_left_to_credit():
    lines = [Billable(1, 1, "x", D(2), D(50), D(0), D(20), D(100), D(1), D(50), source_line_id=1)]
    with pytest.raises(OverCrediting, match="FA-1 has 50.00 left to credit, 60.00 asked"):
        credit_lines(lines, "FA-1", amount=Money(D("60.00")))
    (new,) = credit_lines(lines, "FA-1", amount=Money(D("25.00")))
    assert (new.qty, new.unit_price, new.net, new.source_line_id) == (1, D("25.00"), D("25.00"), 1)


def truthful(line) -> bool:
    from koban_cli.domain.amounts import line_net

    return (
        line_net(line.qty, line.unit_price, line.discount) == line.net
        and line.qty != 0
        and line.unit_price >= 0
        and not (line.qty > 0 and line.net < 0)
    )


def test_a_share_that_is_a_whole_quantity_prints_that_quantity():
    (new,) = progress_lines([order_line(1, 4, "250")], Money(D("500.00")), D("0.5"), "situation 50 %")
    assert (new.qty, new.unit_price, new.net, new.description) == (D(2), D(250), D("500.00"), "line 1")


def test_a_share_with_a_discount_is_printed_as_qty_one_times_the_exact_share():
    line = order_line(1, "1.5", "99999.99", discount=D("7.5"))
    (new,) = progress_lines([line], Money(D("24281.25")), D("24281.25") / line.net, "situation 17,5 %")
    assert truthful(new) and new.net == D("24281.25")
    assert new.description == "line 1 — situation 17,5 % de 1,5 × 99\u202f999,99\u00a0€, remise 7,5 %"


def test_picking_what_is_left_after_shares_bills_exactly_the_net_left():
    line = order_line(1, 1, "99999.99", qty_used="0.3012", net_used="30120.00")
    (new,) = picked_lines([line], {1: D("0.699")}, "CO-1")  # 0.699 x 99 999.99 would be 69 899.99
    assert truthful(new) and new.net == D("69879.99")


def test_a_pick_that_would_bill_more_than_the_net_left_is_refused_naming_what_is_left():
    line = order_line(1, 10, "100", qty_used="0", net_used="500.00")
    with pytest.raises(OverInvoicing, match="line 1 of CO-1: 6 would invoice 600.00, 500.00 is left"):
        picked_lines([line], {1: D("6")}, "CO-1")


def test_a_balance_after_shares_bills_the_exact_rest_truthfully():
    line = order_line(1, 1, "99999.99", qty_used="0.3012", net_used="30120.00")
    (rest,) = balance_lines([line], [])
    assert truthful(rest) and rest.net == D("69879.99") and rest.qty == 1


def test_deductions_take_an_amount_from_the_open_deposits_pro_rata():
    from koban_cli.domain.billing import deduction_lines

    deposits = [OpenDeposit(1, "FA-1", D(20), D("300.00")), OpenDeposit(2, "FA-1", D("5.5"), D("100.00"))]
    new = deduction_lines(deposits, Money(D("200.00")))
    assert [(l.qty, l.unit_price, l.net) for l in new] == [
        (-1, D("150.00"), D("-150.00")),
        (-1, D("50.00"), D("-50.00")),
    ]
    assert all(truthful(l) for l in new)
