"""What a real `koban …` process imports, read from `python -X importtime`: the start-up tests' one tool."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
ORM = frozenset({"sqlmodel", "pydantic", "sqlalchemy.orm", "koban_cli.db.models"})


def import_chains(db: str, *args: str) -> dict[str, list[str]]:
    """Each module a `koban --db DB ARGS…` process imported, with the chain of modules that imported it."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "koban_cli", "--db", db, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    lines = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|( *)(\S+)$", run.stderr, re.MULTILINE)
    chains: dict[str, list[str]] = {}
    for i, (indent, name) in enumerate(lines):  # a module is listed before the module that imported it
        chain, depth = [], len(indent)
        for outer_indent, outer in lines[i + 1 :]:
            if len(outer_indent) < depth:
                chain.append(outer)
                depth = len(outer_indent)
        chains[name] = chain
    return chains


def imported(db: str, *args: str) -> set[str]:
    """The modules a `koban --db DB ARGS…` process imported."""
    return set(import_chains(db, *args))
