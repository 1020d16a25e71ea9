"""What the forecast computes once and reuses gives what computing every time gives: a contract's period nets
(`contracts/periods.period_nets` against `period_net` of each period) and its JSON text (the fast path of
`cli/output.json_text` against Python's encoder), on generated contracts and forecasts."""

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from koban_cli.cli import forecast as view
from koban_cli.cli import output
from koban_cli.domain import periods as P
from koban_cli.domain.money import Money
from koban_cli.services.contracts import periods as contract_periods
from koban_cli.services.orders.planning import Forecast, Late, Period

D = dt.date
dates = st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31))
cents = st.integers(-100_000, 10_000_000).map(lambda n: Decimal(n).scaleb(-2))
lines = st.builds(
    SimpleNamespace,
    description=st.just("Abonnement"),
    qty=st.sampled_from([Decimal("1.000"), Decimal("2.500"), Decimal("0.001"), Decimal("12.000")]),
    unit_price=cents,
    discount=st.sampled_from([Decimal("0.00"), Decimal("10.00"), Decimal("33.33")]),
    vat_rate=st.sampled_from([Decimal("20.00"), Decimal("5.50")]),
    price_months=st.sampled_from([1, 2, 3, 6, 12, 5]),
    product_id=st.none() | st.just(1),
)
reprices = st.builds(
    SimpleNamespace, from_date=dates, percent=st.sampled_from([Decimal("5.00"), Decimal("-2.50"), Decimal("3.33")])
)


@settings(max_examples=150, deadline=None)
@given(
    start=dates,
    every=st.sampled_from(list(P.MONTHS)),
    end=st.none() | dates,
    in_advance=st.booleans(),
    contract_lines=st.lists(lines, max_size=3),
    changes=st.lists(reprices, max_size=3),
    as_of=dates,
)
def test_period_nets_are_the_net_of_each_period(start, every, end, in_advance, contract_lines, changes, as_of):
    contract = SimpleNamespace(start=start, every=every, in_advance=in_advance)
    periods = P.periods_until(start, P.months_of(every), end, in_advance, as_of)
    expected = [contract_periods.period_net(contract, contract_lines, changes, period) for period in periods]
    nets = contract_periods.period_nets(contract, contract_lines, changes, periods)
    assert [(net, str(net)) for net in nets] == [(net, str(net)) for net in expected]


@settings(max_examples=100, deadline=None)
@given(
    starts=st.lists(dates, min_size=1, max_size=4),
    every=st.sampled_from(list(P.MONTHS)),
    ends=st.lists(st.none() | dates, min_size=4, max_size=4),
    contract_lines=st.lists(lines, max_size=2),
    changes=st.lists(reprices, max_size=2),
    other=st.lists(lines, max_size=2),
    as_of=dates,
)
def test_contracts_on_the_same_terms_share_their_nets(starts, every, ends, contract_lines, changes, other, as_of):
    shared, made = {}, 0
    for number, (start, end) in enumerate(zip(starts, ends)):
        contract = SimpleNamespace(start=start, every=every, in_advance=True)
        own = other if number == 2 else contract_lines  # the third contract is on other terms
        lines_ = [SimpleNamespace(id=made + n, contract_id=number, **vars(line)) for n, line in enumerate(own)]
        changes_ = [SimpleNamespace(id=made + n, contract_id=number, **vars(c)) for n, c in enumerate(changes)]
        made += 10
        periods = P.periods_until(start, P.months_of(every), end, True, as_of)
        expected = [contract_periods.period_net(contract, lines_, changes_, period) for period in periods]
        same = shared.setdefault(number == 2, {})  # what Terms.signature tells apart: the third's terms
        nets = contract_periods.period_nets(contract, lines_, changes_, periods, same)
        assert [(net, str(net)) for net in nets] == [(net, str(net)) for net in expected]


def test_a_period_amount_repeats_after_its_cycle():
    for price_months in (1, 2, 3, 5, 6, 12, 24):
        for every in (1, 3, 6, 12):
            cycle = P.amount_cycle(price_months, every)
            for index in range(40):
                assert P.period_amount(Decimal("1000.01"), price_months, every, index) == P.period_amount(
                    Decimal("1000.01"), price_months, every, index % cycle
                )


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
money = cents.map(Money)
periods = st.builds(Period, period=texts, orders=money, contracts=money, total=money)
late = st.builds(Late, order=st.none() | texts, contract=st.none() | texts, date=dates, amount=money, label=texts)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(periods, max_size=4), overdue=st.lists(late, max_size=5), total=periods, late_total=money)
def test_the_forecast_json_text_is_what_pythons_encoder_writes(rows, overdue, total, late_total):
    data = view.as_json(Forecast(tuple(rows), tuple(overdue), total, late_total))
    generic = json.dumps(data, ensure_ascii=False, indent=2, default=output.plain)
    assert output._record_lists(data) == generic
    assert output.json_text(data, 2) == generic.replace(': ""', ": null") + "\n"


def test_contracts_share_a_signature_when_their_terms_differ_only_by_their_ids():
    from koban_cli.db.tables import contract_line, contract_reprice

    def row(table, **values):  # a row as Terms.load reads it: every column, in the table's order
        return tuple(values.get(column.name) for column in table.c)

    line = dict(position=1, description="Abonnement", qty=Decimal(1), unit_price=Decimal("49.00"), price_months=1)
    change = dict(from_date=D(2026, 6, 1), percent=Decimal("3.00"))
    terms = contract_periods.Terms(
        lines={
            1: [row(contract_line, id=1, contract_id=1, **line)],
            2: [row(contract_line, id=2, contract_id=2, **line)],
            3: [row(contract_line, id=3, contract_id=3, **(line | {"unit_price": Decimal("49.01")}))],
            4: [row(contract_line, id=4, contract_id=4, **line)],
        },
        reprices={4: [row(contract_reprice, id=1, contract_id=4, **change)]},
    )
    signature = {n: terms.signature(SimpleNamespace(id=n, every="monthly")) for n in (1, 2, 3, 4)}
    assert signature[1] == signature[2]
    assert len({signature[1], signature[3], signature[4]}) == 3
    assert terms.signature(SimpleNamespace(id=1, every="quarterly")) != signature[1]
