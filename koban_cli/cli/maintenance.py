"""`koban verify`, `backup`, `restore` and `info`: looking after the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from koban_cli.cli import output, state
from koban_cli.cli.output import Col
from koban_cli.cli.params import FORMAT_DEFAULT, Format, FormatOpt

Force = Annotated[bool, typer.Option("--force", help="Overwrite what is there.")]


def verify(
    anchor_file: Annotated[
        Optional[Path],
        typer.Option(
            "--anchor", metavar="FILE", help="An anchor from `koban anchor`: prove nothing before it changed."
        ),
    ] = None,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """Check the ledger's invariants (sequences, totals, orders, stock, periods, payments, hash chain, archive).

    Example: koban verify --anchor /srv/anchors/koban-2026-11-30.json
    """
    from koban_cli.services.ledger import anchor, maintenance

    given = anchor.read(anchor_file) if anchor_file else None
    findings = maintenance.verify(state.ledger(), given)
    if fmt == Format.table and not findings:
        typer.echo("The ledger is sound: every check passed.")
    else:
        output.show_rows(
            findings, [Col("check", "Check"), Col("ref", "Document"), Col("message", "Problem")], fmt, "Problems"
        )
    for finding in findings:
        typer.echo(f"Error: {finding.check}: {finding.ref}: {finding.message}", err=True)
    if findings:
        raise typer.Exit(1)


def backup(
    destination: Annotated[Path, typer.Argument(help="File to write the copy to.")], force: Force = False
) -> None:
    """Copy the ledger consistently while it is in use (SQLite online backup).

    Example: koban backup /srv/backups/koban-$(date +%F).db
    """
    from koban_cli.services.ledger import maintenance

    result = maintenance.backup(state.ledger(), destination, force)
    typer.echo(f"{result.backup} ({result.bytes} bytes)")
    typer.echo(f"{result.anchor} (the chain's head in this copy: keep it elsewhere too)")


def restore(source: Annotated[Path, typer.Argument(help="The backup to restore.")], force: Force = False) -> None:
    """Replace the ledger with a backup (refused over an existing ledger without --force).

    Example: koban restore /srv/backups/koban-2026-11-27.db --force
    """
    from koban_cli.db.engine import ledger_url
    from koban_cli.services.ledger import maintenance

    url = ledger_url(state.explicit_db())
    result = maintenance.restore(Path(url.removeprefix("sqlite:///")), source, force)
    typer.echo(f"{result.ledger} restored from {result.restored} (schema {result.schema})")


def info(
    check: Annotated[
        bool, typer.Option("--check", help="Also read the whole SQLite file for damage (PRAGMA quick_check).")
    ] = False,
    fmt: FormatOpt = FORMAT_DEFAULT,
) -> None:
    """The ledger in use, its schema version and what it holds.

    Example: koban info --check
    """
    from koban_cli.db.engine import Ledger, ledger_url
    from koban_cli.errors import SchemaTooNew
    from koban_cli.services.ledger import info as ledger_info

    try:
        ledger = state.ledger()
    except SchemaTooNew:  # still say what it is, without touching it
        ledger = Ledger(ledger_url(state.explicit_db()), migrate=False)
    output.show_record(ledger_info.info(ledger, check), fmt)


def anchor(
    output_file: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write it to FILE (0600).")] = None,
    force: Force = False,
) -> None:
    """Print the head of the invoice chain (last number, count, running totals, hash) as JSON, to keep elsewhere.

    `koban verify --anchor FILE` then proves that nothing at or before it was removed or rewritten.

    Example: koban anchor -o /srv/anchors/koban-$(date +%F).json
    """
    import json

    from koban_cli import files
    from koban_cli.services.ledger import anchor as anchors

    if output_file:
        files.refuse_existing(output_file, force)
    head = anchors.head(state.ledger())
    if output_file:
        with files.private_file(output_file):
            typer.echo(str(anchors.write(head, output_file)))
    else:
        typer.echo(json.dumps(head, indent=2, ensure_ascii=False))
