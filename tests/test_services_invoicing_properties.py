"""Property: whatever deposits, partials, credits and balances come first, every line printed is true,
no line is ever billed above its net, and the final invoice ends the order to the cent with no deposit left."""

import datetime as dt
import shutil
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koban_cli.db.engine import Ledger, ledger_url
from koban_cli.domain.amounts import line_net
from koban_cli.domain.money import Money
from koban_cli.errors import KobanError
from koban_cli.services.invoicing import drafts as invoicing
from koban_cli.services.invoicing import lifecycle as invoices
from koban_cli.services.invoicing import view as invoice_view
from koban_cli.services.lines import LineInput
from koban_cli.services.orders import manage as orders
from koban_cli.services.orders import view as order_view

pytestmark = pytest.mark.slow  # a hundred random ledgers

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
        st.tuples(st.just("credit"), st.integers(1, 100_000).map(lambda n: D(n) / 100), st.integers(0, 5)),
        st.tuples(st.just("credit_all"), st.integers(0, 5)),
        st.tuples(
            st.just("balance"),
        ),
    ),
    max_size=7,
)


def assert_truthful(ledger, ref):
    """Every priced line: qty x unit price x (1 - discount) = net, no qty 0, no negative price or net on a
    positive quantity."""
    for line in invoice_view.show(ledger, ref, DAY).lines:
        qty, price, discount, net = line.qty, line.unit_price.amount, line.discount, line.net.amount
        assert line_net(qty, price, discount) == net, line
        assert qty != 0 and price >= 0 and not (qty > 0 and net < 0), line


def assert_no_line_above_its_net(ledger, number):
    view = order_view.show(ledger, number)
    for line in view.lines:
        if line.qty_invoiced is not None:
            assert line.qty_invoiced <= line.qty, line
    assert view.lines_remaining.amount >= 0 and view.deposits_undeducted.amount >= 0


def invoiced(ledger, number):
    view = order_view.show(ledger, number)
    return view.invoiced.amount, view.net.amount


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order_lines=lines, plan=steps)
def test_any_billing_sequence_ends_at_the_order_net_and_never_above(
    tmp_path_factory, catalogue_file, order_lines, plan
):
    path = tmp_path_factory.mktemp("case") / "ledger.db"
    shutil.copy(catalogue_file, path)
    ledger = Ledger(ledger_url(str(path)))
    number = orders.create(ledger, "ACME", DAY).number
    for product, qty, price, discount, vat in order_lines:
        spec = LineInput(
            product=product, qty=qty, discount=discount, price=None if price is None else Money(price), vat=vat, description=None if product else "Libre"
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
                ref = invoicing.deposit(ledger, number, DAY, percent=step[1]).ref
            elif step[0] == "percent":
                ref = invoicing.partial(ledger, number, DAY, percent=step[1]).ref
            elif step[0] == "amount":
                ref = invoicing.partial(ledger, number, DAY, amount=Money(step[1])).ref
            elif step[0] == "pick":
                ref = invoicing.partial(ledger, number, DAY, picks={step[1]: step[2]}).ref
            elif step[0] == "balance":
                ref = invoicing.balance(ledger, number, DAY).ref
            elif validated and step[0] == "credit":
                ref = invoices.credit(ledger, validated[step[2] % len(validated)], DAY, amount=Money(step[1])).ref
            elif validated:
                ref = invoices.credit(ledger, validated[step[1] % len(validated)], DAY).ref
            else:
                continue
        except KobanError:
            continue  # refused: over-invoicing, nothing left, empty share…
        assert_truthful(ledger, ref)
        try:
            validated.append(invoices.validate(ledger, ref, DAY).number)
        except KobanError:
            invoices.delete(ledger, ref)
        done, net = invoiced(ledger, number)
        assert 0 <= done <= net
        assert_no_line_above_its_net(ledger, number)
    if order_view.show(ledger, number).status != "invoiced":
        ref = invoicing.balance(ledger, number, DAY).ref
        assert_truthful(ledger, ref)
        invoices.validate(ledger, ref, DAY)
    view = order_view.show(ledger, number)
    assert view.invoiced == view.net
    assert (str(view.lines_remaining), str(view.deposits_undeducted), view.status) == ("0.00", "0.00", "invoiced")
    ledger.close()
