"""Writing a rendered document to a file (WeasyPrint is imported only here)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from koban_cli.cli import state
from koban_cli.cli.params import LangOpt
from koban_cli.errors import KobanError


def write_pdf(context: dict, output_file: Path | None, lang: str, facturx: bool = True, echo: bool = True) -> Path:
    from koban_cli.render.pdf import render_pdf

    doc = context["doc"]
    target = output_file or Path(f"{doc.get('number') or doc.get('ref')}.pdf")
    data = render_pdf(context, lang, facturx)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise KobanError(f'cannot write "{target}": {exc.strerror}') from None
    if echo:
        typer.echo(str(target))
    return target


def write_many(contexts: list[dict], outdir: Path, lang: str, facturx: bool = True) -> int:
    """Render many documents over every CPU core, with a progress bar on a terminal."""
    import sys

    from koban_cli.render.batch import render_many

    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KobanError(f'cannot create "{outdir}": {exc.strerror}') from None
    jobs = [(context, outdir / f"{context['doc']['number']}.pdf") for context in contexts]
    if not sys.stdout.isatty():
        return render_many(jobs, lang, facturx)
    from rich.progress import Progress

    with Progress() as progress:
        task = progress.add_task("Rendering PDF", total=len(jobs))
        return render_many(jobs, lang, facturx, on_done=lambda: progress.advance(task))


def register(app: typer.Typer, noun: str, example: str, context: str, what: str) -> None:
    """Add `NOUN pdf REF [-o FILE] [--lang]` to `app`; `context` names the builder in services.documents."""

    def pdf(
        ref: Annotated[str, typer.Argument(help="The document's number.")],
        output_file: Annotated[Optional[Path], typer.Option("-o", "--output", help="Default: <number>.pdf")] = None,
        lang: LangOpt = "fr",
    ) -> None:
        from koban_cli.services import documents

        write_pdf(getattr(documents, context)(state.ledger(), ref), output_file, lang)

    pdf.__doc__ = f"""Render the {what} to PDF.

    Example: koban {noun} pdf {example} --lang en
    """
    app.command("pdf")(pdf)
