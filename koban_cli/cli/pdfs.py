"""Writing a rendered document to a file (WeasyPrint is imported only here)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from koban_cli import files
from koban_cli.cli import state
from koban_cli.cli.params import LangOpt

ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists.")]


def write_pdf(
    context: dict,
    output_file: Path | None,
    lang: str,
    facturx: bool = True,
    echo: bool = True,
    overwrite: bool = True,
) -> Path:
    """Render and write one document; with `overwrite=False` (no --force) an existing file is refused first."""
    from koban_cli.render.html import reference
    from koban_cli.render.pdf import render_pdf

    target = output_file or Path(f"{reference(context['doc'])}.pdf")
    files.refuse_existing(target, overwrite)  # before rendering or archiving anything
    if is_original(context, lang, facturx):
        from koban_cli.services.ledger import archive

        data = archive.original(_ledger_of(context), context, lambda c: render_pdf(c, lang, True))
    else:
        data = render_pdf(context, lang, facturx)
    files.write(target, data, force=overwrite)
    if echo:
        typer.echo(str(target))
    return target


def is_original(context: dict, lang: str, facturx: bool) -> bool:
    """The issued Factur-X file of a validated invoice (archived); other languages or plain PDFs are copies."""
    issued = context.get("issued")
    return bool(facturx and issued and issued["lang"] == lang)


def write_many(contexts: list[dict], outdir: Path, lang: str, facturx: bool = True) -> int:
    """Render many documents over every CPU core, with a progress bar on a terminal.

    Originals already archived are copied; the others are rendered, then archived.
    """
    import sys

    from koban_cli.render.batch import render_many
    from koban_cli.services.ledger import archive

    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise files.cannot_write(outdir, exc) from None
    jobs, to_archive, copied = [], [], 0
    for context in contexts:
        number = context["doc"].number  # many documents: validated invoices
        target = outdir / f"{_file_name(number)}.pdf"
        original = is_original(context, lang, facturx)
        data = archive.archived(_ledger_of(context), context["issued"]["invoice_id"], number) if original else None
        if data is not None:
            _write(target, data)
            copied += 1
            continue
        jobs.append((context, target))
        if original:
            to_archive.append((context, target))
    if not sys.stdout.isatty():
        written = render_many(jobs, lang, facturx)
    else:
        from rich.progress import Progress

        with Progress() as progress:
            task = progress.add_task("Rendering PDF", total=len(jobs))
            written = render_many(jobs, lang, facturx, on_done=lambda: progress.advance(task))
    for context, target in to_archive:
        issued, number = context["issued"], context["doc"].number
        kept = archive.keep(_ledger_of(context), issued["invoice_id"], number, target.read_bytes(), issued["lang"])
        if kept != target.read_bytes():  # another process archived it first: its bytes are the original
            _write(target, kept)
    return written + copied


def _ledger_of(context: dict):
    """The ledger the invoice was read from (the demo fills one of its own), where its original is archived."""
    return state.ledger(context["issued"]["ledger"])


def _file_name(number: str) -> str:
    return number.replace("/", "_")


def _write(target: Path, data: bytes) -> None:
    files.write(target, data, force=True)  # --all refreshes its folder: the originals are the same bytes


def register(app: typer.Typer, noun: str, example: str, context: str, what: str) -> None:
    """Add `NOUN pdf REF [-o FILE] [--lang]` to `app`; `context` names the builder in services.documents."""

    def pdf(
        ref: Annotated[str, typer.Argument(help="The document's number.")],
        output_file: Annotated[Optional[Path], typer.Option("-o", "--output", help="Default: <number>.pdf")] = None,
        lang: LangOpt = "fr",
        force: ForceOpt = False,
    ) -> None:
        from koban_cli.services import documents

        write_pdf(getattr(documents, context)(state.ledger(), ref), output_file, lang, overwrite=force)

    pdf.__doc__ = f"""Render the {what} to PDF.

    Example: koban {noun} pdf {example} --lang en
    """
    app.command("pdf")(pdf)
