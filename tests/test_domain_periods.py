"""Contract periods: month arithmetic, tiling, pro rata, renewals (pure)."""

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from koban_cli.domain.periods import (
    add_months,
    current_term_end,
    engagement_end,
    next_period,
    period_amount,
    period_at,
    periods_until,
)

D = dt.date


def test_twelve_months_from_the_31st_of_january_end_on_the_30th():
    assert engagement_end(D(2026, 1, 31), 12) == D(2027, 1, 30)


def test_monthly_periods_from_the_31st_go_back_to_the_31st_where_it_exists():
    periods = periods_until(D(2026, 1, 31), 1, None, True, D(2026, 4, 29))
    assert [(p.start, p.end) for p in periods] == [
        (D(2026, 1, 31), D(2026, 2, 27)),
        (D(2026, 2, 28), D(2026, 3, 30)),
        (D(2026, 3, 31), D(2026, 4, 29)),
    ]


def test_in_arrears_a_period_is_due_the_day_after_its_last():
    periods = periods_until(D(2026, 1, 1), 1, None, False, D(2026, 3, 1))
    assert [(p.start, p.due) for p in periods] == [(D(2026, 1, 1), D(2026, 2, 1)), (D(2026, 2, 1), D(2026, 3, 1))]


def test_a_period_cut_by_the_end_is_billed_pro_rata_of_its_days():
    periods = periods_until(D(2026, 1, 1), 3, D(2026, 5, 15), True, D(2026, 12, 31))
    last = periods[-1]
    assert (last.start, last.end, last.days, last.full_days) == (D(2026, 4, 1), D(2026, 5, 15), 45, 91)


def test_tacit_renewal_extends_the_term_by_the_renewal_length():
    assert current_term_end(D(2026, 1, 1), D(2026, 12, 31), 12, D(2027, 3, 1)) == D(2027, 12, 31)
    assert current_term_end(D(2026, 1, 1), D(2026, 12, 31), None, D(2027, 3, 1)) == D(2026, 12, 31)


def test_renewed_terms_are_counted_from_the_start_and_end_on_period_ends():
    start = D(2027, 1, 31)
    ends = [current_term_end(start, engagement_end(start, 1), 1, D(2027, m, 1)) for m in range(2, 7)]
    assert ends == [D(2027, 2, 27), D(2027, 3, 30), D(2027, 4, 29), D(2027, 5, 30), D(2027, 6, 29)]
    leap = D(2024, 2, 29)
    assert current_term_end(leap, engagement_end(leap, 12), 12, D(2027, 3, 1)) == D(2028, 2, 28)


def test_a_yearly_price_billed_monthly_sums_to_the_price_with_cumulative_rounding():
    amounts = [period_amount(Decimal("1000.00"), 12, 1, index) for index in range(24)]
    assert amounts[:3] == [Decimal("83.33"), Decimal("83.34"), Decimal("83.33")]
    assert sum(amounts[:12]) == sum(amounts[12:]) == Decimal("1000.00")
    assert period_amount(Decimal("49.00"), 1, 3, 5) == Decimal("147.00")


dates = st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31))


@given(
    start=dates, every=st.sampled_from([1, 3, 6, 12]), months=st.integers(1, 36), as_of=dates, in_advance=st.booleans()
)
def test_billed_periods_tile_the_engagement_with_no_gap_and_no_overlap(start, every, months, as_of, in_advance):
    end = engagement_end(start, months)
    periods = periods_until(start, every, end, in_advance, as_of)
    for before, after in zip(periods, periods[1:]):
        assert after.start == before.end + dt.timedelta(days=1)
    if periods:
        assert periods[0].start == start and periods[-1].end <= end
    everything = periods_until(start, every, end, in_advance, D(2040, 1, 1))
    assert everything[-1].end == end
    billed = {p.start for p in periods}
    following = next_period(start, every, end, in_advance, billed)
    assert following is None or (following.start not in billed and following.due > as_of)


@given(start=st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)), months=st.integers(-1200, 1200))
def test_adding_months_is_what_relativedelta_does(start, months):
    assert add_months(start, months) == start + relativedelta(months=months)


@given(
    start=dates,
    every=st.sampled_from([1, 3, 6, 12]),
    end=st.none() | dates,
    as_of=dates,
    in_advance=st.booleans(),
    billed=st.sets(st.integers(0, 40), max_size=6),
)
def test_the_periods_listed_are_the_periods_at_each_index(start, every, end, as_of, in_advance, billed):
    expected, index = [], 0
    while (period := period_at(start, every, index, end, in_advance)) is not None and period.due <= as_of:
        expected.append(period)
        index += 1
    assert periods_until(start, every, end, in_advance, as_of) == expected
    starts = {add_months(start, every * n) for n in billed}
    index = 0
    while (period := period_at(start, every, index, end, in_advance)) is not None and period.start in starts:
        index += 1
    assert next_period(start, every, end, in_advance, starts) == period


def test_the_next_period_of_terms_asked_again_depends_only_on_what_is_billed():
    # The periods of one set of terms are made once and shared (contract list asks for 2,000 contracts'),
    # so asking again with more, fewer or other periods billed must not see what an earlier call made.
    start, end = D(2026, 1, 31), D(2026, 12, 30)
    starts = [p.start for p in periods_until(start, 1, end, True, end)]
    for billed in ([], starts[:1], starts[:7], [], starts[:3] + starts[4:], starts, starts[:2]):
        expected = next((p for p in periods_until(start, 1, end, True, end) if p.start not in billed), None)
        assert next_period(start, 1, end, True, set(billed)) == expected
    assert next_period(start, 1, end, True, set(starts)) is None
    assert next_period(start, 1, None, True, set(starts)).start == D(2026, 12, 31)  # no end: periods go on
