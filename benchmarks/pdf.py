"""PDF speed: one invoice on one core, and `invoice pdf --all` over every core.

    python benchmarks/pdf.py [--invoices 200]

Builds a throwaway ledger through the services, then prints a table. Not a
test: the figures depend on the machine; compare the ratios: one invoice
against a bare WeasyPrint PDF/A render of a one-page table in the same
process (the first print, a whole process, is in benchmarks/run.py), and the
cores' speed-up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from decimal import Decimal as D
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from koban_cli.db.engine import Ledger, ledger_url  # noqa: E402
from koban_cli.domain.money import Money  # noqa: E402
from koban_cli.render.batch import render_many  # noqa: E402
from koban_cli.render.pdf import render_pdf  # noqa: E402
from koban_cli.services import documents, parties, products  # noqa: E402
from koban_cli.services.invoicing import drafts as invoicing
from koban_cli.services.invoicing import editing
from koban_cli.services.invoicing import lifecycle as invoices
from koban_cli.services.lines import LineInput  # noqa: E402


def build(ledger: Ledger, count: int) -> None:
    parties.set_company(
        ledger, name="Bench SARL", siren="123456782", vat_number="FR11123456782", iban="FR7630006000011234567890189"
    )
    parties.add_customer(ledger, "C1", name="Client Un", siren="552100554")
    products.add_product(ledger, "P1", "Prestation", Money(D("120.00")), D(20), "service")
    day = dt.date(2026, 1, 1)
    for _ in range(count):
        ref = invoicing.create(ledger, "C1", day).ref
        for qty in (1, 2, 3):
            editing.add_line(ledger, ref, LineInput(product="P1", qty=D(qty)))
        invoices.validate(ledger, ref, day)


BARE_ROWS = "".join(f"<tr><td>Ligne {n}</td><td>1</td><td>100,00 €</td></tr>" for n in range(10))


def bare_render() -> None:
    """The baseline: WeasyPrint alone rendering a one-page table as PDF/A (benchmarks/run.py's, in process)."""
    import weasyprint

    weasyprint.HTML(string=f"<h1>Facture</h1><table>{BARE_ROWS}</table>").write_pdf(pdf_variant="pdf/a-3b")


def best_of(count: int, work) -> float:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger(ledger_url(str(Path(tmp) / "bench.db")))
        build(ledger, args.invoices)
        contexts = documents.invoice_contexts(ledger, None, None)
        render_pdf(contexts[0])  # warm up fonts and imports
        bare_render()
        sample = contexts[:10]
        one = best_of(3, lambda: [render_pdf(context) for context in sample]) / len(sample)
        bare = best_of(3, lambda: [bare_render() for _ in sample]) / len(sample)
        timings = {}
        for workers in sorted({1, os.cpu_count() or 1}):
            out = Path(tmp) / f"out{workers}"
            out.mkdir()
            start = time.perf_counter()
            render_many([(c, out / f"{c['doc'].number}.pdf") for c in contexts], "fr", workers=workers)
            timings[workers] = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("| figure | value |\n| --- | --- |")
    print(f"| one Factur-X invoice, one core | {one * 1000:.0f} ms, {one / bare:.2f}x a bare WeasyPrint PDF/A render |")
    print(f"| a bare WeasyPrint PDF/A render of a one-page table (baseline) | {bare * 1000:.0f} ms |")
    for workers, seconds in timings.items():
        print(
            f"| invoice pdf --all, {len(contexts)} invoices, {workers} worker(s) | {seconds:.1f} s "
            f"({len(contexts) / seconds:.0f}/s) |"
        )
    if len(timings) > 1:
        print(f"| speed-up over {max(timings)} cores | {timings[1] / timings[max(timings)]:.2f}x |")
    print(f"| peak memory (main process) | {peak:.0f} MB |")


if __name__ == "__main__":
    main()
