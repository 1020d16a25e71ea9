"""Looking after the ledger: verify its invariants, back it up, restore it, describe it."""

from __future__ import annotations

import os
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from koban_cli import files
from koban_cli.db.engine import Ledger
from koban_cli.db.integrity_sql import stored_content
from koban_cli.db.models import (
    Contract,
    ContractPeriod,
    Delivery,
    DeliveryLine,
    Invoice,
    InvoiceLine,
    NumberSequence,
    OrderLine,
    Payment,
    Product,
    SalesOrder,
    StockMove,
)
from koban_cli.domain.amounts import totals
from koban_cli.domain.integrity import SEALED, link
from koban_cli.domain.kinds import InvoiceKind, LineKind, Status, StockMoveKind
from koban_cli.domain.numbering import GLOBAL, format_number
from koban_cli.domain.values import ZERO, number_str
from koban_cli.errors import KobanError
from koban_cli.services import billed, lookup
from koban_cli.services.ledger import anchor as anchors
from koban_cli.services.ledger import archive, seal
from koban_cli.services.numbering import prefix_for
from koban_cli.services.operations import stock


@dataclass(frozen=True, slots=True)
class Finding:
    """One broken invariant: which check, the document (or sequence) it is about, what is wrong."""

    check: str
    ref: str | None
    message: str


@dataclass(frozen=True, slots=True)
class BackupMade:
    """A backup taken: its file and size, the anchor of its chain beside it, the archived files it took."""

    backup: Path
    bytes: int
    anchor: Path
    archive: Path | None


@dataclass(frozen=True, slots=True)
class Restored:
    """A ledger put back from a backup, and the schema revision it holds."""

    restored: Path
    ledger: Path
    schema: str


def verify(ledger: Ledger, anchor: dict | None = None) -> list[Finding]:
    """Every broken invariant, as data; an empty list means the ledger is sound.

    With an anchor (see services/ledger/anchor.py), also that nothing at or before it was removed or rewritten.
    """
    anchored = [Finding("anchor", ref, message) for ref, message in anchors.problems(ledger, anchor)] if anchor else []
    with ledger.read() as session:
        return anchored + (
            _sequences(session)
            + _frozen_totals(session)
            + _orders(session)
            + _stock(session)
            + _reserved(session)
            + _periods(session)
            + _chain(session)
            + _archive(ledger, session)
            + _payments(session)
            + _deliveries(session)
        )


def _sequences(session: Session) -> list[Finding]:
    """Invoice and credit-note numbers: each one its sequence's, continuous, following dates, the counter at the last.

    Each sequence knows the pattern and prefix it was started with, so a
    pattern changed from a new year does not make older numbers look wrong.
    """
    company = lookup.company(session)
    sequences: dict[tuple[str, int], NumberSequence] = {
        (row.kind, row.year): row
        for row in session.exec(select(NumberSequence).where(NumberSequence.kind.in_(("invoice", "credit_note"))))
    }
    expected: dict[str, tuple[tuple[str, int], int]] = {}  # number -> (sequence, n)
    for key, row in sequences.items():
        pattern, prefix = row.pattern or company.number_pattern, row.prefix or prefix_for(session, row.kind)
        if row.year == GLOBAL and "{year" in pattern:
            continue  # refused since 0007: no way to enumerate its numbers
        for n in range(1, row.last + 1):
            expected[format_number(pattern, prefix, row.year, n)] = (key, n)
    docs = session.exec(
        select(Invoice.kind, Invoice.number, Invoice.date)
        .where(Invoice.status == Status.VALIDATED)
        .order_by(Invoice.id)
    ).all()
    found, issued = [], defaultdict(list)
    for kind, number, date in docs:
        place = expected.get(number)
        sequence_kind = "credit_note" if kind == InvoiceKind.CREDIT_NOTE else "invoice"
        if place is None or place[0][0] != sequence_kind:
            found.append(Finding("sequence", number, "is not a number its sequence has given"))
            continue
        issued[place[0]].append((place[1], number, date))
    for key, row in sequences.items():
        numbered = sorted(issued.get(key, []))
        label = f"{key[0]} {key[1] or 'all years'}"
        taken = {n for n, _, _ in numbered}
        last = numbered[-1][0] if numbered else 0
        missing = [number for number, (place, n) in expected.items() if place == key and n < last and n not in taken]
        if missing:
            found.append(Finding("sequence", label, f"numbers are not continuous (missing {', '.join(missing[:5])})"))
        if row.last != last:
            last_number = numbered[-1][1] if numbered else "none"
            found.append(
                Finding(
                    "sequence counter",
                    label,
                    f"the counter says {row.last} numbers were given but the last one issued is {last_number}",
                )
            )
        for (_, number, date), (_, _, later) in pairwise(numbered):
            if later < date:
                found.append(Finding("chronology", number, f"{number} is dated {date}, after the next number"))
    return found


def _frozen_totals(session: Session) -> list[Finding]:
    lines: dict[int, list] = defaultdict(list)
    for invoice_id, kind, rate, net in session.exec(
        select(InvoiceLine.invoice_id, InvoiceLine.kind, InvoiceLine.vat_rate, InvoiceLine.net)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.status == Status.VALIDATED)
    ):
        if kind != LineKind.TEXT:
            lines[invoice_id].append((rate, net))
    found = []
    for invoice in session.exec(select(Invoice).where(Invoice.status == Status.VALIDATED)):
        result = totals(lines[invoice.id])
        if (result.net, result.tax, result.gross) != (invoice.net, invoice.tax, invoice.gross):
            found.append(
                Finding(
                    "totals",
                    invoice.number,
                    f"stored totals {invoice.net}/{invoice.tax}/"
                    f"{invoice.gross} differ from its lines {result.net}/{result.tax}/{result.gross}",
                )
            )
    return found


def _orders(session: Session) -> list[Finding]:
    done = billed.invoiced_by_order(session)
    return [
        Finding("invoiced", number, f"invoiced {done[order_id]:.2f} is above the net {net:.2f}")
        for order_id, number, net in session.exec(select(SalesOrder.id, SalesOrder.number, SalesOrder.net))
        if done.get(order_id, 0) > net
    ]


def _stock(session: Session) -> list[Finding]:
    """Each line of a validated delivery moved stock once (if tracked); a cancelled one came back."""
    moves: dict[tuple[int, str], object] = {
        (line_id, kind): qty
        for line_id, kind, qty in session.exec(
            select(StockMove.delivery_line_id, StockMove.kind, func.sum(StockMove.qty))
            .where(StockMove.delivery_line_id.is_not(None))
            .group_by(StockMove.delivery_line_id, StockMove.kind)
        )
    }
    found = []
    for line, number, status, tracked in session.exec(
        select(DeliveryLine, Delivery.number, Delivery.status, Product.stock_tracked)
        .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
        .join(Product, Product.id == DeliveryLine.product_id)
        .where(Delivery.status.in_((Status.VALIDATED, Status.CANCELLED)))
    ):
        if tracked and moves.get((line.id, StockMoveKind.DELIVERY)) != -line.qty:
            found.append(Finding("stock", number, f"line {line.position} did not take {line.qty} out of stock once"))
        if tracked and status == Status.CANCELLED and moves.get((line.id, "return")) != line.qty:
            found.append(Finding("stock", number, f"line {line.position} was cancelled but not returned to stock"))
    return found


def _reserved(session: Session) -> list[Finding]:
    """Each product stores what its orders reserve (stock.rebook keeps it): the rule's value, tracked or not."""
    wanted = stock.reserved(session)
    return [
        Finding(
            "reserved",
            ref,
            f"stores {number_str(stored)} reserved; its validated orders reserve {number_str(wanted.get(id_, ZERO))}",
        )
        for id_, ref, stored in session.exec(select(Product.id, Product.ref, Product.reserved).order_by(Product.ref))
        if stored != wanted.get(id_, ZERO)
    ]


def _periods(session: Session) -> list[Finding]:
    rows = session.exec(
        select(Contract.number, ContractPeriod.start, func.count())
        .join(Contract, Contract.id == ContractPeriod.contract_id)
        .group_by(Contract.number, ContractPeriod.start)
        .having(func.count() > 1)
    ).all()
    return [
        Finding("periods", number, f"the period starting {start} is billed {count} times")
        for number, start, count in rows
    ]


def _chain(session: Session) -> list[Finding]:
    """Recompute every link as it was made (its chain_version); sealed links need the seal key."""
    key = seal.key()
    previous, found, sealed_from, unchecked = None, [], None, None
    connection = session.connection()
    rows = session.exec(
        select(Invoice.id, Invoice.number, Invoice.chain_index, Invoice.chain_hash, Invoice.chain_version)
        .where(Invoice.status == Status.VALIDATED)
        .order_by(Invoice.chain_index)
    ).all()
    for position, (invoice_id, number, index, stored, version) in enumerate(rows, start=1):
        sealed = version == SEALED
        if sealed_from and not sealed:
            found.append(Finding("seal", number, f"is not sealed although {sealed_from} before it is"))
        sealed_from = sealed_from or (number if sealed else None)
        if sealed and key is None:
            unchecked = unchecked or number
            expected = stored
        else:
            expected = link(previous, stored_content(connection, invoice_id), key if sealed else None)
        if index != position or stored != expected:
            found.append(
                Finding("hash chain", number, "its content or its place in the chain was changed outside koban")
            )
        previous = stored
    if unchecked:
        found.append(
            Finding(
                "seal", unchecked, "the chain is sealed from here on: set KOBAN_SEAL_KEY (or the key file) to check it"
            )
        )
    return found


def _payments(session: Session) -> list[Finding]:
    """Payments belong to validated invoices, never before their date, never above their gross."""
    found, paid = [], defaultdict(lambda: ZERO)
    for payment, number, status, date, gross in session.exec(
        select(Payment, Invoice.number, Invoice.status, Invoice.date, Invoice.gross)
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .order_by(Payment.id)
    ):
        ref = number or f"PROV-{payment.invoice_id}"
        if status != Status.VALIDATED:
            found.append(Finding("payments", ref, f"a payment of {payment.amount:.2f} is recorded on a draft"))
        if payment.date < date:
            found.append(
                Finding("payments", ref, f"a payment is dated {payment.date}, before the invoice's date {date}")
            )
        paid[(ref, gross)] += payment.amount
    found += [
        Finding("payments", ref, f"payments of {total:.2f} exceed its gross {gross:.2f}")
        for (ref, gross), total in paid.items()
        if total > gross
    ]
    return found


def _deliveries(session: Session) -> list[Finding]:
    """No order line is delivered above its ordered quantity (validated delivery notes)."""
    rows = session.exec(
        select(SalesOrder.number, OrderLine.position, OrderLine.qty, func.sum(DeliveryLine.qty))
        .join(DeliveryLine, DeliveryLine.order_line_id == OrderLine.id)
        .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
        .join(SalesOrder, SalesOrder.id == OrderLine.order_id)
        .where(Delivery.status == Status.VALIDATED)
        .group_by(SalesOrder.number, OrderLine.id, OrderLine.position, OrderLine.qty)
    ).all()
    return [
        Finding(
            "delivered",
            number,
            f"line {position} is delivered {number_str(delivered)} of {number_str(ordered)} ordered",
        )
        for number, position, ordered, delivered in rows
        if delivered > ordered
    ]


def _archive(ledger: Ledger, session: Session) -> list[Finding]:
    return [Finding("archive", number, message) for number, message in archive.problems(ledger, session)]


def _path(ledger: Ledger) -> Path:
    if not ledger.is_sqlite:
        raise KobanError(
            "backup and restore copy SQLite files; use your database server's tools for "
            f"{ledger.engine.url.render_as_string(hide_password=True)}"
        )
    return Path(ledger.engine.url.database)


def backup(ledger: Ledger, destination: Path, force: bool = False) -> BackupMade:
    """A consistent copy taken with SQLite's online backup API, even while others write."""
    if destination.exists() and not force:
        raise KobanError(f'"{destination}" exists; use --force to overwrite it')
    _private_sqlite(destination)
    _copy_sqlite(_path(ledger), destination, "the backup")
    return BackupMade(
        backup=destination,
        bytes=destination.stat().st_size,
        anchor=_anchor_copy(destination),
        archive=_archive_copy(ledger, destination),
    )


def _anchor_copy(destination: Path) -> Path:
    """The anchor of the copy, beside it: the chain's head as the backup holds it."""
    copy = Ledger(f"sqlite:///{destination.resolve()}")
    target = destination.with_name(destination.name + ".anchor.json")
    try:
        with files.private_file(target):
            return anchors.write(anchors.head(copy), target)
    finally:
        copy.close()


def _private_sqlite(path: Path) -> None:
    """A backup or restored ledger is 0600 like the ledger itself, even when it replaces an older file."""
    files.create_private_sqlite(path)
    try:
        os.chmod(path, files.PRIVATE)
    except OSError as exc:
        raise files.cannot_write(path, exc) from None


def _copy_sqlite(source, destination: Path, what: str) -> None:
    """Copy a SQLite database page by page (the online backup API: consistent while others write)."""
    source_db = sqlite3.connect(source, timeout=30)
    try:
        target = sqlite3.connect(destination)
        with target:
            source_db.backup(target)
        target.close()
    except sqlite3.Error as exc:
        raise KobanError(_cannot_copy(what, destination, exc)) from None
    finally:
        source_db.close()


def _cannot_copy(what: str, path: Path, exc: sqlite3.Error) -> str:
    if "full" in str(exc):
        return f'the disk is full: cannot write {what} "{path}"; free some space and try again'
    if "readonly" in str(exc):
        return f'{what} "{path}" cannot be written: its file or folder is read-only'
    return f'cannot write {what} "{path}": {exc}'


def _archive_copy(ledger: Ledger, destination: Path) -> Path | None:
    """The archived invoice files go with the copy (`<copy>.archive/`)."""
    source = archive.folder(ledger)
    if source is None or not source.is_dir():
        return None
    target = destination.with_name(destination.name + ".archive")
    files.copy_private(source, target)
    return target


def restore(ledger_file: Path, source: Path, force: bool = False) -> Restored:
    """Put a backup back in place of the ledger (refused over an existing ledger without --force)."""
    if not source.is_file():
        raise KobanError(f'backup "{source}" does not exist')
    try:
        check = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        version = check.execute("SELECT version_num FROM alembic_version").fetchone()
        check.close()
    except sqlite3.Error:
        raise KobanError(f'"{source}" is not a koban ledger') from None
    if not ok or version is None:
        raise KobanError(f'"{source}" is damaged or not a koban ledger')
    if ledger_file.exists() and not force:
        raise KobanError(f'ledger "{ledger_file}" exists; use --force to replace it with "{source}"')
    _private_sqlite(ledger_file)
    _copy_sqlite(source, ledger_file, "the ledger")
    archived = source.with_name(source.name + ".archive")
    if archived.is_dir():  # the archived invoice files the backup took with it
        files.copy_private(archived, ledger_file.with_name(ledger_file.name + ".archive"))
    return Restored(restored=source, ledger=ledger_file, schema=version[0])
