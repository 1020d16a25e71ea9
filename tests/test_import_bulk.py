"""A large orders file imports as the same orders, lines and totals as one line priced at a time would give.

The orders import streams the file once, remembers lines it has built and writes orders a chunk at a time
(services/imports/kinds.py: Orders, _OrderWriter). These tests shrink the chunk and the memory of built lines
so that a small file crosses both limits many times, and compare every stored value with lines priced
independently, one row at a time, by the one line builder (domain/lines.py) and the document totals
(domain/amounts.py). They run on PostgreSQL too (KOBAN_TEST_DB), except the property test, which copies a
SQLite ledger per example.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import shutil
from decimal import ROUND_HALF_UP, Decimal

import pytest
from conftest import dump, sqlite_only
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from koban_cli.cli.output import fields_of
from koban_cli.db import tables
from koban_cli.db.engine import Ledger, ledger_url
from koban_cli.domain.amounts import totals
from koban_cli.domain.lines import ProductTerms, VatPolicy, from_input
from koban_cli.errors import KobanError
from koban_cli.services import imports, lookup, parties
from koban_cli.services.imports import kinds as import_kinds

EPOCH = dt.date(1899, 12, 30)  # spreadsheets' day 0
HEADER = [
    "order_key",
    "customer",
    "product",
    "description",
    "qty",
    "unit_price",
    "discount",
    "vat",
    "date",
    "customer_ref",
]
BUYERS = {  # buyers treated differently: French company, EU business (0 % on goods), export, individual
    "ACME": {},
    "BOB": {},
    "BERLIN": {"name": "Berlin GmbH", "country": "DE", "vat_number": "DE136695976"},
    "NYC": {"name": "NYC Inc", "country": "US"},
    "JEANNE": {"name": "Jeanne Martin", "kind": "individual"},
}
PRODUCTS = [
    "DAY",
    "SCREEN",
    "BOOK",
    "HOST",
]  # the conftest catalogue: a service, goods at 20 % and 5.5 %, a subscription


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 3 orders, 4 remembered lines, INSERTs of 2 VALUES rows (SQLite) and 3 remembered cells per
    column: a few dozen orders cross every limit many times."""
    monkeypatch.setattr(import_kinds._OrderWriter, "CHUNK", 3)
    monkeypatch.setattr(import_kinds.Orders, "MEMO", 4)
    monkeypatch.setattr(import_kinds._Bulk, "ROWS", 2)
    monkeypatch.setattr(imports._Cells, "SIZE", 3)


def add_buyers(ledger: Ledger) -> None:
    for code, fields in BUYERS.items():
        if fields:
            parties.add_customer(ledger, code, **fields)


def _number(value: Decimal, comma: bool) -> str:
    text = format(value, "f")
    return text.replace(".", ",") if comma else text


def _day(day: dt.date | None, form: int) -> str:
    if day is None:
        return ""
    return (day.isoformat(), day.strftime("%d/%m/%Y"), str((day - EPOCH).days))[form % 3]


def random_orders(rng: random.Random, count: int, first_key: int = 0) -> list[dict]:
    """Orders as a spreadsheet holds them: products with or without typed values, free lines, decimal
    commas, dates in three forms or none, repeated lines (what the import remembers) and unique ones."""
    orders = []
    for n in range(count):
        day = None if rng.random() < 0.1 else dt.date(rng.choice([2025, 2026]), rng.randint(1, 12), rng.randint(1, 28))
        lines = []
        for _ in range(rng.randint(1, 6)):
            free = rng.random() < 0.15
            lines.append(
                {
                    "product": None if free else rng.choice(PRODUCTS),
                    "description": "Prestation libre" if free else rng.choice([None, None, "Libellé propre"]),
                    "qty": rng.choice([None, Decimal(1), Decimal(3), Decimal("1.5"), Decimal("0.125"), Decimal(12)]),
                    "price": Decimal(rng.randint(1, 99999)) / 100 if free or rng.random() < 0.3 else None,
                    "discount": rng.choice([None, Decimal(0), Decimal(5), Decimal("12.5")]),
                    "vat": rng.choice([Decimal(20), Decimal("5.5"), Decimal(0)])
                    if free or rng.random() < 0.1
                    else None,
                }
            )
        orders.append(
            {
                "key": f"K{first_key + n}",
                "customer": rng.choice(list(BUYERS)),
                "date": day,
                "customer_ref": rng.choice(["", f"PO-{n}"]),
                "lines": lines,
                "comma": rng.random() < 0.5,
                "date_form": rng.randrange(3),
            }
        )
    return orders


def as_csv(orders: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for order in orders:
        for line in order["lines"]:
            cell = {
                k: "" if line[k] is None else _number(line[k], order["comma"])
                for k in ("qty", "price", "discount", "vat")
            }
            writer.writerow(
                [
                    order["key"],
                    order["customer"],
                    line["product"] or "",
                    line["description"] or "",
                    cell["qty"],
                    cell["price"],
                    cell["discount"],
                    cell["vat"],
                    _day(order["date"], order["date_form"]),
                    order["customer_ref"],
                ]
            )
    return out.getvalue().encode()


def priced_one_by_one(ledger: Ledger, orders: list[dict], today: dt.date) -> dict[str, dict]:
    """What each order must hold, built line by line with no import code: number, header, totals, lines."""
    with ledger.read_core() as conn:
        s = tables.number_sequence.c
        customers = {row.code: row for row in conn.execute(select(tables.customer))}
        catalogue = {row.ref: row for row in conn.execute(select(tables.product))}
        last = {row.year: row.last for row in conn.execute(select(s.year, s.last).where(s.kind == "order"))}
    with ledger.read() as session:
        exempt = lookup.company(session).vat_exempt
    expected = {}
    for order in orders:
        customer = customers[order["customer"]]
        policy = VatPolicy.of_buyer(exempt, customer)
        day = order["date"] or today
        last[day.year] = last.get(day.year, 0) + 1
        lines = []
        for position, cells in enumerate(order["lines"], 1):
            product = catalogue[cells["product"]] if cells["product"] else None
            qty = Decimal(1) if cells["qty"] is None else cells["qty"]
            discount = Decimal(0) if cells["discount"] is None else cells["discount"]
            line = from_input(
                policy,
                ProductTerms.of(product) if product else None,
                cells["description"],
                cells["price"],
                cells["vat"],
                qty,
                discount,
            )
            price = cells["price"] if cells["price"] is not None else product.price
            # the arithmetic, checked apart from the builder: qty x price x (1 - discount), rounded once
            exact = qty * price * (100 - discount) / 100
            assert line.net == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            lines.append(
                (
                    position,
                    "product" if product else "free",
                    product.id if product else None,
                    cells["description"] or product.name,
                    qty,
                    price,
                    discount,
                    line.vat_rate,
                    line.net,
                    None,
                )
            )
        result = totals((line[7], line[8]) for line in lines)
        expected[order["key"]] = {
            "number": f"CO-{day.year}-{last[day.year]:04d}",
            "customer": order["customer"],
            "date": day,
            "status": "validated",
            "customer_ref": order["customer_ref"],
            "note": "",
            "totals": (result.net, result.tax, result.gross),
            "lines": lines,
        }
    return expected


def stored(ledger: Ledger, keys: list[str]) -> dict[str, dict]:
    o, line, c = tables.sales_order.c, tables.order_line.c, tables.customer.c
    with ledger.read_core() as conn:
        headers = conn.execute(
            select(
                o.id, o.import_key, o.number, c.code, o.date, o.status, o.customer_ref, o.note, o.net, o.tax, o.gross
            )
            .join(tables.customer, c.id == o.customer_id)
            .where(o.import_key.in_(keys))
        ).all()
        lines = conn.execute(
            select(
                line.order_id,
                line.position,
                line.kind,
                line.product_id,
                line.description,
                line.qty,
                line.unit_price,
                line.discount,
                line.vat_rate,
                line.net,
                line.comment,
            ).order_by(line.order_id, line.position)
        ).all()
    by_order: dict[int, list[tuple]] = {}
    for row in lines:
        by_order.setdefault(row[0], []).append(tuple(row[1:]))
    return {
        h.import_key: {
            "number": h.number,
            "customer": h.code,
            "date": h.date,
            "status": h.status,
            "customer_ref": h.customer_ref,
            "note": h.note,
            "totals": (h.net, h.tax, h.gross),
            "lines": by_order.get(h.id, []),
        }
        for h in headers
    }


def test_a_bulk_import_stores_every_order_as_lines_priced_one_by_one_would(catalogue, small_chunks):
    add_buyers(catalogue)
    parties.add_customer(catalogue, "OLD", name="Old order")  # an order numbered before the import
    first = imports.run(catalogue, "orders", b"order_key,customer,product,date\nK-OLD,OLD,DAY,2026-01-02\n")
    assert (first.created, first.errors) == (1, ())
    orders = random_orders(random.Random(21), 80)
    expected = priced_one_by_one(catalogue, orders, dt.date.today())
    data = as_csv(orders)
    assert imports.run(catalogue, "orders", data, dry_run=True) == imports.ImportResult(80, 0)
    result = imports.run(catalogue, "orders", data)
    assert result == imports.ImportResult(80, 0)
    got = stored(catalogue, [order["key"] for order in orders])
    assert got == expected
    assert sum(len(order["lines"]) for order in got.values()) == sum(len(order["lines"]) for order in orders)
    # the sequence was written back: the next order takes the next number
    again = imports.run(catalogue, "orders", b"order_key,customer,product,date\nK-NEXT,ACME,DAY,2026-06-01\n")
    assert again.errors == ()
    last_2026 = max(int(order["number"][-4:]) for order in expected.values() if order["number"].startswith("CO-2026"))
    assert stored(catalogue, ["K-NEXT"])["K-NEXT"]["number"] == f"CO-2026-{last_2026 + 1:04d}"


def test_a_problem_after_chunks_were_written_leaves_the_ledger_as_it_was(catalogue, db_path, small_chunks):
    add_buyers(catalogue)
    orders = random_orders(random.Random(22), 30)
    rows = as_csv(orders).decode().splitlines()
    n = len(rows)  # the header is line 1: the rows added below are lines n + 1 to n + 3
    rows += [
        "K3,ACME,DAY,,1,,,,2026-01-01,",  # K3's lines were written with an early chunk
        "K-NEW,ACME,GONE,,1,,,,2026-01-01,",
        "K-NEW,ACME,DAY,,abc,,,,2026-01-01,",
    ]
    before = dump(db_path)
    result = imports.run(catalogue, "orders", ("\n".join(rows) + "\n").encode())
    assert fields_of(result) | {"errors": [fields_of(problem) for problem in result.errors]} == {
        "created": 0,
        "updated": 0,
        "errors": [
            {
                "line": n + 1,
                "column": "order_key",
                "message": f'the lines of "K3" must follow each other (it starts on line {_first_line(orders, "K3")})',
            },
            {"line": n + 2, "column": "product", "message": 'product "GONE" does not exist'},
            {"line": n + 3, "column": "qty", "message": '"abc" is not a number'},
        ],
    }
    assert dump(db_path) == before  # the orders written before the first problem were rolled back


def test_a_failure_while_writing_a_chunk_is_the_error_and_nothing_is_written(
    catalogue, db_path, small_chunks, monkeypatch
):
    """Chunks are written while the file is still read: a chunk that fails is the import's error (problems in
    later rows, or a malformed end of file, are not reached), and nothing is written."""
    add_buyers(catalogue)
    taken = []

    def failing(db, kind, dates, chronological=False):
        taken.append(len(dates))
        if len(taken) == 3:
            raise KobanError("the third chunk cannot be numbered")
        return [f"CO-T-{len(taken)}-{n}" for n in range(len(dates))]

    monkeypatch.setattr(import_kinds, "take_numbers", failing)
    rows = as_csv(random_orders(random.Random(23), 40)).decode().splitlines()
    before = dump(db_path)
    for end in ([], ["K-NEW,ACME,GONE,,1,,,,2026-01-01,"], ['K-NEW,ACME,DAY,,1,,,,"2026-01-01' + "x" * 140_000]):
        taken.clear()
        with pytest.raises(KobanError, match="the third chunk cannot be numbered"):
            imports.run(catalogue, "orders", ("\n".join(rows + end) + "\n").encode())
        assert dump(db_path) == before


def test_a_malformed_end_of_file_after_chunks_were_written_leaves_the_ledger_as_it_was(
    catalogue, db_path, small_chunks
):
    add_buyers(catalogue)
    rows = as_csv(random_orders(random.Random(24), 30)).decode().splitlines()
    rows.append('K-NEW,ACME,DAY,,1,,,,"2026-01-01' + "x" * 140_000)
    before = dump(db_path)
    with pytest.raises(KobanError, match=r"^the file is not a readable CSV: field larger than field limit"):
        imports.run(catalogue, "orders", ("\n".join(rows) + "\n").encode())
    assert dump(db_path) == before


def _first_line(orders: list[dict], key: str) -> int:
    line = 2
    for order in orders:
        if order["key"] == key:
            return line
        line += len(order["lines"])
    raise KeyError(key)


@sqlite_only
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), count=st.integers(1, 25), chunk=st.integers(1, 7), memo=st.integers(1, 9))
def test_any_orders_file_stores_what_the_line_builder_prices(
    catalogue_file, tmp_path, monkeypatch, seed, count, chunk, memo
):
    monkeypatch.setattr(import_kinds._OrderWriter, "CHUNK", chunk)
    monkeypatch.setattr(import_kinds.Orders, "MEMO", memo)
    path = tmp_path / f"ledger-{seed}-{count}-{chunk}-{memo}.db"
    shutil.copy(catalogue_file, path)
    ledger = Ledger(ledger_url(str(path)))
    try:
        add_buyers(ledger)
        orders = random_orders(random.Random(seed), count)
        expected = priced_one_by_one(ledger, orders, dt.date.today())
        result = imports.run(ledger, "orders", as_csv(orders))
        assert (result.created, result.errors) == (count, ())
        assert stored(ledger, [order["key"] for order in orders]) == expected
    finally:
        ledger.close()
