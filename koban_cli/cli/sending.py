"""Emailing invoices from `invoice send` and `contract bill-due --send`."""

from __future__ import annotations

import typer

from koban_cli.cli import output, state
from koban_cli.cli.output import Col
from koban_cli.cli.params import Format
from koban_cli.errors import KobanError

COLUMNS = [Col("invoice", "Invoice"), Col("to", "To"), Col("error", "Error")]


def send_invoices(refs: list[str], fmt: Format | None, required: bool = True) -> bool:
    """Send, print one row per invoice (unless `fmt` is None), and say whether all went out."""
    from koban_cli import mail
    from koban_cli.render.pdf import render_pdf
    from koban_cli.services import sending

    if required:
        sending.check_sendable(state.ledger(), refs)
    else:
        refs = sending.emailable(state.ledger(), refs)
    config = mail.settings()
    if config is None:
        unset = f"email is not configured: set KOBAN_SMTP_HOST and KOBAN_SMTP_FROM (or [smtp] in {mail.config_path()})"
        if required:
            raise KobanError(unset)
        if refs:  # bill-due --send: the invoices stay validated and unsent, for `invoice send --unsent`
            typer.echo(f"Error: {unset}; {len(refs)} invoice(s) validated and not sent", err=True)
            return False
        return True
    results = sending.deliver(state.ledger(), refs, config, render_pdf)
    if fmt is not None:
        output.show_rows(results, COLUMNS, fmt, "Sent", empty="Nothing to send.")
    for row in results:
        if row.error:
            typer.echo(f"Error: {row.invoice}: {row.error} (retry with: koban invoice send --unsent)", err=True)
    return not any(row.error for row in results)
