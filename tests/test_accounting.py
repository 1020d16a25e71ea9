"""Accounting entries derived from the ledger: pure rules, the demo ledger and any generated ledger balance."""

import datetime as dt
import shutil
from collections import defaultdict
from decimal import Decimal as D

import pytest
from conftest import TODAY
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from koban_cli.db.engine import Ledger, ledger_url
from koban_cli.domain import fec, vat_report
from koban_cli.domain.accounting import (
    Chart,
    Party,
    Receipt,
    SaleDoc,
    SaleLine,
    bank_entry,
    check_override,
    journal,
    letter_code,
    sales_entry,
)
from koban_cli.domain.money import Money
from koban_cli.errors import InvalidValue, KobanError
from koban_cli.services import accounting, demo, parties, products
from koban_cli.services.invoicing import drafts as invoicing
from koban_cli.services.invoicing import lifecycle as invoices
from koban_cli.services.invoicing import listing as invoice_list
from koban_cli.services.invoicing import view as invoice_view
from koban_cli.services.lines import LineInput
from koban_cli.services.orders import manage as orders
from koban_cli.services.orders import view as order_view
from koban_cli.services.payments import paying

CHART = Chart.of({})
ACME = Party("ACME", "ACME SAS")
DAY = dt.date(2026, 3, 2)


def doc(kind="standard", lines=(), gross=None, number="FA-2026-0001", id=1, date=DAY):
    from koban_cli.domain.amounts import totals

    computed = totals((line.vat_rate, line.net) for line in lines).gross
    return SaleDoc(id, number, kind, date, ACME, computed if gross is None else gross, tuple(lines), id)


def sides(entry):
    """`{account: signed amount}`, debit positive."""
    out = defaultdict(D)
    for line in entry.lines:
        out[line.account] += line.debit - line.credit
    return dict(out)


def test_an_invoice_debits_the_customer_and_credits_revenue_per_account_and_vat_per_rate():
    lines = [
        SaleLine(D("100.00"), D(20), "goods"),
        SaleLine(D("50.00"), D(20), "service"),
        SaleLine(D("10.00"), D("5.5"), "goods"),
        SaleLine(D("30.00"), D(20), "subscription", "706300"),
    ]
    entry = sales_entry(doc(lines=lines), CHART)
    assert sides(entry) == {
        "411": D("226.55"),
        "707": D("-110.00"),
        "706": D("-50.00"),
        "706300": D("-30.00"),
        "445712": D("-36.00"),
        "445713": D("-0.55"),
    }
    customer = entry.lines[0]
    assert (customer.auxiliary, customer.auxiliary_label, entry.journal) == ("411ACME", "ACME SAS", "VE")
    assert entry.debit == entry.credit


def test_a_deposit_credits_4191_and_its_deduction_debits_it():
    deposit = sales_entry(doc("deposit", [SaleLine(D("300.00"), D(20))]), CHART)
    assert sides(deposit) == {"411": D("360.00"), "4191": D("-300.00"), "445712": D("-60.00")}
    balance = doc("balance", [SaleLine(D("1000.00"), D(20), "goods"), SaleLine(D("-300.00"), D(20), advance=True)])
    assert sides(sales_entry(balance, CHART)) == {
        "411": D("840.00"),
        "4191": D("300.00"),
        "707": D("-1000.00"),
        "445712": D("-140.00"),
    }


def test_a_credit_note_is_the_reverse_entry():
    lines = [SaleLine(D("80.00"), D(20), "service")]
    invoice, credit = sales_entry(doc(lines=lines), CHART), sales_entry(doc("credit_note", lines), CHART)
    assert sides(credit) == {account: -amount for account, amount in sides(invoice).items()}
    assert credit.label.startswith("Avoir")


def test_a_payment_debits_the_bank_and_a_refund_credits_it():
    payment = Receipt(1, 1, "FA-2026-0001", False, DAY, D("12.00"), "cash", ACME)
    assert sides(bank_entry(payment, Chart.of({"bank_cash": "530"}))) == {"530": D("12.00"), "411": D("-12.00")}
    refund = Receipt(2, 2, "AV-2026-0001", True, DAY, D("12.00"), "transfer", ACME)
    assert sides(bank_entry(refund, CHART)) == {"512": D("-12.00"), "411": D("12.00")}


def test_company_accounts_override_the_chart_and_are_checked():
    chart = Chart.of(dict([check_override("sales_goods", "707100"), check_override("vat_5,5", "4457105")]))
    entry = sales_entry(doc(lines=[SaleLine(D("10.00"), D("5.5"), "goods")]), chart)
    assert set(sides(entry)) == {"411", "707100", "4457105"}
    with pytest.raises(InvalidValue, match='--account sales_goods "512" must start with 7'):
        check_override("sales_goods", "512")
    with pytest.raises(InvalidValue, match='unknown account "sales"'):
        check_override("sales", "706")


def test_entries_are_numbered_per_journal_in_date_order_and_a_settled_invoice_is_lettered():
    first = doc(lines=[SaleLine(D("100.00"), D(20), "service")], date=dt.date(2026, 3, 5))
    second = doc(lines=[SaleLine(D("10.00"), D(20), "service")], number="FA-2026-0002", id=2, date=dt.date(2026, 3, 9))
    receipts = [
        Receipt(1, 1, first.number, False, dt.date(2026, 3, 10), D("60.00"), "", ACME),
        Receipt(2, 1, first.number, False, dt.date(2026, 3, 20), D("60.00"), "", ACME),
        Receipt(3, 2, second.number, False, dt.date(2026, 3, 21), D("5.00"), "", ACME),
    ]
    entries = journal([second, first], receipts, CHART, dt.date(2026, 1, 1), dt.date(2026, 12, 31), lambda d: 2026)
    assert [e.number for e in entries] == [
        "VE-2026-00001", "VE-2026-00002", "BQ-2026-00001", "BQ-2026-00002", "BQ-2026-00003",
    ]  # fmt: skip
    lettered = [(e.number, line.letter, line.letter_date) for e in entries for line in e.lines if line.letter]
    paid = dt.date(2026, 3, 20)
    assert lettered == [("VE-2026-00001", "A", paid), ("BQ-2026-00001", "A", paid), ("BQ-2026-00002", "A", paid)]


def test_lettering_codes_run_a_to_z_then_aa():
    assert [letter_code(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


def test_fiscal_years_close_on_the_company_day():
    assert fec.fiscal_year(2027, "06-30") == (dt.date(2026, 7, 1), dt.date(2027, 6, 30))
    assert fec.fiscal_year_of(dt.date(2026, 7, 1), "06-30") == 2027
    assert fec.fiscal_year_of(dt.date(2026, 6, 30), "06-30") == 2026
    for bad in ("02-29", "13-01", "1231", "04-31"):
        with pytest.raises(InvalidValue, match="must be MM-DD"):
            fec.check_year_end(bad)


def test_fec_text_fields_lose_tabs_and_characters_the_encoding_lacks():
    assert fec.text("Société\tNouvelle\r\nLigne") == "Société Nouvelle Ligne"
    assert fec.text("Škoda Łódź ☃") == "Škoda ?ódz ?"  # Š and ó are in ISO 8859-15, ź loses its accent


def test_goods_vat_is_due_on_the_invoice_date_and_services_vat_on_each_payment():
    invoice = doc(lines=[SaleLine(D("100.00"), D(20), "goods"), SaleLine(D("200.00"), D(20), "service")])
    receipts = [Receipt(1, 1, invoice.number, False, dt.date(2026, 4, 10), D("120.00"), "", ACME)]
    march = vat_report.due([invoice], receipts, dt.date(2026, 3, 1), dt.date(2026, 3, 31), False)
    april = vat_report.due([invoice], receipts, dt.date(2026, 4, 1), dt.date(2026, 4, 30), False)
    assert [(r.basis, r.base, r.vat) for r in march] == [("debits", D("100.00"), D("20.00"))]
    assert [(r.basis, r.base, r.vat) for r in april] == [("receipts", D("66.67"), D("13.33"))]  # 120 of 360
    on_debits = vat_report.due([invoice], receipts, dt.date(2026, 3, 1), dt.date(2026, 3, 31), True)
    assert [(r.basis, r.base, r.vat, r.ca3_line) for r in on_debits] == [("debits", D("300.00"), D("60.00"), "08")]


def test_a_deposit_deduction_comes_back_on_the_basis_of_what_it_paid_for():
    balance = doc(
        "balance",
        [
            SaleLine(D("300.00"), D(20), "goods"),
            SaleLine(D("100.00"), D(20), "service"),
            SaleLine(D("-200.00"), D(20), advance=True),
        ],
    )
    parts = vat_report.split(balance, False)
    assert (parts[D(20), "debits"].base, parts[D(20), "receipts"].base) == (D("150.00"), D("50.00"))
    assert parts[D(20), "debits"].vat + parts[D(20), "receipts"].vat == D("40.00")


# --- the demo ledger and a generated one -------------------------------------------------------------


def assert_books_balance(ledger, start, end):
    entries = accounting.entries(ledger, start, end)
    for entry in entries:
        assert entry.debit == entry.credit, entry
        assert all(line.debit >= 0 and line.credit >= 0 and not (line.debit and line.credit) for line in entry.lines)
    assert sum(e.debit for e in entries) == sum(e.credit for e in entries)
    grosses = {row.number: D(row.gross_cents) / 100 for row in invoice_list.invoice_rows(ledger, TODAY) if row.number}
    sales = [e for e in entries if e.journal == "VE"]
    assert sorted(e.piece for e in sales) == sorted(grosses)
    for entry in sales:  # the customer line carries the invoice's frozen gross
        customer = entry.lines[0]
        assert customer.debit + customer.credit == grosses[entry.piece], entry
    return entries


def test_every_entry_of_the_demo_ledger_balances(ledger):
    demo.build(ledger, TODAY)
    entries = assert_books_balance(ledger, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert {e.journal for e in entries} == {"VE", "BQ"}
    assert any(line.account == "4191" and line.debit for e in entries for line in e.lines)  # a deduction
    assert any(line.account == "4191" and line.credit for e in entries for line in e.lines)  # a deposit


def test_a_journal_from_mid_year_keeps_the_numbers_of_the_whole_year(ledger):
    demo.build(ledger, TODAY)
    year = accounting.entries(ledger, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    november = accounting.entries(ledger, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert november == [e for e in year if e.date.month == 11]


catalogue_lines = st.lists(
    st.tuples(
        st.sampled_from(["DAY", "SCREEN", "BOOK", "HOST", None]),
        st.integers(1, 5000).map(lambda n: D(n) / 100),  # qty
        st.integers(1, 100_000).map(lambda n: D(n) / 100),  # price of a free line
        st.sampled_from([D(20), D(10), D("5.5"), D(0)]),
    ),
    min_size=1,
    max_size=4,
)
plans = st.lists(
    st.one_of(
        st.tuples(st.just("deposit"), st.integers(1, 100).map(D)),
        st.tuples(st.just("percent"), st.integers(1, 100).map(D)),
        st.tuples(st.just("credit"), st.integers(1, 50_000).map(lambda n: D(n) / 100)),
        st.tuples(st.just("pay"), st.integers(1, 100)),
        st.tuples(
            st.just("balance"),
        ),
    ),
    max_size=6,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order_lines=catalogue_lines, plan=plans, on_debits=st.booleans())
@pytest.mark.slow  # random ledgers
def test_any_generated_ledger_balances_and_its_vat_adds_up(
    tmp_path_factory, catalogue_file, order_lines, plan, on_debits
):
    path = tmp_path_factory.mktemp("books") / "ledger.db"
    shutil.copy(catalogue_file, path)
    ledger = Ledger(ledger_url(str(path)))
    products.edit_product(ledger, "DAY", account="706100")
    parties.set_company(ledger, vat_on_debits=on_debits, accounts={"sales_goods": "707100"})
    days = iter(dt.date(2026, 1, 5) + dt.timedelta(days=3 * n) for n in range(200))
    number = orders.create(ledger, "ACME", dt.date(2026, 1, 2)).number
    for product, qty, price, vat in order_lines:
        spec = LineInput(product=product, qty=qty, price=None if product else Money(price), vat=None if product else vat,
                         description=None if product else "Libre")  # fmt: skip
        orders.add_line(ledger, number, spec)
    orders.validate(ledger, number)
    validated = []

    def validate(ref):
        try:
            validated.append(invoices.validate(ledger, ref, next(days)).number)
        except KobanError:
            invoices.delete(ledger, ref)

    def pay(ref, percent):
        view = invoice_view.show(ledger, ref, TODAY)
        left = (view.gross - view.paid).amount
        amount = min(left, max(D("0.01"), (view.gross.amount * percent / 100).quantize(D("0.01"))))
        if amount > 0:
            paying.pay(ledger, ref, Money(amount), next(days), "transfer")

    for step in plan:
        try:
            if step[0] == "deposit":
                validate(invoicing.deposit(ledger, number, DAY, percent=step[1]).ref)
            elif step[0] == "percent":
                validate(invoicing.partial(ledger, number, DAY, percent=step[1]).ref)
            elif step[0] == "balance":
                validate(invoicing.balance(ledger, number, DAY).ref)
            elif validated and step[0] == "credit":
                validate(invoices.credit(ledger, validated[-1], DAY, amount=Money(step[1])).ref)
            elif validated:
                pay(validated[-1], step[1])
        except KobanError:
            continue
    if order_view.show(ledger, number).status != "invoiced":
        validate(invoicing.balance(ledger, number, DAY).ref)
    year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    entries = assert_books_balance(ledger, *year)
    event(f"{len(validated)} documents, credit notes: {any(ref.startswith('AV') for ref in validated)}")
    assert not any(line.account == "707" for entry in entries for line in entry.lines)  # the company's 707100
    for ref in validated:  # everything paid and refunded: all the VAT is due by the end of the year
        pay(ref, 100)
    entries = accounting.entries(ledger, *year)
    collected = defaultdict(D)
    for entry in entries:
        for line in entry.lines:
            if line.account.startswith("445"):
                collected[line.account] += line.credit - line.debit
    due = defaultdict(D)
    for month in range(1, 13):
        for row in accounting.vat_due(ledger, f"2026-{month:02d}").rows:
            due[CHART.vat(row.rate)] += row.vat
    assert {k: v for k, v in due.items() if v} == {k: v for k, v in collected.items() if v}
    ledger.close()
