"""Line nets, VAT per rate and exact allocation (EN 16931 rules)."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from koban_cli.domain.amounts import allocate, line_net, totals

cents = st.integers(min_value=1, max_value=10**9).map(lambda c: D(c) / 100)


def test_line_net_is_rounded_half_up_to_the_cent():
    assert line_net(D(3), D("0.335")) == D("1.01")  # 1.005 -> 1.01
    assert line_net(D(4), D("249.90"), D(10)) == D("899.64")


def test_vat_is_computed_per_rate_on_the_sum_of_line_nets():
    # Line by line, 3 x round(0.006) would make 0.03; on the sum, round(0.018) = 0.02.
    result = totals([(D(20), D("0.03"))] * 3)
    assert (result.vat[0].base, result.vat[0].amount) == (D("0.09"), D("0.02"))
    mixed = totals([(D(20), D("100.00")), (D("5.5"), D("10.00")), (D(20), D("50.00"))])
    assert [(r.rate, r.base, r.amount) for r in mixed.vat] == [
        (D(20), D("150.00"), D("30.00")),
        (D("5.5"), D("10.00"), D("0.55")),
    ]
    assert (mixed.net, mixed.tax, mixed.gross) == (D("160.00"), D("30.55"), D("190.55"))


@given(cents, st.lists(cents, min_size=1, max_size=12))
def test_allocation_sums_exactly_and_moves_no_share_more_than_a_cent(total, weights):
    shares = allocate(total, weights)
    assert sum(shares) == total
    weight_sum = sum(weights)
    for share, weight in zip(shares, weights):
        assert abs(share - total * weight / weight_sum) < D("0.02")
