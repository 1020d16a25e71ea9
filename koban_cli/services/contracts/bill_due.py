"""`contract bill-due`: the cron job that bills every due period exactly once.

Contracts are billed a hundred per transaction; should one fail, its batch
is billed again with a savepoint per contract, so the failure is reported
and the others are billed. Inside the transaction the billed periods are
read again and every new period is inserted into contract_period, whose
unique (contract, start) makes a second billing impossible even when two
runs overlap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Callable

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from koban_cli.db import locks, transaction
from koban_cli.db.engine import Ledger
from koban_cli.db.models import Contract, ContractPeriod, Customer
from koban_cli.domain import periods as P
from koban_cli.domain.kinds import InvoiceKind, Status
from koban_cli.domain.lines import VatPolicy
from koban_cli.domain.money import Money
from koban_cli.errors import InvalidValue, KobanError
from koban_cli.services import lines as doc_lines
from koban_cli.services.contracts import periods as contract_periods
from koban_cli.services.contracts.periods import Terms, due
from koban_cli.services.invoicing.drafts import draft
from koban_cli.services.invoicing.lifecycle import validate_draft


class PeriodStatus(StrEnum):
    """A period's row: planned (a dry run), else the status of the invoice that billed it."""

    PLANNED = "planned"
    DRAFT = Status.DRAFT.value
    VALIDATED = Status.VALIDATED.value


@dataclass(frozen=True, slots=True)
class BilledPeriod:
    """A period billed (or, in a dry run, planned): its invoice, net and the invoice's status."""

    contract: str
    period_start: dt.date
    period_end: dt.date
    invoice: str | None
    net: Money
    status: PeriodStatus


@dataclass(frozen=True, slots=True)
class Run:
    """What a run billed (or would) and which contracts failed, with why."""

    periods: tuple[BilledPeriod, ...]
    failed: tuple[tuple[str, str], ...]


@dataclass
class _Running:
    """A run as its batches go; `finish` freezes it."""

    made: list[BilledPeriod] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def finish(self) -> Run:
        return Run(tuple(self.made), tuple(self.failed))


def due_contracts(ledger: Ledger, as_of: dt.date) -> list[tuple[Contract, list[P.Period]]]:
    """Every contract with periods to bill, read in three queries."""
    with ledger.read() as session:
        billed = contract_periods.billed_starts(session)
        found = []
        for contract in session.exec(select(Contract).order_by(Contract.number)):
            periods = due(contract, billed.get(contract.id, set()), as_of)
            if periods:
                found.append((contract, periods))
        return found


BATCH = 100  # contracts per transaction


def bill_due(
    ledger: Ledger,
    as_of: dt.date,
    dry_run: bool = False,
    on_contract: Callable[[], None] | None = None,
    today: dt.date | None = None,
) -> Run:
    """Bill every period due on `as_of`. A real run dates (and numbers) its invoices on `as_of`, which may
    therefore not lie after today: a future date would block every invoice dated before it."""
    today = today or dt.date.today()
    if as_of > today and not dry_run:
        raise InvalidValue(
            f"--as-of {as_of} is after today ({today}): bill-due dates its invoices on it; use --dry-run to look ahead"
        )
    run = _Running()
    due = due_contracts(ledger, as_of)
    for first in range(0, len(due), BATCH):
        batch = due[first : first + BATCH]
        if dry_run:
            _plan_batch(ledger, batch, as_of, run)
        else:
            _bill_batch(ledger, batch, as_of, run)
        if on_contract:
            for _ in batch:
                on_contract()
    return run.finish()


@dataclass
class _Batch:
    """What billing a batch reads, in a few queries under the write lock; held here, so that the
    session's identity map keeps every contract and customer for the whole batch. The lines, price changes
    and billed periods are read as the forecast reads them (contract_periods.Terms)."""

    contracts: list[Contract]
    customers: dict[int, Customer]  # by id
    terms: Terms
    policy: VatPolicy

    @classmethod
    def load(cls, session: Session, ids: list[int]) -> _Batch:
        contracts_ = list(session.exec(select(Contract).where(Contract.id.in_(ids)).order_by(Contract.number)))
        customers = session.exec(select(Customer).where(Customer.id.in_({c.customer_id for c in contracts_})))
        by_id = {customer.id: customer for customer in customers}
        return cls(contracts_, by_id, Terms.load(session, ids), doc_lines.vat_policy(session))

    def bill(self, session: Session, contract: Contract, as_of: dt.date) -> list[BilledPeriod]:
        terms, key = self.terms, contract.id
        customer = self.customers[contract.customer_id]
        billed, lines, reprices = terms.billed_of(key), terms.lines_of(key), terms.reprices_of(key)
        return _bill(session, contract, customer, billed, lines, reprices, self.policy, as_of)


def _bill_batch(ledger: Ledger, batch: list[tuple[Contract, list[P.Period]]], as_of: dt.date, run: _Running) -> None:
    """One transaction for the batch. Should a contract fail, the batch is billed again with a savepoint
    per contract: the failure is reported and every other contract is billed."""
    ids = [contract.id for contract, _ in batch]
    if not _bill_together(ledger, ids, as_of, run):
        _bill_one_by_one(ledger, ids, as_of, run)


def _bill_together(ledger: Ledger, ids: list[int], as_of: dt.date, run: _Running) -> bool:
    """Every contract in one transaction, no savepoint; False, with nothing written, if one fails."""
    try:
        with ledger.write() as session:
            loaded = _Batch.load(session, ids)
            made = [row for contract in loaded.contracts for row in loaded.bill(session, contract, as_of)]
            locks.pause("bill_due.batch")  # tests: another run bills meanwhile
    except (IntegrityError, OperationalError, KobanError):  # any conflict: billed again contract by contract
        return False
    run.made += made
    return True


def _bill_one_by_one(ledger: Ledger, ids: list[int], as_of: dt.date, run: _Running, attempts: int = 3) -> None:
    """One transaction, a savepoint per contract: a failing contract rolls back alone and is reported.

    A database conflict is not necessarily a period billed by another run (another client may have taken
    the chain index or a number meanwhile): the contract's billed periods are read again, and the contract
    is billed again, `attempts` times at most, until nothing is due; then it is reported as failed."""
    with ledger.write() as session:
        loaded = _Batch.load(session, ids)
        for contract in loaded.contracts:
            for attempt in range(1, attempts + 1):
                try:
                    with session.begin_nested():
                        made = loaded.bill(session, contract, as_of)
                        locks.pause("bill_due.contract")  # tests: another client writes before this flush
                    run.made += made
                    break
                except (IntegrityError, OperationalError) as exc:
                    _forget_rolled_back(session)
                    # Read again, after the other client's commit (PostgreSQL reads what is committed).
                    billed = contract_periods.billed_starts(session, [contract.id]).get(contract.id, set())
                    loaded.terms.billed[contract.id] = billed
                    if not due(contract, billed, as_of):
                        break  # every period was billed by another run: nothing lost, nothing doubled
                    if attempt == attempts:
                        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
                        run.failed.append((contract.number, f"not billed after {attempts} attempts ({reason})"))
                except KobanError as exc:
                    _forget_rolled_back(session)
                    run.failed.append((contract.number, str(exc)))
                    break


def _forget_rolled_back(session: Session) -> None:
    transaction.of(session).forget_rolled_back()


def _bill(
    session: Session,
    contract: Contract,
    customer: Customer,
    billed: set[dt.date],
    lines: list,
    reprices: list,
    policy: VatPolicy,
    as_of: dt.date,
) -> list[BilledPeriod]:
    _require_lines(contract, lines)
    made = []
    for period in due(contract, billed, as_of):
        invoice = draft(
            session,
            contract.customer_id,
            InvoiceKind.SUBSCRIPTION,
            as_of,
            contract_periods.period_lines(contract, lines, reprices, period, policy),
            contract_id=contract.id,
            note=f"Abonnement {contract.number}",
        )
        # Flushed with the invoice's lines, inside the contract's savepoint: a period billed twice fails there.
        session.add(ContractPeriod(contract_id=contract.id, start=period.start, end=period.end, invoice_id=invoice.id))
        if contract.auto:
            validate_draft(session, invoice, f"PROV-{invoice.id}", as_of, customer)  # the customer it holds
        made.append(
            _row(contract, period, invoice.number or f"PROV-{invoice.id}", invoice.net, PeriodStatus(invoice.status))
        )
    return made


def _require_lines(contract: Contract, lines: list) -> None:
    if not lines:
        raise KobanError(f"{contract.number} has no line to bill (koban contract add-line {contract.number} …)")


def _plan_batch(ledger: Ledger, batch: list[tuple[Contract, list[P.Period]]], as_of: dt.date, run: _Running) -> None:
    """What a real run would bill, written nowhere."""
    with ledger.read() as session:
        loaded = _Batch.load(session, [contract.id for contract, _ in batch])
        terms = loaded.terms
        for contract in loaded.contracts:
            lines, reprices = terms.lines_of(contract.id), terms.reprices_of(contract.id)
            try:
                _require_lines(contract, lines)
            except KobanError as exc:  # reported as the real run reports it
                run.failed.append((contract.number, str(exc)))
                continue
            for period in due(contract, terms.billed_of(contract.id), as_of):
                net = contract_periods.period_net(contract, lines, reprices, period)
                run.made.append(_row(contract, period, None, net, PeriodStatus.PLANNED))


def _row(contract: Contract, period: P.Period, ref: str | None, net: Decimal, status: PeriodStatus) -> BilledPeriod:
    return BilledPeriod(contract.number, period.start, period.end, ref, Money(net), status)
