"""Property: whatever the start, period and as-of dates, bill-due tiles the engagement once."""

import datetime as dt
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koban_cli.db.engine import Ledger, ledger_url
from koban_cli.services.contracts import bill_due
from koban_cli.services.contracts import manage as contracts
from koban_cli.services.contracts import view as contract_view
from koban_cli.services.lines import LineInput

pytestmark = pytest.mark.slow  # random contracts over years


days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.one_of(days, st.sampled_from([dt.date(2024, 1, 29), dt.date(2024, 1, 31), dt.date(2025, 8, 31)])),
    every=st.sampled_from(["monthly", "quarterly", "semiannual", "yearly"]),
    months=st.integers(1, 30),
    renew=st.booleans(),
    in_advance=st.booleans(),
    runs=st.lists(st.integers(0, 1500), min_size=1, max_size=4),
)
def test_periods_billed_tile_the_engagement_and_a_rerun_bills_nothing(
    tmp_path_factory, catalogue_file, start, every, months, renew, in_advance, runs
):
    path = tmp_path_factory.mktemp("case") / "ledger.db"
    shutil.copy(catalogue_file, path)
    ledger = Ledger(ledger_url(str(path)))
    number = contracts.create(
        ledger, start, customer="ACME", months=months, every=every, renew=renew, in_advance=in_advance, auto=True
    ).number
    contracts.add_line(ledger, number, LineInput(product="HOST"))
    for offset in sorted(runs):
        as_of = start + dt.timedelta(days=offset)
        bill_due.bill_due(ledger, as_of, today=dt.date.max)  # the periods of any date, as if it had come
        assert bill_due.bill_due(ledger, as_of, today=dt.date.max).periods == ()  # a rerun adds nothing
    periods = contract_view.show(ledger, number, as_of).periods
    starts = [p.start for p in periods]
    ends = [p.end for p in periods]
    assert starts == sorted(set(starts)) and (not starts or starts[0] == start)
    assert all(after == before + dt.timedelta(days=1) for before, after in zip(ends, starts[1:]))
    if not renew and ends:
        assert ends[-1] <= contract_view.show(ledger, number, as_of).end
    ledger.close()
