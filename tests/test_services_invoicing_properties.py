"""Property: whatever deposits, partials and credits come first, the balance ends the order to the cent."""

import datetime as dt
import shutil
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koban_cli.db.engine import Ledger, ledger_url
from koban_cli.errors import KobanError
from koban_cli.services import invoices, invoicing, orders
from koban_cli.services.lines import LineInput

DAY = dt.date(2026, 3, 1)

lines = st.lists(
    st.tuples(
        st.sampled_from(["DAY", "SCREEN", "BOOK", None]),
        st.integers(1, 50_000).map(lambda n: D(n) / 1000),  # qty, 3 decimals
        st.integers(0, 100_000).map(lambda n: D(n) / 100),  # price
        st.sampled_from([D(0), D(10), D("33.33"), D(100)]),  # discount
        st.sampled_from([D(20), D(10), D("5.5"), D("2.1"), D(0)]),
    ),
    min_size=1,
    max_size=4,
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("deposit"), st.integers(1, 100).map(D)),
        st.tuples(st.just("percent"), st.integers(1, 100).map(D)),
        st.tuples(st.just("amount"), st.integers(1, 500_000).map(lambda n: D(n) / 100)),
        st.tuples(st.just("pick"), st.integers(1, 4), st.integers(1, 5000).map(lambda n: D(n) / 1000)),
        st.tuples(st.just("credit"), st.integers(1, 100_000).map(lambda n: D(n) / 100)),
    ),
    max_size=6,
)


def invoiced(ledger, number):
    view = orders.show(ledger, number)
    return D(view["invoiced"]), D(view["net"])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order_lines=lines, plan=steps)
def test_any_billing_sequence_ends_at_the_order_net_and_never_above(
    tmp_path_factory, catalogue_file, order_lines, plan
):
    path = tmp_path_factory.mktemp("case") / "ledger.db"
    shutil.copy(catalogue_file, path)
    ledger = Ledger(ledger_url(str(path)))
    number = orders.create(ledger, "ACME", DAY)["number"]
    for product, qty, price, discount, vat in order_lines:
        spec = LineInput(
            product=product, qty=qty, discount=discount, price=price, vat=vat, description=None if product else "Libre"
        )
        orders.add_line(ledger, number, spec)
    try:
        orders.validate(ledger, number)
    except KobanError:
        return
    validated = []
    for step in plan:
        try:
            if step[0] == "deposit":
                ref = invoicing.deposit(ledger, number, DAY, percent=step[1])["ref"]
            elif step[0] == "percent":
                ref = invoicing.partial(ledger, number, DAY, percent=step[1])["ref"]
            elif step[0] == "amount":
                ref = invoicing.partial(ledger, number, DAY, amount=step[1])["ref"]
            elif step[0] == "pick":
                ref = invoicing.partial(ledger, number, DAY, picks={step[1]: step[2]})["ref"]
            elif validated:
                ref = invoices.credit(ledger, validated[-1], DAY, amount=step[1])["ref"]
            else:
                continue
            validated.append(invoices.validate(ledger, ref, DAY)["number"])
        except KobanError:
            pass  # refused: over-invoicing, nothing left, empty share…
        done, net = invoiced(ledger, number)
        assert 0 <= done <= net
    if orders.show(ledger, number)["status"] != "invoiced":
        invoices.validate(ledger, invoicing.balance(ledger, number, DAY)["ref"], DAY)
    done, net = invoiced(ledger, number)
    assert done == net
    assert orders.show(ledger, number)["status"] == "invoiced"
    ledger.close()
