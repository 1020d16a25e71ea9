"""CSV imports: every row is checked first; if any is wrong nothing is written.

Each kind declares its columns (English names and French aliases) and two
steps: `check` turns parsed rows into a plan and problems without writing,
`write` applies the plan in one transaction.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, NamedTuple, Protocol

from koban_cli.db.engine import Ledger
from koban_cli.domain import csvfile, values
from koban_cli.domain.csvfile import Problem
from koban_cli.errors import KobanError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session


def _text(raw: str) -> str:
    return raw.strip()


# A spreadsheet's number columns repeat a few values (quantities, discounts, rates):
# each distinct cell is parsed once. Decimals are immutable, so sharing them is safe.
parsed_once = lru_cache(maxsize=4096)


@parsed_once
def _money(raw: str) -> Decimal:
    return values.parse_amount(csvfile.number(raw), "value")


@parsed_once
def _qty(raw: str) -> Decimal:
    return values.parse_qty(csvfile.number(raw), "value")


@parsed_once
def _count(raw: str) -> Decimal:
    return values.parse_count(csvfile.number(raw), "value")


@parsed_once
def _percent(raw: str) -> Decimal:
    return values.parse_percent(csvfile.number(raw.replace("%", "")), "value")


@parsed_once
def _vat(raw: str) -> Decimal:
    return values.parse_vat_rate(csvfile.number(raw.replace("%", "")))


def _days(raw: str) -> int:
    return values.parse_int(raw, "value", 0, 365)


def _months(raw: str) -> int:
    return values.parse_int(raw, "value", 1, 120)


def _position(raw: str) -> int:
    return values.parse_int(raw, "value", 1, 100000)


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = _text
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import created and updated (or would, on a dry run), or its problems and nothing written."""

    created: int = 0
    updated: int = 0
    errors: tuple[Problem, ...] = ()


class Row(NamedTuple):
    """A data row as checks see it: every cell that parsed, and what the row already got wrong."""

    line: int  # as a spreadsheet shows it: the header is line 1
    values: dict[str, Any]  # parsed cells by column name; an empty or unparsable cell is left out
    broken: frozenset[str]  # columns already reported on this line: checks that need them are skipped
    if_new: tuple[Problem, ...] = ()  # with --update: what counts only if the row creates a record


_NOTHING: frozenset[str] = frozenset()
_EMPTY = object()  # a cell of spaces


class _Unreadable(NamedTuple):
    """A cell its column cannot read, and why (the problem's message)."""

    message: str


class _Cells(dict):
    """What the cells of one column read as, each distinct cell read once: a file repeats its cells (keys,
    customers, products, quantities, dates) many times, and reading is a pure function of the cell, so a
    cell met again is looked up. The dict holds the cells that read as a value; the others (`_EMPTY`, a
    cell of spaces, or `_Unreadable`) are kept apart in `other`, so that a row whose cells all read as
    values is read without a check (`cells[cell]`; a cell met for the first time is read then). Forgotten
    all at once past `SIZE` distinct cells (a column of unique texts)."""

    SIZE = 65_536

    def __init__(self, parse: Callable[[str], Any]):
        super().__init__()
        self.parse = parse
        self.other: dict[str, object] = {}

    def read(self, cell: str) -> Any:
        """The cell's value, `_EMPTY` or `_Unreadable`."""
        value = self.get(cell)
        if value is None:
            value = self.other.get(cell)
        if value is None:
            value = self._first(cell)
        return value

    def __missing__(self, cell: str) -> Any:
        """`cells[cell]` of a cell not met yet: its value, read now; KeyError if it is empty or unreadable."""
        value = self.read(cell)
        if value is _EMPTY or type(value) is _Unreadable:
            raise KeyError(cell)
        return value

    def _first(self, cell: str) -> Any:
        text = cell.strip()
        if not text:
            value: Any = _EMPTY
        elif self.parse is _text:
            value = text
        else:
            try:
                value = self.parse(cell)
            except (ValueError, KobanError) as exc:
                message = str(exc).removeprefix("value ")
                value = _Unreadable(message if cell in message else f'"{cell}": {message}')
        kept = self.other if value is _EMPTY or type(value) is _Unreadable else self
        if len(kept) >= self.SIZE:
            kept.clear()
        kept[cell] = value
        return value


SCHEMAS: dict[str, list[Column]] = {
    "customers": [
        Column("code", required=True, aliases=("code_client", "client")),
        Column("name", required=True, aliases=("nom", "raison_sociale")),
        Column("email", aliases=("courriel", "mail")),
        Column("address", aliases=("adresse",)),
        Column("postcode", aliases=("code_postal", "cp")),
        Column("city", aliases=("ville",)),
        Column("country", aliases=("pays",)),
        Column("siren", aliases=("siret",)),
        Column("vat_number", aliases=("tva_intracommunautaire", "numero_tva", "n_tva", "tva_intra")),
        Column("payment_terms_days", _days, aliases=("delai_de_paiement", "delai_paiement", "echeance_jours")),
        Column("kind", aliases=("type", "type_client", "nature")),  # company | individual (société, particulier)
        Column("vat_regime", aliases=("regime_tva",)),
        Column("delivery_address", aliases=("adresse_de_livraison", "adresse_livraison")),
        Column("delivery_postcode", aliases=("code_postal_de_livraison", "code_postal_livraison", "cp_livraison")),
        Column("delivery_city", aliases=("ville_de_livraison", "ville_livraison")),
        Column("delivery_country", aliases=("pays_de_livraison", "pays_livraison")),
    ],
    "products": [
        Column("ref", required=True, aliases=("reference", "code", "sku")),
        Column("name", required=True, aliases=("nom", "libelle", "designation")),
        Column("price", _money, True, ("prix", "prix_ht", "prix_unitaire_ht", "unit_price", "prix_unitaire")),
        Column("vat", _vat, True, ("tva", "taux_tva", "vat_rate")),
        Column("kind", aliases=("type", "nature")),
        Column("unit", aliases=("unite",)),
        Column("period", aliases=("periode", "periodicite")),
        Column("cost", _money, aliases=("cout", "prix_achat", "cout_achat")),
        Column("deliverable", csvfile.flag, aliases=("livrable",)),
        Column("stock", csvfile.flag, aliases=("suivi_stock", "stocke")),
        Column("alert_below", _qty, aliases=("seuil_alerte", "alerte")),
    ],
    "orders": [
        Column("order_key", required=True, aliases=("cle_commande", "commande", "order", "n_commande")),
        Column("customer", required=True, aliases=("client", "code_client")),
        Column("product", aliases=("produit", "ref", "reference")),
        Column("description", aliases=("designation", "libelle")),
        Column("qty", _qty, aliases=("quantite", "qte", "quantity")),
        Column("unit_price", _money, aliases=("prix_unitaire_ht", "prix_unitaire", "prix_ht", "prix", "price")),
        Column("discount", _percent, aliases=("remise",)),
        Column("vat", _vat, aliases=("tva", "taux_tva")),
        Column("date", csvfile.day, aliases=("date_commande",)),
        Column("customer_ref", aliases=("ref_client", "reference_client", "bon_de_commande")),
    ],
    "contracts": [
        Column("customer", required=True, aliases=("client", "code_client")),
        Column("product", required=True, aliases=("produit", "ref", "reference")),
        Column("start", csvfile.day, True, ("debut", "date_debut")),
        Column("qty", _qty, aliases=("quantite", "qte")),
        Column("unit_price", _money, aliases=("prix_unitaire_ht", "prix_unitaire", "prix")),
        Column("months", _months, aliases=("mois", "duree", "duree_mois")),
        Column("end", csvfile.day, aliases=("fin", "date_fin")),
        Column("every", aliases=("periodicite", "facturation")),
        Column("in_advance", csvfile.flag, aliases=("a_echoir", "terme_a_echoir")),
        Column("mode", aliases=("mode_facturation",)),
        Column("renew", csvfile.flag, aliases=("renouvellement", "tacite_reconduction")),
        Column("notice_days", _days, aliases=("preavis", "preavis_jours")),
    ],
    "stock": [
        Column("ref", required=True, aliases=("reference", "produit", "product")),
        Column("qty", _count, True, ("quantite", "qte", "stock", "quantite_comptee")),
    ],
    "time": [
        Column("project", required=True, aliases=("affaire", "projet")),
        Column("date", csvfile.day, True),
        Column("who", required=True, aliases=("qui", "intervenant", "personne")),
        Column("hours", _qty, True, ("heures", "duree")),
        Column("rate", _money, True, ("taux", "taux_horaire", "cout_horaire")),
        Column("task", _position, aliases=("tache",)),
        Column("note", aliases=("commentaire",)),
    ],
}


# The kinds `--update` applies to: the column that names an existing record, and what it is called.
UPDATE_KEYS = {"customers": ("code", "customer"), "products": ("ref", "product")}


def template(kind: str) -> str:
    return ",".join(column.name for column in _schema(kind))


def _schema(kind: str) -> list[Column]:
    if kind not in SCHEMAS:
        raise KobanError(f'cannot import "{kind}": choose one of {", ".join(SCHEMAS)}')
    return SCHEMAS[kind]


def _row_reader(indexes: list[int], names: tuple[str, ...], reads: tuple[_Cells, ...]) -> Callable[[list], dict]:
    """A function of a row's cells that returns its values by column name, each looked up in its column's
    `_Cells`: KeyError for a cell not read as a value yet, IndexError for a short row."""
    columns = tuple(zip(names, indexes, reads))

    def values(cells: list) -> dict:
        return {name: read[cells[index]] for name, index, read in columns}

    return values


class Parsed:
    """A file's header mapped to the kind's columns, and its rows parsed as they stream by.

    With `update`, a customers or products file needs only its key column: an existing record
    changes in the columns the file has, and a new one still needs every required column.
    """

    def __init__(
        self, kind: str, data: bytes, delimiter: str | None = None, encoding: str | None = None, update: bool = False
    ):
        self.schema = _schema(kind)
        self.text = csvfile.decode(data, encoding)
        self.delimiter = delimiter
        self.key, self.noun = UPDATE_KEYS[kind] if update and kind in UPDATE_KEYS else (None, None)
        header, _ = csvfile.rows(self.text, delimiter)
        names = {csvfile.normalize(c.name): c for c in self.schema} | {a: c for c in self.schema for a in c.aliases}
        self.columns = [names.get(csvfile.normalize(cell)) for cell in header]
        self.problems = [
            Problem(1, c.name, f"missing column (expected in the header: {template(kind)})")
            for c in self.schema
            if c.required and c not in self.columns and (self.key is None or c.name == self.key)
        ]
        self.total = self.text.count("\n")
        # read once per row: the cells of the header's known columns, their names and what their cells read
        # as (each distinct cell read once), and the columns a row must fill
        known = [index for index, column in enumerate(self.columns) if column is not None]
        self._names = tuple(self.columns[index].name for index in known)
        self._reads = tuple(_Cells(self.columns[index].parse) for index in known)
        self._cells = [None] * len(self.columns)
        for index, name, read in zip(known, self._names, self._reads):
            self._cells[index] = (name, read)
        self._values = _row_reader(known, self._names, self._reads)
        self._required = frozenset(c.name for c in self.schema if c.required)
        self._filled = self._required <= set(self._names)  # a row of values fills every required column

    def records(
        self, progress: Callable[[int, int], None] | None = None, blanks: bool = False
    ) -> Iterator[tuple[int, list[str]]]:
        """Every data row as read, its line number and its cells, not parsed yet (see `row`). With `blanks`,
        empty rows too, and a malformed file raises `csvfile.Malformed` as it is met (csvfile.table): for a
        loop that checks both itself, only on the rows it must read."""
        _, body = (csvfile.table if blanks else csvfile.rows)(self.text, self.delimiter)
        if progress is None:
            return body
        return self._reporting(body, progress)

    def _reporting(self, body: Iterator[tuple[int, list[str]]], progress: Callable[[int, int], None]):
        for line, cells in body:
            if line % 1000 == 0:
                progress(line, self.total)
            yield line, cells

    def reading(self, name: str) -> _Cells | None:
        """What the cells of a column read as (`reading[cell]`: its value, KeyError if it is empty or cannot
        be read), the column's last in the header; None without it."""
        for index in reversed(range(len(self._cells))):
            if self._cells[index] is not None and self._cells[index][0] == name:
                return self._cells[index][1]
        return None

    def indexes(self, names: Iterable[str]) -> list[int]:
        """Where the cells of these columns are in a row: every header cell of theirs, in header order."""
        wanted = set(names)
        return [index for index, column in enumerate(self.columns) if column is not None and column.name in wanted]

    def stream(self, progress: Callable[[int, int], None] | None = None, record: bool = True) -> Iterator[Row]:
        """Every row, its unparsable cells left out and listed as problems (when `record`)."""
        row = self.row
        for line, cells in self.records(progress):
            yield row(line, cells, record)

    def row(self, line: int, cells: list[str], record: bool = True) -> Row:
        """A row's parsed cells; its unparsable cells left out and listed as problems (when `record`). A row's
        values depend only on its cells in the header's known columns (each read by a pure function of the
        cell): two rows equal in those cells read alike."""
        try:  # most rows: every cell met before, and read as a value
            values = self._values(cells)
        except (KeyError, IndexError):  # a cell met for the first time, empty or unreadable; a short row
            values = None
        if values is not None and (self._filled or values.keys() >= self._required):
            return Row(line, values, _NOTHING)
        values, problems, if_new = self._parse_cells(line, cells)
        if not problems and not if_new:
            return Row(line, values, _NOTHING)
        if record:
            self.problems += problems
        return Row(line, values, frozenset(p.column for p in problems), tuple(if_new))

    def _parse_cells(self, line: int, cells: list[str]) -> tuple[dict[str, Any], list[Problem], list[Problem]]:
        """A row cell by cell: its values, its problems, and with --update what counts only for a new record."""
        row: dict[str, Any] = {}
        problems = []
        for cell_of, cell in zip(self._cells, cells):
            if cell_of is None:
                continue
            name, read = cell_of
            value = read.read(cell)
            if value is _EMPTY:
                continue
            if type(value) is _Unreadable:
                problems.append(Problem(line, name, value.message))
                continue
            row[name] = value
        if not problems and row.keys() >= self._required:
            return row, problems, []
        broken = {p.column for p in problems}
        unfilled = [c for c in self.schema if c.required and c.name not in row and c.name not in broken]
        if self.key is None:
            return row, problems + [Problem(line, c.name, "is empty") for c in unfilled], []
        problems += [Problem(line, c.name, "is empty") for c in unfilled if c.name == self.key]
        if_new = [
            Problem(
                line,
                c.name,
                f'is empty, and creating {self.noun} "{row[self.key]}" needs it'
                if c in self.columns
                else f'{self.noun} "{row[self.key]}" does not exist, and creating it needs this column',
            )
            for c in unfilled
            if c.name != self.key and self.key in row
        ]
        return row, problems, if_new


class Importer(Protocol):
    """One kind of import: `check` plans without writing, `write` applies the plan."""

    def check(self, session: Session, rows: Iterator[Row], update: bool) -> tuple[list[dict], list[Problem]]:
        """Check every row, none skipped for an earlier problem, so one run lists them all."""

    def write(self, session: Session, plan: list[dict], rows: Callable[[], Iterator[Row]]) -> tuple[int, int]:
        """Apply the plan; `rows()` streams the file again for kinds too large to keep in the plan."""


class Loader(Protocol):
    """A kind whose files are the large ones: rows are checked, and written when `write`, as the file
    streams by, once. The first problem stops the writing; the caller's transaction then undoes what was
    written, so it is still all rows or none, and the check still goes on to the last row. It works on a
    Core connection (no ORM to import), and reads the file's rows itself (`Parsed.records`, parsing each
    with `Parsed.row`), so that it may skip parsing a row whose cells it has met already."""

    def load(
        self, db: Connection, parsed: Parsed, write: bool, progress: Callable[[int, int], None] | None = None
    ) -> tuple[int, int, list[Problem]]:
        """What was created and updated (or would be, when not `write`), and the problems of every row."""


class _Refused(Exception):
    """A file with problems: raised inside the transaction so that it writes nothing."""

    def __init__(self, problems: list[Problem]):
        super().__init__(len(problems))
        self.problems = problems


def count(plan: list[dict]) -> tuple[int, int]:
    """What a write would create and update (for --dry-run)."""
    updates = sum(1 for item in plan if item.get("existing") is not None)
    return len(plan) - updates, updates


def run(
    ledger: Ledger,
    kind: str,
    data: bytes,
    dry_run: bool = False,
    update: bool = False,
    delimiter: str | None = None,
    encoding: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import a file: all rows or none. The file is never held as parsed rows: a kind that plans reads it
    twice (check, then write), a `Loader` once."""
    from koban_cli.services.imports.kinds import IMPORTERS

    parsed = Parsed(kind, data, delimiter, encoding, update)
    if parsed.problems:
        return ImportResult(errors=tuple(parsed.problems))
    importer = IMPORTERS[kind]
    try:
        if hasattr(importer, "load"):
            with _collector_paused(), ledger.read_core() if dry_run else ledger.write_core() as connection:
                created, updated, problems = importer.load(connection, parsed, not dry_run, progress)
                _refuse(parsed.problems + problems)
                return ImportResult(created, updated)
        with ledger.read() if dry_run else ledger.write() as session:
            plan, problems = importer.check(session, parsed.stream(progress), update)
            _refuse(parsed.problems + problems)
            if dry_run:
                return ImportResult(*count(plan))
            return ImportResult(*importer.write(session, plan, lambda: parsed.stream(record=False)))
    except _Refused as refused:
        return ImportResult(errors=tuple(refused.problems))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a large file loads: the load makes millions of short-lived
    objects and no cycles among them (reference counting frees them), and the collector would walk every
    object the load keeps (cells read, lines built, keys met) over and over: 7% of the time of 250,000 lines."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _refuse(problems: list[Problem]) -> None:
    """Any problem: every one of them, by line, and nothing written."""
    if problems:
        raise _Refused(sorted(problems, key=lambda p: p.line))
