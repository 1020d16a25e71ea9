"""What each kind of CSV import checks and writes (see services/imports/__init__.py).

Orders (the large files) load on a Core connection and never import the ORM; the other kinds plan and
write through the models, imported by the methods that use them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from typing import Callable, Iterable

from sqlalchemy import Date, bindparam, insert, select

from koban_cli.db import tables
from koban_cli.db.types import Scaled
from koban_cli.domain import csvfile, identity
from koban_cli.domain import periods as P
from koban_cli.domain.amounts import totals
from koban_cli.domain.csvfile import Problem
from koban_cli.domain.lines import ProductTerms, VatPolicy, from_input, missing_without_product
from koban_cli.domain.values import ZERO
from koban_cli.errors import KobanError
from koban_cli.services import lookup, records
from koban_cli.services.numbering import take_number, take_numbers
from koban_cli.services.operations import stock


def _models():
    """The ORM models, for the kinds that write through them."""
    from koban_cli.db import models

    return models


def _by(session, model, key: str) -> dict:
    return {getattr(item, key): item for item in session.scalars(select(model))}


def _checked(problems: list[Problem], line: int, column: str | None, action) -> object:
    """Run a check; a KobanError becomes a problem of that line and column."""
    try:
        return action()
    except KobanError as exc:
        problems.append(Problem(line, column, str(exc)))
        return None


def _identity(problems: list[Problem], line: int, row: dict) -> None:
    """The checks `customer add` makes on the identity cells a row has."""
    checkers = (
        ("name", identity.name),
        ("siren", identity.siren),
        ("vat_number", identity.vat_number),
        ("email", identity.email),
        ("country", identity.country),  # "Allemagne" -> DE, as on the command line
        ("delivery_country", identity.country),
        ("kind", identity.customer_kind),
        ("vat_regime", identity.vat_regime),
    )
    for column, check in checkers:
        if row.get(column):
            row[column] = _checked(problems, line, column, lambda c=check, v=row[column]: c(v))


def _first(problems: list[Problem], line: int, column: str, key, seen: dict) -> bool:
    """True the first time a key is met in the file; a repeat is a problem naming both lines."""
    if key in seen:
        problems.append(Problem(line, column, f'"{key}" is already on line {seen[key]}'))
        return False
    seen[key] = line
    return True


def _new_or_updated(problems: list[Problem], parsed, column: str, key: str, found, noun: str, update: bool) -> None:
    """An existing code or reference only with --update; a new one needs every required column."""
    if found is None:
        problems.extend(parsed.if_new)
    elif not update:
        problems.append(Problem(parsed.line, column, f'{noun} "{key}" already exists (use --update)'))


class Parties:
    """Customers: create, or update with --update (only the columns the file has)."""

    def check(self, session, rows, update: bool):
        existing, seen, plan, problems = _by(session, _models().Customer, "code"), {}, [], []
        for parsed in rows:
            line, row = parsed.line, parsed.values
            _identity(problems, line, row)
            code = (
                _checked(problems, line, "code", lambda: identity.code(row["code"], "customer code"))
                if "code" in row
                else None
            )
            if code is None:
                continue
            row["code"] = code
            if _first(problems, line, "code", code, seen):
                _new_or_updated(problems, parsed, "code", code, existing.get(code), "customer", update)
            plan.append({"existing": existing.get(code), "fields": row})
        return plan, problems

    def write(self, session, plan, rows):
        Customer = _models().Customer
        for item in plan:
            customer = item["existing"] or Customer(code=item["fields"]["code"], name=item["fields"]["name"])
            records.apply(customer, item["fields"])
            session.add(customer)
        updated = sum(1 for item in plan if item["existing"])
        return len(plan) - updated, updated


class Catalogue:
    """Products, with the same defaults and rules as `product add`; --update changes the columns the file has."""

    def check(self, session, rows, update: bool):
        from koban_cli.services import products

        Product = _models().Product
        existing, seen, plan, problems = _by(session, Product, "ref"), {}, [], []
        for parsed in rows:
            line, row = parsed.line, parsed.values
            if row.get("name"):
                row["name"] = _checked(problems, line, "name", lambda: identity.name(row["name"]))
            ref = (
                _checked(problems, line, "ref", lambda: identity.code(row["ref"], "product reference"))
                if "ref" in row
                else None
            )
            product = existing.get(ref)
            if ref is not None and _first(problems, line, "ref", ref, seen):
                _new_or_updated(problems, parsed, "ref", ref, product, "product", update)
            kind = (row.get("kind") or (product.kind if product else "goods")).lower()
            fields = {
                "name": row.get("name"),
                "price": row.get("price"),
                "vat_rate": row.get("vat"),
                "kind": kind,
                "unit": row.get("unit"),
                "period": row.get("period"),
                "cost": row.get("cost"),
                "deliverable": row.get("deliverable"),
                "stock_tracked": row.get("stock"),
                "alert_below": row.get("alert_below"),
            }
            if kind not in products.KINDS:
                problems.append(Problem(line, "kind", f'"{kind}" is not one of {", ".join(products.KINDS)}'))
            elif not parsed.broken & {"deliverable", "stock"}:  # their defaults could disagree with the other cells
                candidate = Product(
                    ref=ref or row.get("ref"), **(products.KIND_DEFAULTS[kind] if product is None else {})
                )
                if product is not None:
                    records.apply(candidate, {k: getattr(product, k) for k in products.KIND_DEFAULTS["goods"]})
                records.apply(candidate, fields)
                _checked(problems, line, None, lambda: products.consistent(candidate))
            plan.append({"existing": product, "fields": fields, "ref": ref})
        return plan, problems

    def write(self, session, plan, rows):
        from koban_cli.services import products

        for item in plan:
            product = item["existing"] or _models().Product(
                ref=item["ref"], name=item["fields"]["name"], **products.KIND_DEFAULTS[item["fields"]["kind"]]
            )
            records.apply(product, item["fields"])
            session.add(product)
        updated = sum(1 for item in plan if item["existing"])
        return len(plan) - updated, updated


ORDER_LINE_COLUMNS = (
    "kind",
    "product_id",
    "description",
    "qty",
    "unit_price",
    "discount",
    "vat_rate",
    "net",
    "comment",
)
ORDER_COLUMNS = (
    "customer_id",
    "date",
    "status",
    "note",
    "net",
    "tax",
    "gross",
    "number",
    "customer_ref",
    "import_key",
)
_LINE_VALUES = attrgetter(*ORDER_LINE_COLUMNS)  # a built line's stored columns, in that order
LINE_CELLS = frozenset({"product", "description", "qty", "unit_price", "discount", "vat"})
_COLUMN_OF = {"price": "unit_price", "vat": "vat"}  # what domain/lines.missing_without_product names, as columns
ORDER_CELLS = frozenset({"order_key", "customer", "date", "customer_ref"})  # the same on every line of an order
ONE = Decimal(1)


class _Policies:
    """The VAT policy towards each buyer of a file (its regime: domain/vat_regimes.py), made once per buyer."""

    def __init__(self, db):
        self.exempt = lookup.company_row(db).vat_exempt
        self.made: dict[int | None, VatPolicy] = {None: VatPolicy(exempt=self.exempt)}
        self.numbers: dict[VatPolicy, int] = {}  # buyers treated alike share a number
        self.numbered_by: dict[int | None, tuple[VatPolicy, int]] = {}

    def of(self, customer) -> VatPolicy:
        key = customer.id if customer is not None else None
        if key not in self.made:
            self.made[key] = VatPolicy.of_buyer(self.exempt, customer)
        return self.made[key]

    def numbered(self, customer) -> tuple[VatPolicy, int]:
        """The policy, and a number equal for equal policies (what a built line depends on)."""
        key = customer.id if customer is not None else None
        if key not in self.numbered_by:
            policy = self.of(customer)
            self.numbered_by[key] = policy, self.numbers.setdefault(policy, len(self.numbers))
        return self.numbered_by[key]


def _parameter_limit(connection) -> int:
    """How many parameters one statement may hold: SQLite's limit as the driver reports it (Python 3.11+),
    else 999, the smallest SQLite has had."""
    import sqlite3

    driver = connection.connection.dbapi_connection
    limit = getattr(sqlite3, "SQLITE_LIMIT_VARIABLE_NUMBER", None)
    if limit is None or not hasattr(driver, "getlimit"):
        return 999
    return driver.getlimit(limit)


def _converter(column_type, dialect):
    """What turns a value into what the driver takes for a column of this type, or None when the driver takes
    it as it is. A scaled column (money, quantity, rate) converts through its own `stored`, what its binding
    does, without SQLAlchemy's wrapper per value; a date (SQLite stores text) through its bind processor,
    each distinct date once (the dates of a file repeat); any other type through its bind processor."""
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return None
    if isinstance(column_type, Scaled) and column_type.impl_instance.bind_processor(dialect) is None:
        return column_type.stored
    if not isinstance(column_type, Date):
        return process
    seen: dict = {}

    def convert(value):
        converted = seen.get(value, seen)
        if converted is seen:
            if len(seen) >= 4096:
                seen.clear()
            converted = seen[value] = process(value)
        return converted

    return convert


class _Bulk:
    """`insert(table)` of many rows, handed straight to the driver.

    Each value goes through its column's own type (db/types.py: money as integer cents; dates as SQLite
    stores them), converted by `stored` (an order line once per distinct line, see Orders); what is skipped
    is SQLAlchemy's bookkeeping for every row, which took longer than building and storing the row.
    """

    ROWS = 500  # at most, per INSERT of many VALUES rows

    def __init__(self, connection, table, names: tuple[str, ...]):
        dialect = connection.dialect
        compiled = insert(table).compile(dialect=dialect, column_keys=list(names))
        self.connection, self.sql = connection, str(compiled)
        self.processors = tuple(_converter(table.c[name].type, dialect) for name in names)
        self.converting: dict[tuple[int, int], tuple] = {}  # (start, count) -> the columns with a processor
        if not compiled.positional:  # e.g. psycopg's %(name)s
            self.shape = lambda row: dict(zip(names, row))
        else:
            order = [names.index(name) for name in compiled.positiontup]
            self.shape = None if order == list(range(len(names))) else (lambda row: tuple(row[i] for i in order))
        self.per_statement, self.statements = 1, {}  # rows per INSERT of many VALUES rows; their SQL by count
        head, _, group = self.sql.rpartition(" VALUES ")
        if compiled.positional and dialect.paramstyle == "qmark" and group == f"({', '.join('?' * len(names))})":
            self.head, self.group = head + " VALUES ", group
            self.per_statement = max(1, min(self.ROWS, _parameter_limit(connection) // len(names)))

    def stored(self, values: tuple, start: int = 0) -> tuple:
        """`values` of the columns from `start` on, as the driver takes them."""
        converting = self.converting.get((start, len(values)))
        if converting is None:
            processors = self.processors[start : start + len(values)]
            converting = self.converting[(start, len(values))] = tuple(
                (index, process) for index, process in enumerate(processors) if process is not None
            )
        row = list(values)
        for index, process in converting:
            row[index] = process(row[index])
        return tuple(row)

    def rows(self, *columns: Iterable) -> list[tuple]:
        """Rows as the driver takes them, from their values column by column (each column converted at once)."""
        return list(
            zip(*(map(process, values) if process else values for values, process in zip(columns, self.processors)))
        )

    def insert(self, rows: list[tuple]) -> None:
        """The rows in their order (so their ids follow it): with `?` marks (SQLite), as INSERTs of many VALUES
        rows each, which SQLite runs in two thirds of the time of a row per execution; else by executemany."""
        if self.shape is not None:
            rows = [self.shape(r) for r in rows]
        if self.per_statement == 1 or len(rows) == 1:
            if rows:
                self.connection.exec_driver_sql(self.sql, rows)
            return
        for start in range(0, len(rows), self.per_statement):
            part = rows[start : start + self.per_statement]
            sql = self.statements.get(len(part))
            if sql is None:
                sql = self.statements[len(part)] = self.head + ", ".join([self.group] * len(part))
            self.connection.exec_driver_sql(sql, tuple(chain.from_iterable(part)))


def _cells_of(parsed, names) -> Callable[[list[str]], tuple]:
    """A function of a row's cells as read: the tuple of those in the header's columns of these names
    (IndexError for a short row)."""
    indexes = parsed.indexes(names)
    if len(indexes) == 1:
        index = indexes[0]
        return lambda cells: (cells[index],)
    if not indexes:
        return lambda cells: ()
    return itemgetter(*indexes)


class _Order:
    """An order being read: its header cells, and its lines as built: ((vat rate, net), stored values)."""

    __slots__ = ("key", "date", "customer_ref", "customer_id", "lines")

    def __init__(self, key: str, date: dt.date | None, customer_ref: str, customer_id: int):
        self.key, self.date, self.customer_ref, self.customer_id = key, date, customer_ref, customer_id
        self.lines: list[tuple] = []


_RATE_AND_NET = itemgetter(0)
_PRODUCT_ID = itemgetter(1 + ORDER_LINE_COLUMNS.index("product_id"))  # in a stored line (after its position)


class _OrderWriter:
    """Numbers and writes finished orders with their lines, a chunk at a time, in the order of the file."""

    CHUNK = 500  # orders; their numbers are read back in one query (SQLite allows 999 parameters or more)

    def __init__(self, connection):
        self.connection = connection
        self.orders = _Bulk(self.connection, tables.sales_order, ORDER_COLUMNS)
        self.lines = _Bulk(self.connection, tables.order_line, ("position", *ORDER_LINE_COLUMNS, "order_id"))
        self.position, self.order_id = self.lines.processors[0], self.lines.processors[-1]
        self.pending: list[_Order] = []
        self.today = dt.date.today()
        self.products: set[int | None] = set()  # what the orders written reserve (rebooked once, at the end)

    def stored_line(self, built) -> tuple:
        return self.lines.stored(_LINE_VALUES(built), 1)

    def add(self, order: _Order) -> None:
        self.pending.append(order)
        if len(self.pending) >= self.CHUNK:
            self._write()

    def finish(self, order: _Order | None) -> None:
        """The file's last order written, and the last chunk, always (numbering checks the company's
        pattern even for no order)."""
        if order is not None:
            self.pending.append(order)
        self._write()

    def _write(self) -> None:
        pending, self.pending = self.pending, []
        self.flush(pending)

    def flush(self, pending: list[_Order]) -> None:
        days = [order.date or self.today for order in pending]
        numbers = take_numbers(self.connection, "order", days)
        results = [totals(map(_RATE_AND_NET, order.lines)) for order in pending]
        self.orders.insert(
            self.orders.rows(
                [order.customer_id for order in pending],
                days,
                repeat("validated"),
                repeat(""),
                [result.net for result in results],
                [result.tax for result in results],
                [result.gross for result in results],
                numbers,
                [order.customer_ref or "" for order in pending],
                [order.key for order in pending],
            )
        )
        if not numbers:
            return
        ids = dict(self.connection.execute(_IDS, {"numbers": numbers}).all())
        lines = []
        add = lines.append
        for order, number in zip(pending, numbers):
            order_id = ids[number] if self.order_id is None else self.order_id(ids[number])
            if self.position is None:
                for position, (_, line) in enumerate(order.lines, 1):
                    add((position, *line, order_id))
            else:
                for position, (_, line) in enumerate(order.lines, 1):
                    add((self.position(position), *line, order_id))
        self.products.update(map(_PRODUCT_ID, lines))
        self.lines.insert(lines)


# the ids of orders just written, by number: one statement, compiled once (its list of numbers is expanded
# as it runs)
_IDS = select(tables.sales_order.c.number, tables.sales_order.c.id).where(
    tables.sales_order.c.number.in_(bindparam("numbers", expanding=True))
)


class Orders:
    """Orders, one row per line, grouped by order_key; a key is imported once.

    Orders files are the large ones, so this kind is a Loader: each row is checked and its line built
    once, through the one line builder, as the file streams by; finished orders are numbered and written
    with their lines a chunk at a time, until a problem stops the writing (the transaction then undoes
    it). Memory holds one small entry per order key, not the lines. A file repeats the same line (product,
    quantity, discount) for many buyers treated alike: a line is built once per distinct set of cells.
    """

    MEMO = 50_000  # distinct lines remembered (then forgotten all at once)

    def load(self, connection, parsed, write: bool, progress=None):
        c, p, o = tables.customer.c, tables.product.c, tables.sales_order.c
        customers = {
            row.code: row
            for row in connection.execute(select(c.id, c.code, c.country, c.kind, c.vat_number, c.vat_regime))
        }
        catalogue = {
            row.ref: ProductTerms.of(row)
            for row in connection.execute(select(p.ref, p.id, p.name, p.price, p.vat_rate, p.kind))
        }
        imported = dict(connection.execute(select(o.import_key, o.number).where(o.import_key.is_not(None))).all())
        policies = _Policies(connection)
        writer = _OrderWriter(connection) if write else None
        return self._read(parsed, progress, customers, catalogue, imported, policies, writer)

    def _read(self, parsed, progress, customers: dict, catalogue: dict, imported: dict, policies, writer):
        """Every row checked, and the orders handed to `writer` until a problem (then None)."""
        built: dict[tuple, tuple] = {}  # a line's cells and buyer's policy -> ((vat rate, net), stored values)
        # The same, by the line's cells as read (not parsed), one memory per policy: a row whose cells equal,
        # in every column, those of rows already found right (its order's cells those of its order's first
        # row, its line's those of a line built) reads alike and makes the same line, so it is not read again.
        order_cells = _cells_of(parsed, ORDER_CELLS)
        line_cells = _cells_of(parsed, {c.name for c in parsed.schema} - ORDER_CELLS)
        seen_by_policy: dict[int, dict[tuple, tuple]] = {}
        seen: dict[tuple, tuple] = {}  # those of the current order's policy
        # Likewise an order's first row, cell by cell: its customer's cell as that of a first row found right,
        # with what it reads as (customer code, buyer, policy); its key checked on its own (not empty, new in
        # the file and the ledger), its date read by its column, its reference a text. Not when a header
        # repeats one of these columns (the row's values are then those of the last one).
        at = {name: parsed.indexes({name}) for name in ORDER_CELLS}
        opens = all(len(indexes) <= 1 for indexes in at.values())
        key_at, customer_at = at["order_key"][-1], at["customer"][-1]
        date_at, reference_at = (at[name][0] if at[name] else None for name in ("date", "customer_ref"))
        dates = parsed.reading("date")
        buyers: dict[str, tuple] = {}
        width = 1 + max(parsed.indexes({c.name for c in parsed.schema}))  # cells a row has when read whole
        head = None  # the order cells of the current order's first row, when that row was right
        starts: dict[str, tuple] = {}  # order key -> (its first line, its customer code, its buyer's policy)
        problems: list[Problem] = []
        order: _Order | None = None
        last_key = None
        first = code = policy = None  # the order being read: its first line, its customer code, its policy
        blank = csvfile.blank
        try:
            for line, cells in parsed.records(progress, blanks=True):
                made = opening = None
                try:
                    if head is not None and order_cells(cells) == head:
                        made = seen.get(line_cells(cells))
                    elif opens:  # an order's first row whose customer and line were met on first rows found right?
                        key = cells[key_at].strip()
                        if key and key != last_key and key not in starts and key not in imported:
                            opening = buyers.get(cells[customer_at])
                            if opening is not None:
                                made = seen_by_policy[opening[2][1]].get(line_cells(cells))
                                if made is not None:
                                    date = None if date_at is None else cells[date_at]
                                    date = dates[date] if date and not date.isspace() else None
                                    reference = "" if reference_at is None else cells[reference_at].strip()
                except (IndexError, KeyError):  # a short row; a date cell that is not a date
                    made = None
                if made is not None:
                    if opening is None:  # most rows: the next line of the order being read, a line met before
                        if writer is not None:
                            order.lines.append(made)
                        continue
                    code, buyer, policy = opening
                    first, last_key = line, key
                    starts[key] = (line, code, policy)
                    seen = seen_by_policy[policy[1]]
                    head = order_cells(cells)
                    if writer is not None:
                        if order is not None:
                            writer.add(order)
                        order = _Order(key, date, reference, buyer.id)
                        order.lines.append(made)
                    continue
                if blank(cells):
                    continue
                problems_before = len(problems)
                whole = len(cells) >= width  # a short row is not remembered (its missing cells read as empty)
                read = parsed.row(line, cells)
                row, broken = read.values, read.broken
                key = row.get("order_key")
                if key == last_key and key is not None:  # the next line of the order being read
                    if "customer" in row and row["customer"] != code:
                        problems.append(
                            Problem(line, "customer", f'order "{key}" has another customer on line {first}')
                        )
                elif key is None:  # "is empty" is listed; the rest of the row is still checked, as an order
                    self._buyer(line, row, customers, imported, problems)
                    policy = policies.numbered(None)
                    head = None
                elif key not in starts:
                    buyer = self._buyer(line, row, customers, imported, problems)
                    policy = policies.numbered(buyer)
                    first, code = line, row.get("customer")
                    starts[key] = (first, code, policy)
                    if writer is not None and order is not None:
                        writer.add(order)
                    if buyer is not None:
                        order = _Order(key, row.get("date"), row.get("customer_ref", ""), buyer.id)
                    seen = seen_by_policy.setdefault(policy[1], {})
                    right = whole and not broken and len(problems) == problems_before
                    head = order_cells(cells) if right else None
                    if head is not None and opens:
                        if len(buyers) >= self.MEMO:
                            buyers.clear()
                        buyers[cells[customer_at]] = (code, buyer, policy)
                else:
                    first, code, policy = starts[key]
                    head = None
                    problems.append(
                        Problem(
                            line,
                            "order_key",
                            f'the lines of "{key}" must follow each other (it starts on line {first})',
                        )
                    )
                last_key = key
                made = None
                right = head is not None and whole and not broken and len(problems) == problems_before
                if right:  # a first row found right, or the next row of an order whose first row was
                    made = seen.get(line_cells(cells))
                if made is None:
                    product = catalogue.get(row.get("product"))
                    made = self._line(line, row, product, policy, problems, broken, built, writer)
                if made is not None and right:
                    if len(seen) >= self.MEMO:
                        seen.clear()
                    seen[line_cells(cells)] = made
                if writer is None:
                    continue
                if broken or problems:
                    writer = None  # the file will be refused: nothing more to write
                    continue
                order.lines.append(made)
        except csvfile.Malformed as exc:
            raise csvfile.unreadable(exc) from None
        if writer is not None:
            writer.finish(order)
            stock.rebook(writer.connection, writer.products)  # the orders are validated: their lines reserve
        return len(starts), 0, problems

    @staticmethod
    def _buyer(line: int, row: dict, customers: dict, imported: dict, problems: list[Problem]):
        """The customer of an order's first row; its key must be new."""
        key = row.get("order_key")
        if key in imported:
            problems.append(Problem(line, "order_key", f'"{key}" was already imported as {imported[key]}'))
        customer = customers.get(row.get("customer"))
        if "customer" in row and customer is None:
            problems.append(Problem(line, "customer", f'customer "{row["customer"]}" does not exist'))
        return customer

    def _line(self, line: int, row: dict, product, policy, problems: list[Problem], broken, built, writer):
        """The order line a row makes (through the one line builder) as (vat rate, net, stored values), or
        problems and None. A line is built once for the same cells and an equal policy."""
        problems_before = len(problems)
        if row.get("product") and product is None:
            problems.append(Problem(line, "product", f'product "{row["product"]}" does not exist'))
        elif product is None:
            missing = missing_without_product(row.get("description"), row.get("unit_price"), row.get("vat"))
            if "description" in missing:
                problems.append(Problem(line, "product", "give a product or a description"))
            else:
                for column in (_COLUMN_OF[name] for name in missing):
                    if column not in broken:
                        problems.append(Problem(line, column, "is needed on a line without a product"))
        if problems_before < len(problems) or broken & LINE_CELLS:
            return None
        policy, number = policy
        cells = (row.get("description"), row.get("unit_price"), row.get("vat"), row.get("qty", ONE))
        key = (number, row.get("product"), *cells, row.get("discount", ZERO))
        made = built.get(key)
        if made is None:
            line_ = _checked(problems, line, None, lambda: from_input(policy, product, *cells, key[-1]))
            if line_ is None:
                return None
            if len(built) >= self.MEMO:
                built.clear()
            made = built[key] = ((line_.vat_rate, line_.net), writer.stored_line(line_) if writer else None)
        return made


class Subscriptions:
    """One contract per row, with the rules of `contract create`."""

    def check(self, session, rows, update: bool):
        from koban_cli.services.contracts import manage as contracts

        customers, catalogue = _by(session, _models().Customer, "code"), _by(session, _models().Product, "ref")
        plan, problems = [], []
        for line, row, broken, _ in rows:
            problems_before = len(problems)
            customer, product = customers.get(row.get("customer")), catalogue.get(row.get("product"))
            if "customer" in row and customer is None:
                problems.append(Problem(line, "customer", f'customer "{row["customer"]}" does not exist'))
            if "product" in row and product is None:
                problems.append(Problem(line, "product", f'product "{row["product"]}" does not exist'))
            every = (row.get("every") or (product.period if product else None) or "monthly").lower()
            _checked(problems, line, "every", lambda: P.months_of(every))
            mode = (row.get("mode") or "manual").lower()
            if mode not in ("auto", "manual"):
                problems.append(Problem(line, "mode", f'"{mode}" is not auto or manual'))
            end = None
            if "start" in row and not broken & {"months", "end"}:
                end = _checked(
                    problems,
                    line,
                    "end",
                    lambda: contracts.first_term_end(row["start"], row.get("months"), row.get("end")),
                )
            if broken or len(problems) > problems_before:
                continue
            plan.append(
                {
                    "customer": customer,
                    "product": product,
                    "start": row["start"],
                    "end": end,
                    "every": every,
                    "auto": mode == "auto",
                    "qty": row.get("qty", Decimal(1)),
                    "price": row.get("unit_price", product.price),
                    "in_advance": row.get("in_advance", True),
                    "renew": row.get("renew", True),
                    "notice_days": row.get("notice_days", 30),
                }
            )
        return plan, problems

    def write(self, session, plan, rows):
        from koban_cli.services.contracts import manage as contracts

        Contract, ContractLine = _models().Contract, _models().ContractLine
        policies = _Policies(session)
        for item in plan:
            product = item["product"]
            contract = Contract(
                number=take_number(session, "contract", item["start"]),
                customer_id=item["customer"].id,
                start=item["start"],
                end=item["end"],
                every=item["every"],
                in_advance=item["in_advance"],
                renew=item["renew"],
                renew_months=contracts.months_between(item["start"], item["end"]),
                notice_days=item["notice_days"],
                auto=item["auto"],
            )
            session.add(contract)
            session.flush()
            session.add(
                ContractLine(
                    contract_id=contract.id,
                    position=1,
                    product_id=product.id,
                    description=product.name,
                    qty=item["qty"],
                    unit_price=item["price"],
                    price_months=P.months_of(product.period or item["every"]),
                    vat_rate=policies.of(item["customer"]).rate(product.vat_rate, product.kind),
                )
            )
        return len(plan), 0


class Counts:
    """Inventory counts: each row sets a product's level through an adjustment; a product is counted once."""

    def check(self, session, rows, update: bool):
        from koban_cli.services.operations import stock

        catalogue, seen, plan, problems = _by(session, _models().Product, "ref"), {}, [], []
        levels = stock.on_hand(session)
        for line, row, _broken, _ in rows:
            if "ref" not in row or not _first(problems, line, "ref", row["ref"], seen):
                continue
            product = catalogue.get(row["ref"])
            if product is None or not product.stock_tracked:
                problems.append(Problem(line, "ref", f'"{row["ref"]}" is not a stock-tracked product'))
            elif "qty" in row:
                moved = row["qty"] - levels.get(product.id, Decimal(0))
                if moved:
                    plan.append({"product": product, "moved": moved, "existing": product})
        return plan, problems

    def write(self, session, plan, rows):
        today = dt.date.today()
        for item in plan:
            session.add(
                _models().StockMove(
                    product_id=item["product"].id,
                    date=today,
                    qty=item["moved"],
                    kind="adjustment",
                    note="Inventaire (import)",
                )
            )
        return 0, sum(1 for item in plan if item["moved"])


class Timesheets:
    """Time entries on projects."""

    def check(self, session, rows, update: bool):
        projects, plan, problems = _by(session, _models().Project, "number"), [], []
        tasks = {(t.project_id, t.position): t for t in session.scalars(select(_models().ProjectTask))}
        for line, row, broken, _ in rows:
            problems_before = len(problems)
            project = projects.get(row.get("project"))
            if "project" in row and project is None:
                problems.append(Problem(line, "project", f'project "{row["project"]}" does not exist'))
            task = tasks.get((project.id, row["task"])) if project and row.get("task") else None
            if project and row.get("task") and task is None:
                problems.append(Problem(line, "task", f"{row['project']} has no task {row['task']}"))
            if row.get("hours", 0) > 24:
                problems.append(Problem(line, "hours", f'"{row["hours"]}" is more than a day'))
            if broken or len(problems) > problems_before:
                continue
            plan.append(
                {
                    "entry": {
                        "project_id": project.id,
                        "task_id": task.id if task else None,
                        "date": row["date"],
                        "who": row["who"],
                        "hours": row["hours"],
                        "rate": row["rate"],
                        "note": row.get("note", ""),
                    }
                }
            )
        return plan, problems

    def write(self, session, plan, rows):
        session.execute(insert(_models().TimeEntry), [item["entry"] for item in plan])
        return len(plan), 0


IMPORTERS = {
    "customers": Parties(),
    "products": Catalogue(),
    "orders": Orders(),
    "contracts": Subscriptions(),
    "stock": Counts(),
    "time": Timesheets(),
}
