"""HTML to PDF with WeasyPrint; invoices become Factur-X PDF/A-3b with their XML embedded."""

from __future__ import annotations

from koban_cli.render.html import render_html


def render_pdf(context: dict, lang: str = "fr", facturx: bool = True) -> bytes:
    import warnings

    from weasyprint import HTML

    from koban_cli.render.fonts import check_subsetting

    check_subsetting()
    warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
    html = render_html(context, lang)
    embed = facturx and context["kind"] == "invoice" and context["doc"].get("number")
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/a-3b" if embed else None)
    if not embed:
        return pdf
    from facturx import generate_from_binary

    from koban_cli.render.facturx import build_xml

    return generate_from_binary(pdf, build_xml(context), flavor="factur-x", level="en16931", check_xsd=True, lang=lang)
