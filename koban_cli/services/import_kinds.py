"""What each kind of CSV import checks and writes (see services/imports.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import insert
from sqlmodel import Session, select

from koban_cli.db.models import (
    Contract,
    ContractLine,
    Customer,
    OrderLine,
    Product,
    Project,
    ProjectTask,
    SalesOrder,
    StockMove,
    TimeEntry,
)
from koban_cli.domain import periods as P
from koban_cli.domain.amounts import totals
from koban_cli.domain.csvfile import Problem
from koban_cli.domain.lines import ProductTerms, VatPolicy, from_input
from koban_cli.domain.values import ZERO
from koban_cli.errors import KobanError
from koban_cli.services import checks, contracts, lookup, products, stock
from koban_cli.services import lines as doc_lines
from koban_cli.services.numbering import take_number, take_numbers


def _by(session: Session, model, key: str) -> dict:
    return {getattr(item, key): item for item in session.exec(select(model))}


def _prices(session: Session) -> dict:
    """Products by ref as plain rows of what an order line needs (read for every line of a large file)."""
    query = select(Product.ref, Product.id, Product.name, Product.price, Product.vat_rate, Product.kind)
    return {row.ref: row for row in session.exec(query)}


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
        ("name", checks.name),
        ("siren", checks.siren),
        ("vat_number", checks.vat_number),
        ("email", checks.email),
        ("country", checks.country),  # "Allemagne" -> DE, as on the command line
        ("delivery_country", checks.country),
        ("kind", checks.customer_kind),
        ("vat_regime", checks.vat_regime),
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
        existing, seen, plan, problems = _by(session, Customer, "code"), {}, [], []
        for parsed in rows:
            line, row = parsed.line, parsed.values
            _identity(problems, line, row)
            code = (
                _checked(problems, line, "code", lambda: checks.code(row["code"], "customer code"))
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
        for item in plan:
            customer = item["existing"] or Customer(code=item["fields"]["code"], name=item["fields"]["name"])
            checks.apply(customer, item["fields"])
            session.add(customer)
        updated = sum(1 for item in plan if item["existing"])
        return len(plan) - updated, updated


class Catalogue:
    """Products, with the same defaults and rules as `product add`; --update changes the columns the file has."""

    def check(self, session, rows, update: bool):
        existing, seen, plan, problems = _by(session, Product, "ref"), {}, [], []
        for parsed in rows:
            line, row = parsed.line, parsed.values
            if row.get("name"):
                row["name"] = _checked(problems, line, "name", lambda: checks.name(row["name"]))
            ref = (
                _checked(problems, line, "ref", lambda: checks.code(row["ref"], "product reference"))
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
                    checks.apply(candidate, {k: getattr(product, k) for k in products.KIND_DEFAULTS["goods"]})
                checks.apply(candidate, fields)
                _checked(problems, line, None, lambda: products.consistent(candidate))
            plan.append({"existing": product, "fields": fields, "ref": ref})
        return plan, problems

    def write(self, session, plan, rows):
        for item in plan:
            product = item["existing"] or Product(
                ref=item["ref"], name=item["fields"]["name"], **products.KIND_DEFAULTS[item["fields"]["kind"]]
            )
            checks.apply(product, item["fields"])
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
_NO_LINE = {"vat_rate": ZERO, "net": ZERO}  # a row with problems: nothing will be written
LINE_CELLS = frozenset({"product", "description", "qty", "unit_price", "discount", "vat"})


class _Policies:
    """The VAT policy towards each buyer of a file (its regime: domain/vat_regimes.py), made once per buyer."""

    def __init__(self, session):
        self.exempt = lookup.company(session).vat_exempt
        self.made: dict[int | None, VatPolicy] = {None: VatPolicy(exempt=self.exempt)}

    def of(self, customer: Customer | None) -> VatPolicy:
        key = customer.id if customer is not None else None
        if key not in self.made:
            self.made[key] = doc_lines.buyer_policy(self.exempt, customer)
        return self.made[key]


class Orders:
    """Validated orders, one row per line, grouped by order_key; a key is imported once.

    Orders files are the large ones: checking keeps one small header per order
    (its totals added up line by line), and writing streams the file again in
    chunks, so memory does not grow with the number of lines.
    """

    CHUNK = 2000

    def check(self, session, rows, update: bool):
        customers, catalogue = _by(session, Customer, "code"), _prices(session)
        policies = _Policies(session)
        imported = dict(
            session.exec(
                select(SalesOrder.import_key, SalesOrder.number).where(SalesOrder.import_key.is_not(None))
            ).all()
        )
        headers: dict[str, dict] = {}
        problems: list[Problem] = []
        last_key = None
        for line, row, broken, _ in rows:
            key = row.get("order_key")
            header = headers.get(key)
            if key is None:  # "is empty" is listed; the rest of the row is still checked, as an order of its own
                self._header(line, row, customers, imported, problems)
            elif header is None:
                header = headers[key] = self._header(line, row, customers, imported, problems)
            elif key != last_key:
                problems.append(
                    Problem(
                        line,
                        "order_key",
                        f'the lines of "{key}" must follow each other (it starts on line {header["line"]})',
                    )
                )
            elif "customer" in row and row["customer"] != header["customer_code"]:
                problems.append(
                    Problem(line, "customer", f'order "{key}" has another customer on line {header["line"]}')
                )
            last_key = key
            values = self._line(line, row, catalogue, policies.of(header and header["customer"]), problems, broken)
            if header is not None:
                header["by_rate"][values["vat_rate"]] = (
                    header["by_rate"].get(values["vat_rate"], Decimal(0)) + values["net"]
                )
        return list(headers.values()), problems

    @staticmethod
    def _header(line: int, row: dict, customers: dict, imported: dict, problems: list[Problem]) -> dict:
        key = row.get("order_key")
        if key in imported:
            problems.append(Problem(line, "order_key", f'"{key}" was already imported as {imported[key]}'))
        customer = customers.get(row.get("customer"))
        if "customer" in row and customer is None:
            problems.append(Problem(line, "customer", f'customer "{row["customer"]}" does not exist'))
        return {
            "key": key,
            "line": line,
            "customer_code": row.get("customer"),
            "customer": customer,
            "date": row.get("date"),
            "customer_ref": row.get("customer_ref", ""),
            "by_rate": {},
        }

    @staticmethod
    def _line(
        line: int, row: dict, catalogue: dict, policy: VatPolicy, problems: list[Problem], broken=frozenset()
    ) -> dict:
        """The order line a row makes (through the one line builder), or problems and no line."""
        problems_before = len(problems)
        product = catalogue.get(row.get("product")) if row.get("product") else None
        if row.get("product") and product is None:
            problems.append(Problem(line, "product", f'product "{row["product"]}" does not exist'))
        elif product is None and not row.get("description"):
            problems.append(Problem(line, "product", "give a product or a description"))
        elif product is None:
            for column in ("unit_price", "vat"):
                if column not in row and column not in broken:
                    problems.append(Problem(line, column, "is needed on a line without a product"))
        if problems_before < len(problems) or broken & LINE_CELLS:
            return _NO_LINE
        terms = (
            ProductTerms(product.id, product.name, product.price, product.vat_rate, product.kind) if product else None
        )
        built = _checked(
            problems,
            line,
            None,
            lambda: from_input(
                policy,
                terms,
                row.get("description"),
                row.get("unit_price"),
                row.get("vat"),
                row.get("qty", Decimal(1)),
                row.get("discount", ZERO),
            ),
        )
        # read field by field: Line.fields() goes through dataclasses.asdict, which deep-copies every value and
        # took half the time of a large import
        return _NO_LINE if built is None else {name: getattr(built, name) for name in ORDER_LINE_COLUMNS}

    def write(self, session, plan, rows):
        today = dt.date.today()
        days = [header["date"] or today for header in plan]
        numbers = take_numbers(session, "order", days)
        ids: dict[str, int] = {}
        for first in range(0, len(plan), self.CHUNK):
            chunk = []
            for header, day, number in zip(
                plan[first : first + self.CHUNK], days[first : first + self.CHUNK], numbers[first : first + self.CHUNK]
            ):
                result = totals(header["by_rate"].items())
                chunk.append(
                    {
                        "number": number,
                        "customer_id": header["customer"].id,
                        "date": day,
                        "status": "validated",
                        "customer_ref": header["customer_ref"] or "",
                        "import_key": header["key"],
                        "note": "",
                        "net": result.net,
                        "tax": result.tax,
                        "gross": result.gross,
                    }
                )
            made = session.connection().execute(
                insert(SalesOrder.__table__).returning(SalesOrder.__table__.c.id, sort_by_parameter_order=True), chunk
            )
            ids.update(zip((header["key"] for header in plan[first : first + self.CHUNK]), made.scalars()))
        catalogue, policies = _prices(session), _Policies(session)
        buyers = {header["key"]: header["customer"] for header in plan}
        positions: dict[str, int] = defaultdict(int)
        batch = []
        for line, row, _, _ in rows():
            positions[row["order_key"]] += 1
            batch.append(
                {
                    **self._line(line, row, catalogue, policies.of(buyers[row["order_key"]]), []),
                    "order_id": ids[row["order_key"]],
                    "position": positions[row["order_key"]],
                }
            )
            if len(batch) >= self.CHUNK * 5:
                session.connection().execute(insert(OrderLine.__table__), batch)
                batch = []
        if batch:
            session.connection().execute(insert(OrderLine.__table__), batch)
        return len(plan), 0


class Subscriptions:
    """One contract per row, with the rules of `contract create`."""

    def check(self, session, rows, update: bool):
        customers, catalogue = _by(session, Customer, "code"), _by(session, Product, "ref")
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
        catalogue, seen, plan, problems = _by(session, Product, "ref"), {}, [], []
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
                StockMove(
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
        projects, plan, problems = _by(session, Project, "number"), [], []
        tasks = {(t.project_id, t.position): t for t in session.exec(select(ProjectTask))}
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
        session.execute(insert(TimeEntry), [item["entry"] for item in plan])
        return len(plan), 0


IMPORTERS = {
    "customers": Parties(),
    "products": Catalogue(),
    "orders": Orders(),
    "contracts": Subscriptions(),
    "stock": Counts(),
    "time": Timesheets(),
}
