"""An orders file repeats its rows: a row whose cells equal those of rows already found right is not parsed
again (services/imports/kinds.py: Orders.load). These tests make sure such a row is still checked: any cell
that differs, a problem on the order's first row, a line that was refused, an order out of sequence or a
row without a key is read and reported as if no row came before it. Runs on PostgreSQL too (KOBAN_TEST_DB).
"""

from __future__ import annotations

import datetime as dt

from conftest import dump
from sqlalchemy import select

from koban_cli.db import tables
from koban_cli.services import imports

DATE = '"{}" is not a date (YYYY-MM-DD, DD/MM/YYYY or a spreadsheet date number like 45658)'
REPEATS = """order_key,customer,product,qty,discount,date,customer_ref
K1,ACME,DAY,2,5,2026-03-01,PO1
K1,ACME,DAY,2,5,2026-03-01,PO1
K1,ACME,DAY,2,5,03/2026,PO1
K1,ACME,BOOK,2,5,2026-03-01,PO1
K2,NOPE,DAY,2,5,2026-03-01,
K2,NOPE,DAY,2,5,2026-03-01,
K2,BOB,DAY,2,5,2026-03-01,
K3,ACME,DAY,2,,2026-03-01,
K3,ACME,DAY,2,5,2026-03-01,
K1,ACME,DAY,2,5,2026-03-01,PO1
K1,ACME,DAY,2,5,2026-03-01,PO1
K4,ACME,DAY,two,5,2026-03-01,
K4,ACME,DAY,2,5,2026-03-01,
K4,ACME,GONE,2,5,2026-03-01,
K4,ACME,GONE,2,5,2026-03-01,
K4,ACME,DAY,2,5,2026-03-01
,ACME,DAY,2,5,2026-03-01,
,ACME,DAY,2,5,2026-03-01,
K5,,DAY,2,5,2026-03-01,
K5,,DAY,2,5,2026-03-01,
K6,ACME,DAY,2,5,2026-13-01,
K6,ACME,DAY,2,5,2026-13-01,
K7,BOB,SCREEN,1,0,2026-03-02,
K7,BOB,SCREEN,1,0,2026-03-02,
"""


def test_repeated_rows_are_each_checked_as_if_alone(catalogue, db_path):
    before = dump(db_path)
    expected = [
        (4, "date", DATE.format("03/2026")),
        (6, "customer", 'customer "NOPE" does not exist'),
        (8, "customer", 'order "K2" has another customer on line 6'),
        (11, "order_key", 'the lines of "K1" must follow each other (it starts on line 2)'),
        (13, "qty", '"two" is not a number'),
        (15, "product", 'product "GONE" does not exist'),
        (16, "product", 'product "GONE" does not exist'),
        (18, "order_key", "is empty"),
        (19, "order_key", "is empty"),
        (20, "customer", "is empty"),
        (21, "customer", "is empty"),
        (22, "date", DATE.format("2026-13-01")),
        (23, "date", DATE.format("2026-13-01")),
    ]
    for dry_run in (True, False):
        result = imports.run(catalogue, "orders", REPEATS.encode(), dry_run=dry_run)
        assert (result.created, result.updated) == (0, 0)
        assert [(p.line, p.column, p.message) for p in result.errors] == expected
    assert dump(db_path) == before


def test_repeated_rows_make_repeated_lines(catalogue):
    rows = [line for line in REPEATS.splitlines() if line.startswith(("order_key", "K1,ACME,DAY,2,5,2026", "K7"))]
    result = imports.run(catalogue, "orders", ("\n".join(rows) + "\n").encode())
    assert (result.created, result.errors) == (2, ())
    alone = b"order_key,customer,product,qty,discount,date\nK8,ACME,DAY,2,5,2026-03-01\n"
    assert imports.run(catalogue, "orders", alone).errors == ()
    o, line = tables.sales_order.c, tables.order_line.c
    with catalogue.read_core() as conn:
        stored = {
            key: conn.execute(
                select(line.position, line.qty, line.unit_price, line.discount, line.net)
                .join(tables.sales_order, o.id == line.order_id)
                .where(o.import_key == key)
                .order_by(line.position)
            ).all()
            for key in ("K1", "K7", "K8")
        }
        net = dict(conn.execute(select(o.import_key, o.net)).all())
    assert [tuple(row)[0] for row in stored["K1"]] == [1, 2, 3, 4]
    assert {tuple(row)[1:] for row in stored["K1"]} == {tuple(stored["K8"][0])[1:]}  # each as a lone row makes it
    assert len(stored["K7"]) == 2
    assert net["K1"] == 4 * net["K8"]


FIRST_ROWS = """order_key,customer,product,qty,discount,date,customer_ref
K1,ACME,DAY,2,5,2026-03-01,PO1
K2,ACME,DAY,2,5,2026-13-01,
K3,ACME,DAY,2,5,,
K1,ACME,DAY,2,5,2026-03-02,
 ,ACME,DAY,2,5,2026-03-01,
K4,ACME,DAY,2,5, 2026-03-04 , PO4 
K5,ACME,DAY,2,5
K6,NOPE,DAY,2,5,2026-03-01,
K7,ACME,DAY,2,5,2026-03-01,
K8,ACME,DAY,2,5,2026-03-01,
"""


def test_an_order_whose_customer_and_line_were_met_on_earlier_orders_is_still_checked(catalogue, db_path):
    """An order's first row, its customer and line those of earlier orders' first rows found right, is not
    parsed again: its key, its date and its reference are still read, and each problem reported."""
    imports.run(catalogue, "orders", b"order_key,customer,product,qty,discount,date\nK8,ACME,DAY,1,0,2026-01-05\n")
    before = dump(db_path)
    expected = [
        (3, "date", DATE.format("2026-13-01")),
        (5, "order_key", 'the lines of "K1" must follow each other (it starts on line 2)'),
        (6, "order_key", "is empty"),
        (9, "customer", 'customer "NOPE" does not exist'),
        (11, "order_key", '"K8" was already imported as CO-2026-0001'),
    ]
    for dry_run in (True, False):
        result = imports.run(catalogue, "orders", FIRST_ROWS.encode(), dry_run=dry_run)
        assert [(p.line, p.column, p.message) for p in result.errors] == expected
    assert dump(db_path) == before


def test_an_order_whose_customer_and_line_were_met_before_stores_its_own_date_and_reference(catalogue):
    rows = [row for row in FIRST_ROWS.splitlines() if not row.startswith(("K1,ACME,DAY,2,5,2026-03-02", "K8"))]
    rows = [row for row in rows if row.split(",")[0] not in ("K2", " ", "K6")]
    result = imports.run(catalogue, "orders", ("\n".join(rows) + "\n").encode())
    assert (result.created, result.errors) == (5, ())
    o = tables.sales_order.c
    with catalogue.read_core() as conn:
        stored = {key: (date, ref) for key, date, ref in conn.execute(select(o.import_key, o.date, o.customer_ref))}
        nets = set(conn.execute(select(o.net)).scalars())
    assert stored["K1"] == (dt.date(2026, 3, 1), "PO1")
    assert stored["K3"] == (dt.date.today(), "")
    assert stored["K4"] == (dt.date(2026, 3, 4), "PO4")
    assert stored["K5"] == (dt.date.today(), "")
    assert stored["K7"] == (dt.date(2026, 3, 1), "")
    assert len(nets) == 1


def test_empty_rows_between_repeated_rows_are_skipped(catalogue):
    rows = REPEATS.splitlines()[:3] + ["", ",,,,,,", "  ,  ,,,,,"] + REPEATS.splitlines()[23:25] + [",,,"]
    result = imports.run(catalogue, "orders", ("\n".join(rows) + "\n").encode())
    assert (result.created, result.errors) == (2, ())
