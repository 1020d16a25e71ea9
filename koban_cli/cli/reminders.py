"""`invoice remind` (the cron job reminding overdue invoices) and `invoice apply` (a credit note settles
an invoice), registered on the invoice sub-app."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Optional

import typer

from koban_cli.cli import output, state
from koban_cli.cli.output import Col
from koban_cli.cli.params import FORMAT_DEFAULT, AsOfOpt, DateOpt, Format, FormatOpt, money
from koban_cli.domain.money import Money
from koban_cli.domain.values import parse_lang
from koban_cli.errors import InvalidValue, KobanError

COLUMNS = [
    Col("invoice", "Invoice"),
    Col("customer", "Customer"),
    Col("due_date", "Due"),
    Col("days_late", "Days late", numeric=True),
    Col("level", "Level", numeric=True),
    Col("formal_notice", "Formal notice"),
    Col("amount_due", "Due", numeric=True, total=True),
    Col("penalties", "Penalties", numeric=True, total=True),
    Col("indemnity", "Indemnity", numeric=True, total=True),
    Col("status", "Status"),
    Col("reason", "Why"),
]
SENT_COLUMNS = [Col("invoice", "Invoice"), Col("level", "Level", numeric=True), Col("to", "To"), Col("error", "Error")]
NOT_CONFIGURED = "email is not configured: set KOBAN_SMTP_HOST and KOBAN_SMTP_FROM (or [smtp] in {path})"


def remind(
    as_of: AsOfOpt = "today",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be reminded; record nothing.")] = False,
    send: Annotated[bool, typer.Option("--send", help="Email each new letter with the invoice attached.")] = False,
    unsent: Annotated[
        bool, typer.Option("--unsent", help="Only email again the reminders a --send run could not send.")
    ] = False,
    charge: Annotated[
        bool, typer.Option("--charge", help="Draft an invoice of the penalties and indemnity at the formal notice.")
    ] = False,
    outdir: Annotated[
        Optional[Path], typer.Option("--outdir", help="Write each new letter there as a PDF (to post or print).")
    ] = None,
    lang: Annotated[
        Optional[str],
        typer.Option(
            metavar="fr|en", help="Letter language (default: French, English outside French-speaking countries)."
        ),
    ] = None,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Record and send the reminders overdue invoices have reached, each level once (the cron job).

    Levels are days after the due date (company set --reminder-levels, default 7,30,45); the last one is
    a formal notice (mise en demeure). Customers marked --no-reminders or --no-email are skipped and listed.

    Example: koban invoice remind --send --as-of 2026-12-01
    """
    from koban_cli.services.payments import reminders

    if lang is not None:
        lang = parse_lang(lang)
    if unsent:
        if dry_run or charge or outdir:
            raise InvalidValue(
                "--unsent only sends again what was recorded: give it without --dry-run, --charge, --outdir"
            )
        if not _send(reminders.unsent(state.ledger()), fmt):
            raise typer.Exit(1)
        return
    run = reminders.remind(state.ledger(), as_of, dry_run, by_email=send, lang=lang, charge=charge)
    rows = list(run.reminders)
    sent = True
    if not dry_run and outdir is not None:
        _write_letters(run.recorded, outdir, fmt)
    if send and not dry_run:
        sent, results = _send_quietly(run.recorded)
        rows = [_delivered(row, results.get((row.invoice, row.level))) for row in rows]
    title = "Would remind (dry run)" if dry_run else "Reminders"
    output.show_rows(rows, COLUMNS, fmt, title, empty="Nothing to remind.")
    for row in rows:
        if row.status == reminders.ReminderStatus.NOT_SENT:
            typer.echo(f"Error: {row.invoice}: {row.reason} (retry with: koban invoice remind --unsent)", err=True)
    if not sent:
        raise typer.Exit(1)


def _delivered(row, result):
    """The row of a reminder this run emailed: sent, or not sent and why."""
    from koban_cli.services.payments.reminders import ReminderStatus

    if result is None:
        return row
    status = ReminderStatus.NOT_SENT if result.error else ReminderStatus.SENT
    return dataclasses.replace(row, status=status, reason=result.error)


def _send_quietly(reminder_ids: list[int]) -> tuple[bool, dict]:
    """Send the letters of this run; (all went out, {(invoice, level): result})."""
    from koban_cli import mail

    if not reminder_ids:
        return True, {}
    config = mail.settings()
    if config is None:
        typer.echo(
            f"Error: {NOT_CONFIGURED.format(path=mail.config_path())}; {len(reminder_ids)} reminder(s) recorded "
            "and not sent (send them with: koban invoice remind --unsent)",
            err=True,
        )
        return False, {}
    results = _deliver(reminder_ids, config)
    return not any(r.error for r in results), {(r.invoice, r.level): r for r in results}


def _deliver(reminder_ids: list[int], config) -> list:
    from koban_cli.render.pdf import render_pdf
    from koban_cli.services.payments import reminder_letters

    return reminder_letters.deliver(state.ledger(), reminder_ids, config, render_pdf)


def _send(reminder_ids: list[int], fmt: Format) -> bool:
    """`--unsent`: send, print one row per reminder, errors on stderr; whether all went out."""
    from koban_cli import mail

    config = mail.settings()
    if config is None:
        if not reminder_ids:
            output.show_rows([], SENT_COLUMNS, fmt, "Sent", empty="Nothing to send.")
            return True
        raise KobanError(NOT_CONFIGURED.format(path=mail.config_path()))
    results = _deliver(reminder_ids, config)
    output.show_rows(results, SENT_COLUMNS, fmt, "Sent", empty="Nothing to send.")
    for row in results:
        if row.error:
            typer.echo(f"Error: {row.invoice}: {row.error} (retry with: koban invoice remind --unsent)", err=True)
    return not any(row.error for row in results)


def _write_letters(reminder_ids: list[int], outdir: Path, fmt: Format) -> None:
    from koban_cli.render.pdf import render_pdf
    from koban_cli.services.payments import reminder_letters

    for reminder_id in reminder_ids:
        context = reminder_letters.context(state.ledger(), reminder_id)
        target = outdir / reminder_letters.file_name(context)
        data = render_pdf(context, context["lang_of_letter"], False)
        try:
            outdir.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError as exc:  # the reminders stay recorded: `--unsent` or a reprint can follow
            raise KobanError(f'cannot write "{target}": {exc.strerror}') from None
        if fmt == Format.table:
            typer.echo(str(target))


def apply(
    credit_note: Annotated[str, typer.Argument(help="The validated credit note, e.g. AV-2026-0001.")],
    invoice: Annotated[str, typer.Argument(help="The open invoice it settles, e.g. FA-2026-0003.")],
    amount: Annotated[
        Optional[Money],
        typer.Option(
            parser=money("--amount", allow_zero=False), metavar="AMOUNT", help="Default: all that can be applied."
        ),
    ] = None,
    date: DateOpt = "today",
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Apply a validated credit note to an open invoice of the same customer (a payment of method credit).

    Example: koban invoice apply AV-2026-0001 FA-2026-0003
    """
    from koban_cli.services.payments import applying

    result = applying.apply(state.ledger(), credit_note, invoice, date, amount)
    message = (
        f"{result.credit_note} applied to {result.invoice}: {result.amount} "
        f"({result.invoice} {result.invoice_payment_status}, {result.credit_note_left} left on {result.credit_note})"
    )
    output.created(result, fmt, message)


def register(app: typer.Typer) -> None:
    app.command("remind")(remind)
    app.command("apply")(apply)
