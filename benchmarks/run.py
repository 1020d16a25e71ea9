"""koban at scale: builds a synthetic ledger through koban's own import and times what users run.

    python benchmarks/run.py            # 1,000 customers, 500 products, 50,000 orders of 5 lines, 2,000 contracts
    python benchmarks/run.py --scale 0.01   # the same, a hundred times smaller (what CI runs)

Every command runs as a separate `koban` process, as in cron or a script, and
its peak memory is read with wait4(). Figures are given as ratios where the
machine's speed cancels out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from koban_cli.render.batch import usable_cores  # noqa: E402

KOBAN = [sys.executable, "-m", "koban_cli"]
ENV = os.environ | {"PYTHONPATH": str(ROOT)}


def run(args: list[str], check: bool = True) -> tuple[float, float, str]:
    """Seconds, peak memory in MB (wait4 of this very process), and stdout of one process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, env=ENV, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if check and process.returncode:
            raise SystemExit(f"{' '.join(args[2:])} failed: {err.read().decode()[-500:]}")
        return seconds, usage.ru_maxrss / 1024, out.read().decode()


def koban(db: Path, *args: str) -> tuple[float, float, str]:
    return run([*KOBAN, "--db", str(db), *args])


def best(times: int, args: list[str]) -> float:
    return min(run(args)[0] for _ in range(times))


def write_csvs(
    folder: Path, customers: int, products: int, orders: int, contracts: int, early: int = 0
) -> dict[str, Path]:
    """The files to import; the first `early` contracts start a month before the others."""
    rng = random.Random(7)
    files = {name: folder / f"{name}.csv" for name in ("customers", "products", "orders", "contracts")}
    files["customers"].write_text("code,name,city\n" + "".join(f"C{n:05d},Client {n},Lyon\n" for n in range(customers)))
    kinds = ["goods", "service"]
    files["products"].write_text(
        "ref,name,price,vat,kind\n"
        + "".join(
            f"P{n:04d},Produit {n},{rng.randint(100, 99999) / 100:.2f},{rng.choice(['20', '10', '5.5'])},"
            f"{kinds[n % 2]}\n"
            for n in range(products)
        )
        + "SUB,Abonnement,49.00,20,subscription\n"
    )
    with files["orders"].open("w") as out:
        out.write("order_key,customer,product,qty,discount,date\n")
        for n in range(orders):
            customer, day = (
                f"C{rng.randrange(customers):05d}",
                f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            )
            for _ in range(5):
                out.write(
                    f"K{n},{customer},P{rng.randrange(products):04d},{rng.randint(1, 20)},"
                    f"{rng.choice(['0', '5', '10'])},{day}\n"
                )
    files["contracts"].write_text(
        "customer,product,start,months,mode\n"
        + "".join(
            f"C{rng.randrange(customers):05d},SUB,{'2025-12-01' if k < early else '2026-01-01'},12,auto\n"
            for k in range(contracts)
        )
    )
    return files


def raw_remaining(db: Path) -> float:
    """The remaining-to-invoice aggregate in plain sqlite3, as a floor to compare with."""
    start = time.perf_counter()
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT o.number, c.code, o.status, o.net, COALESCE(i.amount, 0) FROM sales_order o "
        "JOIN customer c ON c.id = o.customer_id LEFT JOIN (SELECT order_id, SUM(CASE WHEN kind = 'credit_note' "
        "THEN -net ELSE net END) AS amount FROM invoice WHERE status = 'validated' AND order_id IS NOT NULL "
        "GROUP BY order_id) i ON i.order_id = o.id WHERE o.status = 'validated' ORDER BY o.id"
    ).fetchall()
    json.dumps(
        [
            {
                "number": r[0],
                "customer": r[1],
                "status": r[2],
                "net": f"{r[3] / 100:.2f}",
                "invoiced": f"{r[4] / 100:.2f}",
                "remaining": f"{(r[3] - r[4]) / 100:.2f}",
            }
            for r in rows
        ]
    )
    conn.close()
    return time.perf_counter() - start


def raw_import(orders_csv: Path, folder: Path) -> float:
    """The floor of an import: Python's csv reader and sqlite3 inserting the same rows, in one process."""
    script = (
        "import csv, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[2])\n"
        "conn.execute('CREATE TABLE line (k TEXT, customer TEXT, product TEXT, qty INTEGER, discount TEXT, day TEXT)')\n"
        "with open(sys.argv[1], newline='') as f:\n"
        "    rows = csv.reader(f); next(rows)\n"
        "    conn.executemany('INSERT INTO line VALUES (?, ?, ?, ?, ?, ?)', rows)\n"
        "conn.commit()\n"
    )
    target = folder / "raw.db"
    target.unlink(missing_ok=True)
    return run([sys.executable, "-c", script, str(orders_csv), str(target)])[0]


IMPORT_RUNS = 3


def import_orders(db: Path, orders_csv: Path, folder: Path, runs: int) -> tuple[float, float, float]:
    """koban's import of the orders file into the ledger as it is, and the raw import of the same file, each
    timed the same way: best of `runs`, alternating so that both see the same machine. Every koban run starts
    from a copy of the ledger without the orders; the ledger is left with them. Seconds, peak MB (the most
    of any run), raw seconds."""
    before = folder / "before-orders.db"
    _copy(db, before)
    timed, peaks, raws = [], [], []
    for _ in range(runs):
        raws.append(raw_import(orders_csv, folder))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        _copy(before, db)
        seconds, peak, _ = koban(db, "import", "orders", str(orders_csv))
        timed.append(seconds)
        peaks.append(peak)
    return min(timed), max(peaks), min(raws)


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite ledger (its WAL included), through SQLite's backup API."""
    with closing(sqlite3.connect(source)) as read, closing(sqlite3.connect(target)) as write:
        read.backup(write)


def raw_chain(invoices: int, folder: Path) -> float:
    """The floor of bill-due: the same number of invoices and lines inserted with plain sqlite3, each
    chained to the previous one by a sha256, in one process."""
    script = (
        "import hashlib, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[2])\n"
        "conn.execute('CREATE TABLE inv (id INTEGER PRIMARY KEY, number TEXT UNIQUE, net INTEGER, hash TEXT)')\n"
        "conn.execute('CREATE TABLE line (invoice_id INTEGER, description TEXT, net INTEGER)')\n"
        "previous = ''\n"
        "for n in range(int(sys.argv[1])):\n"
        "    previous = hashlib.sha256(f'{previous}FA-{n}4900'.encode()).hexdigest()\n"
        "    cur = conn.execute('INSERT INTO inv (number, net, hash) VALUES (?, ?, ?)', (f'FA-{n}', 4900, previous))\n"
        "    conn.execute('INSERT INTO line VALUES (?, ?, ?)', (cur.lastrowid, 'Abonnement', 4900))\n"
        "conn.commit()\n"
    )
    target = folder / "chain.db"
    target.unlink(missing_ok=True)
    return run([sys.executable, "-c", script, str(invoices), str(target)])[0]


BARE_PDF = (
    "import weasyprint\n"
    "rows = ''.join(f'<tr><td>Ligne {n}</td><td>1</td><td>100,00 €</td></tr>' for n in range(10))\n"
    "weasyprint.HTML(string=f'<h1>Facture</h1><table>{rows}</table>').write_pdf('/dev/null', pdf_variant='pdf/a-3b')\n"
)

READS = [  # what people run all day, each a new process
    ("invoice list", ["invoice", "list", "--format", "json"]),
    ("invoice show", ["invoice", "show", "FA-2026-0001", "--format", "json"]),
    ("order show", ["order", "show", "CO-2026-0001", "--format", "json"]),
    ("contract list", ["contract", "list", "--format", "json"]),
    ("contract show", ["contract", "show", "AB-2026-0001", "--format", "json"]),
    ("stock show", ["stock", "show", "--format", "json"]),
    ("invoice forecast", ["invoice", "forecast", "--format", "json"]),
    ("contract renewals", ["contract", "renewals", "--format", "json"]),
    ("project list", ["project", "list", "--format", "json"]),
    ("project show", ["project", "show", "AF-2026-0001", "--format", "json"]),
    ("info", ["info", "--format", "json"]),
]
READ_TARGET, WRITE_TARGET = 1.3, 1.6  # issue 21: times the typer+rich+sqlalchemy floor


def write_steps(db: Path, customer: str, product: str) -> list[tuple[str, float]]:
    """One order through to its payment, each step a new process: (step, seconds)."""
    timed = []

    def step(name: str, *args: str) -> dict:
        seconds, _, out = koban(db, *args, "--format", "json")
        timed.append((name, seconds))
        return json.loads(out)

    number = step("order create", "order", "create", "--customer", customer)["number"]
    step("order add-line", "order", "add-line", number, "--product", product, "--qty", "2")
    step("order validate", "order", "validate", number)
    ref = step("invoice balance (draft)", "invoice", "balance", number)["ref"]
    made = step("invoice validate", "invoice", "validate", ref)
    step("invoice pay", "invoice", "pay", made["number"], "--amount", made["gross"])
    return timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    n = lambda count: max(2, int(count * args.scale))  # noqa: E731
    customers, products, orders, contracts, pdfs = n(1000), n(500), n(50000), n(2000), n(200)
    table: list[tuple[str, str, str, str]] = []
    cores = usable_cores()
    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp), Path(tmp) / "bench.db"
        files = write_csvs(folder, customers, products, orders, contracts, early=pdfs)
        koban(db, "company", "set", "--name", "Bench SARL", "--siren", "123456782", "--vat-number", "FR11123456782")
        koban(db, "import", "customers", str(files["customers"]))
        koban(db, "import", "products", str(files["products"]))
        seconds, peak, raw = import_orders(db, files["orders"], folder, IMPORT_RUNS)
        rate = orders * 5 / seconds
        table.append(
            (
                f"import orders (best of {IMPORT_RUNS}, each)",
                f"{orders * 5:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s)",
                f"{seconds / raw:.1f}x raw csv + sqlite3 ({raw:.2f} s)",
                f"{peak:.0f} MB",
            )
        )
        koban(db, "import", "contracts", str(files["contracts"]))
        koban(db, "project", "create", "--from-order", "CO-2026-0001", "--name", "Bench")
        koban(db, "project", "time", "AF-2026-0001", "--who", "Alice", "--hours", "7", "--rate", "60")
        koban(db, "contract", "bill-due", "--as-of", "2025-12-01")  # the invoices rendered below

        list_seconds = min(koban(db, "order", "list", "--open", "--format", "json")[0] for _ in range(3))
        peak = koban(db, "order", "list", "--open", "--format", "json")[1]
        baseline = min(raw_remaining(db) for _ in range(3))
        table.append(
            (
                "order list --open --format json",
                f"{list_seconds:.2f} s ({orders:,} orders)",
                f"{list_seconds / baseline:.1f}x raw sqlite3 ({baseline:.2f} s)",
                f"{peak:.0f} MB",
            )
        )

        seconds, peak, out = koban(db, "contract", "bill-due", "--as-of", "2026-01-01", "--format", "json")
        billed = json.loads(out)
        made = len(billed)
        chained = raw_chain(made, folder)
        table.append(
            (
                "contract bill-due",
                f"{made:,} invoices in {seconds:.1f} s ({made / seconds:,.0f}/s)",
                f"{seconds / chained:.1f}x raw chained inserts ({chained:.2f} s)",
                f"{peak:.0f} MB",
            )
        )

        floor = best(5, [sys.executable, "-c", "import typer, rich, sqlalchemy"])
        measured = [(name, min(koban(db, *command)[0] for _ in range(3)), READ_TARGET) for name, command in READS]
        runs = [write_steps(db, "C00000", "P0000") for _ in range(3)]
        for index, (name, _) in enumerate(runs[0]):
            measured.append((name, min(run_[index][1] for run_ in runs), WRITE_TARGET))
        for name, seconds, target in measured:
            table.append(
                (
                    name,
                    f"{seconds * 1000:.0f} ms",
                    f"{seconds / floor:.2f}x typer+rich+sqlalchemy ({floor * 1000:.0f} ms; target {target}x)",
                    "",
                )
            )

        bare = best(5, [sys.executable, "-c", "import typer, rich"])
        help_time = best(5, [*KOBAN, "--help"])
        table.append(
            (
                "koban --help",
                f"{help_time * 1000:.0f} ms",
                f"{help_time / bare:.1f}x bare typer+rich ({bare * 1000:.0f} ms)",
                "",
            )
        )

        # First prints (each renders and archives its invoice), alternating with the baseline so that both see
        # the same machine; invoices billed on 2026-01-01, outside the --all period below
        firsts, bares = [], []
        for row in billed[-5:]:
            bares.append(run([sys.executable, "-c", BARE_PDF])[0])
            firsts.append(koban(db, "invoice", "pdf", row["invoice"], "-o", str(folder / "one.pdf"), "--force")[:2])
        one, bare_pdf = min(seconds for seconds, _ in firsts), min(bares)
        spread = sorted(seconds / bare_pdf for seconds, _ in firsts)
        table.append(
            (
                f"invoice pdf (one, first print, whole process; best of {len(firsts)})",
                f"{one:.2f} s",
                f"{one / bare_pdf:.2f}x a bare WeasyPrint PDF/A ({bare_pdf:.2f} s; target 1.5x; "
                f"all runs {spread[0]:.2f}-{spread[-1]:.2f}x)",
                f"{max(peak for _, peak in firsts):.0f} MB",
            )
        )
        bulk = ["invoice", "pdf", "--all", "--from", "2025-12-01", "--to", "2025-12-01", "--outdir"]
        seconds, peak, _ = koban(db, *bulk, str(folder / "pdf"))
        speedup = ""
        if shutil.which("taskset") and cores > 1:  # the same run pinned to one core
            alone = run(["taskset", "-c", "0", *KOBAN, "--db", str(db), *bulk, str(folder / "pdf1")])[0]
            speedup = f" ({alone / seconds:.1f}x one core: {alone:.1f} s)"
        table.append(
            (
                f"invoice pdf --all ({pdfs} invoices, {cores} cores)",
                f"{seconds:.1f} s",
                f"{pdfs / seconds:.1f} PDF/s{speedup}",
                f"{peak:.0f} MB (main process)",
            )
        )
    print(
        f"Machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}\n"
    )
    print("| what | measured | rate or ratio | peak memory |\n| --- | --- | --- | --- |")
    for row in table:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
