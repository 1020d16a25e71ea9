"""Writes db/tables.py, the Core description of the ledger, from the SQLModel models.

    python -m koban_cli.db.generate_tables      # after changing db/models.py

The models stay the schema's source of truth (tables, migrations, writes).
Commands that only read use the generated `table()` objects so they start
without importing SQLModel and pydantic; `tests/test_core_tables.py` fails
when the file is not what this module generates.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Boolean, Date, Integer, LargeBinary, String
from sqlmodel import SQLModel

from koban_cli.db import models  # noqa: F401  (declares the tables)
from koban_cli.db.types import MoneyColumn, QuantityColumn, RateColumn

TARGET = Path(__file__).with_name("tables.py")
HEADER = '''"""The ledger's tables for SQLAlchemy Core, generated from db/models.py: do not edit.

Regenerate with `python -m koban_cli.db.generate_tables`; tests/test_core_tables.py
fails when this file and the models disagree. Read commands query these so they
start without the ORM (importing SQLModel and declaring the models costs more
than the query). Money, quantities and rates come back as exact Decimals, as
from the models; `cents()` reads a money column as its stored integer.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Date, Integer, LargeBinary, String, column, table, type_coerce

from koban_cli.db.types import MoneyColumn, QuantityColumn, RateColumn, UTCMoment


def cents(money_column):
    """A money column as stored: integer cents, for reports that stay in integers from SQL to text."""
    return type_coerce(money_column, BigInteger)


def insert(table_, **values):
    """An INSERT of one row: the columns not given take the models' Python defaults (`DEFAULTS`; a Core
    `table()` carries none), as the ORM would insert them."""
    return table_.insert().values({**DEFAULTS[table_.name], **values})

'''


def type_name(sa_type) -> str:
    for name, scaled in (("MoneyColumn", MoneyColumn), ("QuantityColumn", QuantityColumn), ("RateColumn", RateColumn)):
        if sa_type is scaled:
            return name
    if type(sa_type).__name__ == "UTCDateTime":  # SQLModel's, read back aware in UTC
        return "UTCMoment"
    stored = getattr(sa_type, "impl", sa_type)  # SQLModel's AutoString decorates a String
    for kind in (Boolean, Date, Integer, LargeBinary, String):
        if isinstance(stored, kind):
            return kind.__name__
    raise TypeError(f"no Core type for {sa_type!r}")


def literal(value) -> str:
    """A default as Python source."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, Decimal):
        return f'Decimal("{value}")'
    if isinstance(value, (bool, int)):
        return repr(value)
    raise TypeError(f"no literal for the default {value!r}")


def defaults(table) -> str:
    """The Python defaults of a table's columns (None, the database's own, left out), as source."""
    entries = []
    for col in table.columns:
        if col.default is None or col.default.arg is None:
            continue
        if callable(col.default.arg):
            raise TypeError(f"{table.name}.{col.name}: a computed default has no literal")
        entries.append(f'        "{col.name}": {literal(col.default.arg)},\n')
    return "{\n" + "".join(entries) + "    }" if entries else "{}"


def source() -> str:
    chunks = [HEADER]
    names = []
    for name in sorted(SQLModel.metadata.tables):
        columns = "".join(
            f'    column("{col.name}", {type_name(col.type)}),\n' for col in SQLModel.metadata.tables[name].columns
        )
        chunks.append(f'{name} = table(\n    "{name}",\n{columns})\n')
        names.append(name)
    chunks.append("ALL = (\n" + "".join(f"    {name},\n" for name in names) + ")\n")
    tables = SQLModel.metadata.tables
    chunks.append(
        "# What a column not given in an INSERT takes (the models' Python defaults), per table\n"
        + "DEFAULTS = {\n"
        + "".join(f'    "{name}": {defaults(tables[name])},\n' for name in names)
        + "}\n"
    )
    return "\n".join(chunks)


if __name__ == "__main__":
    TARGET.write_text(source())
    print(f"wrote {TARGET}")
