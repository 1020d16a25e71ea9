"""Writing a rendered document to a file (WeasyPrint is imported only here)."""

from __future__ import annotations

from pathlib import Path

import typer

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
