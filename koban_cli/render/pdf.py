"""HTML to PDF with WeasyPrint; invoices become Factur-X PDF/A-3b with their XML embedded."""

from __future__ import annotations

from functools import lru_cache

from koban_cli.render.html import render_html


def render_pdf(context: dict, lang: str = "fr", facturx: bool = True) -> bytes:
    """WeasyPrint's work of every process (the system libraries it looks for, the C declarations cffi parses for
    it, on import and while rendering) is remembered across runs (render/libraries.py).

    Python's cycle collector waits until the PDF is written: the modules imported and the boxes laid out live
    until then, and scanning them took about a twentieth of a one-invoice print. The cycles a render leaves
    are collected once the collector runs again, after it (`invoice pdf --all` renders many in one process; its
    peak memory is unchanged).
    """
    import gc

    from koban_cli.render import libraries

    collecting = gc.isenabled()
    gc.disable()
    try:
        with libraries.remembered():
            return _render(context, lang, facturx)
    finally:
        if collecting:
            gc.enable()


def _render(context: dict, lang: str, facturx: bool) -> bytes:
    import warnings

    HTML = _weasyprint().HTML  # noqa: N806 - WeasyPrint's name

    warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
    html = render_html(context, lang)
    if not (facturx and context["kind"] == "invoice" and context["doc"].number):  # an issued invoice
        return HTML(string=html).write_pdf()
    doc = context["doc"]
    from koban_cli.render import attach
    from koban_cli.render.facturx import build_xml, type_code

    xml = build_xml(context)  # checked against the XSD there, once
    finisher = attach.facturx(xml, doc.number, type_code(doc.kind), doc.date, context["company"]["name"], lang)
    return HTML(string=html).write_pdf(pdf_variant="pdf/a-3b", finisher=finisher)


@lru_cache(maxsize=1)
def _weasyprint():
    """WeasyPrint, imported (inside `libraries.remembered()`) and the font subsetting library checked, once per
    process (render/fonts.py)."""
    import weasyprint

    from koban_cli.render.fonts import check_subsetting

    check_subsetting()
    return weasyprint
