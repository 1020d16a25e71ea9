"""The issued Factur-X file of each validated invoice, kept as it was first produced.

The first `invoice pdf`, `invoice send` or `invoice pdf --all` of a validated
invoice renders it (from its frozen snapshot) and archives the bytes; every
later one returns those bytes. Beside a SQLite ledger the files live in the
folder `<ledger file>.archive/`; on a database server the bytes are stored in
the ledger itself. Either way the sha256 is in the ledger (`invoice_archive`),
and `koban verify` checks it. Rendering stays out of validation and bill-due.
Read and written in SQLAlchemy Core: printing an invoice does not load the ORM.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path
from typing import Callable

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from koban_cli import files
from koban_cli.db.engine import Ledger
from koban_cli.db.tables import invoice, invoice_archive
from koban_cli.errors import KobanError


def folder(ledger: Ledger) -> Path | None:
    """The archive folder beside a SQLite ledger (None on a database server: bytes are in the ledger)."""
    engine = ledger.engine if hasattr(ledger, "engine") else ledger.connection.engine  # or a view of one connection
    if engine.dialect.name != "sqlite":
        return None
    path = Path(engine.url.database)
    return path.with_name(path.name + ".archive")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_bytes(ledger: Ledger, row) -> bytes | None:
    """The archived bytes of an `invoice_archive` row as they are now (None when the file is gone)."""
    if row.data is not None:
        return row.data
    directory = folder(ledger)
    if row.file is None or directory is None:
        return None
    try:
        return (directory / row.file).read_bytes()
    except OSError:
        return None


def archived(ledger: Ledger, invoice_id: int, number: str) -> bytes | None:
    """The original of an invoice, checked against its sha256; None if it was never produced."""
    with ledger.read_core() as connection:
        row = _row(connection, invoice_id)
    if row is None:
        return None
    data = stored_bytes(ledger, row)
    if data is None or sha256(data) != row.sha256:
        where = folder(ledger) / row.file if row.file and folder(ledger) else "the ledger"
        state = "is missing" if data is None else "was altered"
        raise KobanError(
            f"the archived original of {number} ({where}) {state}; restore it from a backup (see: koban verify)"
        )
    return data


def original(ledger: Ledger, context: dict, render: Callable[[dict], bytes]) -> bytes:
    """The issued file of a validated invoice: the archived one, else rendered now and archived."""
    issued, number = context["issued"], context["doc"].number
    data = archived(ledger, issued["invoice_id"], number)
    if data is None:
        data = keep(ledger, issued["invoice_id"], number, render(context), issued["lang"])
    return data


def keep(ledger: Ledger, invoice_id: int, number: str, data: bytes, lang: str) -> bytes:
    """Archive `data` unless another process archived this invoice first; returns the archived bytes."""
    digest = sha256(data)
    directory = folder(ledger)
    name = None
    if directory is not None:
        name = f"{re.sub(r'[^A-Za-z0-9+_-]', '_', number)}-{digest[:12]}.pdf"
        partial = directory / f".{name}.partial"
        try:
            files.private_folder(directory)  # the originals hold customer data: 0700, files 0600
            files.write_private(partial, data)
            os.replace(partial, directory / name)
        except OSError as exc:
            raise KobanError(f'cannot archive {number} in "{directory}": {exc.strerror}') from None
        except KobanError as exc:
            raise KobanError(f"cannot archive {number}: {exc}") from None
    row = {
        "invoice_id": invoice_id,
        "sha256": digest,
        "lang": lang,
        "file": name,
        "data": None if directory is not None else data,
        "archived_at": dt.datetime.now(dt.timezone.utc),
    }
    try:
        with ledger.write_core() as connection:
            if _row(connection, invoice_id) is None:
                connection.execute(insert(invoice_archive).values(row))
                return data
    except IntegrityError:  # a server ledger: another client archived it between our read and our write
        pass
    first = archived(ledger, invoice_id, number)
    if first is None:
        raise KobanError(f"{number} could not be archived in {ledger.where}; try again")
    if name is not None and sha256(first) != digest:  # ours lost the race: keep only the original
        (directory / name).unlink(missing_ok=True)
    return first


def _row(db, invoice_id: int):
    return db.execute(select(invoice_archive).where(invoice_archive.c.invoice_id == invoice_id)).first()


def problems(ledger: Ledger, db) -> list[tuple[str, str]]:
    """(number, message) for every archived file missing or whose bytes no longer match their sha256;
    `db` is a session or a Core connection."""
    found = []
    query = select(invoice_archive, invoice.c.number).join(invoice, invoice.c.id == invoice_archive.c.invoice_id)
    for row in db.execute(query):
        number = row.number
        data = stored_bytes(ledger, row)
        if data is None:
            found.append((number, f"its archived original {row.file or ''} is missing".replace("  ", " ")))
        elif sha256(data) != row.sha256:
            found.append((number, "its archived original was altered (its sha256 differs from the ledger's)"))
    return found


def moved(source: Ledger, target: Ledger, row: dict) -> dict:
    """An `invoice_archive` row as `target` keeps it, for `db copy`: the bytes go into a server ledger,
    or into the archive folder beside a SQLite one (a row whose bytes are gone is left for verify to report)."""
    data = row["data"]
    if data is None and row["file"] and folder(source) is not None:
        try:
            data = (folder(source) / row["file"]).read_bytes()
        except OSError:
            return row
    directory = folder(target)
    if data is None:
        return row
    if directory is None:
        return row | {"data": data, "file": None}
    name = row["file"] or f"{row['invoice_id']}-{row['sha256'][:12]}.pdf"
    files.private_folder(directory)
    files.write_private(directory / name, data)
    return row | {"data": None, "file": name}
