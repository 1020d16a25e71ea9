"""Two real processes validating drafts at the same moment still number without gaps."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY

from koban_cli.services.invoicing import drafts as invoicing
from koban_cli.services.invoicing import editing
from koban_cli.services.invoicing import listing as invoice_list
from koban_cli.services.lines import LineInput

pytestmark = pytest.mark.slow  # real processes at once

WORKER = """
import sys
from koban_cli.db.engine import Ledger, ledger_url
from koban_cli.services.invoicing import lifecycle as invoices
ledger = Ledger(ledger_url(sys.argv[1]))
sys.stdin.readline()  # both workers start together
for ref in sys.argv[2:]:
    invoices.validate(ledger, ref, __import__("datetime").date(2026, 11, 27))
"""


def test_two_processes_validating_at_once_give_a_gapless_sequence(catalogue, db_path):
    refs = []
    for _ in range(40):
        ref = invoicing.create(catalogue, "ACME", TODAY).ref
        editing.add_line(catalogue, ref, LineInput(product="DAY"))
        refs.append(ref)
    env = os.environ | {"PYTHONPATH": str(Path(__file__).parents[1])}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, db_path, *refs[i::2]],
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for i in range(2)
    ]
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    numbers = sorted(row.number for row in invoice_list.invoice_rows(catalogue, TODAY))
    assert numbers == [f"FA-2026-{n:04d}" for n in range(1, 41)]
