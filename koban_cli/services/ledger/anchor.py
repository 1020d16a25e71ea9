"""Anchoring the hash chain outside the ledger.

`koban anchor` prints the head of the chain (last number, count, running
totals, hash). Kept elsewhere (printed, mailed to the accountant, in a
backup), it lets `koban verify --anchor FILE` prove that no invoice at or
before the head was removed or rewritten since: each link's hash covers every
link before it, so the stored head must still be the anchored one.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from sqlmodel import select

from koban_cli.db.engine import Ledger
from koban_cli.db.models import Invoice
from koban_cli.domain.integrity import SEALED
from koban_cli.domain.kinds import InvoiceKind, Status
from koban_cli.domain.values import ZERO, money_str
from koban_cli.errors import KobanError

FORMAT = "koban-anchor/1"


def _links(session) -> list:
    return session.exec(
        select(
            Invoice.number,
            Invoice.kind,
            Invoice.chain_index,
            Invoice.chain_hash,
            Invoice.chain_version,
            Invoice.net,
            Invoice.tax,
            Invoice.gross,
        )  # fmt: skip
        .where(Invoice.status == Status.VALIDATED)
        .order_by(Invoice.chain_index)
    ).all()


def _totals(links: list) -> dict:
    """Running totals of the chain: invoices and credit notes apart, as stored."""
    sums = {kind: [ZERO, ZERO, ZERO] for kind in ("invoiced", "credited")}
    for _, kind, _, _, _, net, tax, gross in links:
        target = sums["credited" if kind == InvoiceKind.CREDIT_NOTE else "invoiced"]
        for i, value in enumerate((net, tax, gross)):
            target[i] += value
    return {kind: dict(zip(("net", "tax", "gross"), map(money_str, values))) for kind, values in sums.items()}


def head(ledger: Ledger) -> dict:
    with ledger.read() as session:
        links = _links(session)
    last = links[-1] if links else None
    return {
        "format": FORMAT,
        "ledger": ledger.where,
        "anchored_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "count": len(links),
        "last_number": last[0] if last else None,
        "hash": last[3] if last else None,
        "sealed": bool(last and last[4] == SEALED),
        **_totals(links),
    }


def read(path: Path) -> dict:
    try:
        anchor = json.loads(path.read_text())
    except OSError as exc:
        raise KobanError(f'cannot read the anchor "{path}": {exc.strerror}') from None
    except ValueError:
        anchor = None
    if not isinstance(anchor, dict) or anchor.get("format") != FORMAT:
        raise KobanError(f'"{path}" is not a koban anchor (make one with: koban anchor -o FILE)')
    return anchor


def write(anchor: dict, path: Path) -> Path:
    try:
        path.write_text(json.dumps(anchor, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise KobanError(f'cannot write the anchor "{path}": {exc.strerror}') from None
    return path


def problems(ledger: Ledger, anchor: dict) -> list[tuple[str | None, str]]:
    """(document, message) for each way the ledger no longer holds what the anchor saw."""
    count, number = anchor["count"], anchor["last_number"]
    with ledger.read() as session:
        links = _links(session)
    if count == 0:
        return []
    if len(links) < count:
        return [(number, f"the chain has {len(links)} invoices, the anchor {count}: invoices were removed")]
    kept = links[:count]
    found = []
    at_head = kept[-1]
    if (at_head[0], at_head[2], at_head[3]) != (number, count, anchor["hash"]):
        found.append((number, f"the chain at {count} is no longer the anchored one: invoices were rewritten"))
    if anchor.get("sealed") and at_head[4] != SEALED:
        found.append((number, "the anchored head was sealed and no longer is"))
    totals = _totals(kept)
    for kind in ("invoiced", "credited"):
        if {k: Decimal(v) for k, v in anchor[kind].items()} != {k: Decimal(v) for k, v in totals[kind].items()}:
            found.append((number, f"the {kind} totals up to the anchor differ from the anchor's"))
    return found
