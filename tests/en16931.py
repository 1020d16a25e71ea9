"""The official EN 16931 business rules for CII (../shared/en16931, run by saxonche), for tests.

Every Factur-X a test writes under its tmp_path is checked after the test by
the autouse fixture in conftest.py; `fatal_rules` checks one XML directly.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

RULES = Path(__file__).resolve().parents[2] / "shared" / "en16931"


def _checker():
    if not (RULES / "check.py").exists():
        return None, f"the EN 16931 rules are not beside the project ({RULES} is missing)"
    if importlib.util.find_spec("saxonche") is None:
        return None, "saxonche is not installed (pip install '.[test]')"
    spec = importlib.util.spec_from_file_location("en16931_check", RULES / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, None


CHECK, MISSING = _checker()


def fatal_rules(xml: bytes) -> list[tuple[str, str, str]]:
    """The failed rules flagged fatal (or error); [] when the document passes."""
    return [fail for fail in CHECK.failed_rules(xml) if fail[0] in ("fatal", "error")]


def factur_x_of(pdf: Path) -> bytes | None:
    """The embedded factur-x.xml of a PDF, or None for a plain PDF."""
    from pypdf import PdfReader

    try:
        files = PdfReader(pdf).attachments
    except Exception:  # a PDF being written by another process, or not a PDF: not ours to judge here
        return None
    return files["factur-x.xml"][0] if "factur-x.xml" in files else None
