"""`contract bill-due` speed: validated invoices per second on a ledger of N monthly contracts.

python benchmarks/bill_due.py [--contracts 2000] [--months 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from decimal import Decimal as D
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from koban_cli.db.engine import Ledger, ledger_url  # noqa: E402
from koban_cli.domain.money import Money  # noqa: E402
from koban_cli.services import parties, products  # noqa: E402
from koban_cli.services.contracts import bill_due
from koban_cli.services.contracts import manage as contracts
from koban_cli.services.lines import LineInput  # noqa: E402

START = dt.date(2026, 1, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=2000)
    parser.add_argument("--months", type=int, default=1, help="periods due per contract")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger(ledger_url(str(Path(tmp) / "bench.db")))
        parties.set_company(ledger, name="Bench SARL")
        parties.add_customer(ledger, "C1", name="Client")
        products.add_product(ledger, "HOST", "Hébergement", Money(D("49.00")), D(20), "subscription")
        for _ in range(args.contracts):
            number = contracts.create(ledger, START, customer="C1", auto=True).number
            contracts.add_line(ledger, number, LineInput(product="HOST"))
        as_of = START + dt.timedelta(days=31 * (args.months - 1))
        start = time.perf_counter()
        run = bill_due.bill_due(ledger, as_of)
        seconds = time.perf_counter() - start
    made = len(run.periods)
    print("| figure | value |\n| --- | --- |")
    print(
        f"| bill-due, {args.contracts} contracts, {made} validated invoices | {seconds:.1f} s "
        f"({made / seconds:.0f} invoices/s) |"
    )


if __name__ == "__main__":
    main()
