"""Font subsetting speed: WeasyPrint subsets fonts four times faster with libharfbuzz-subset.

Without it, WeasyPrint falls back to fontTools and logs a warning on every
render. koban says it once per user instead, with the package to install, and
keeps WeasyPrint's own warning out of the way.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import logging
import sys
from pathlib import Path

from koban_cli.render import cache

PACKAGE = "libharfbuzz-subset0"


def check_subsetting(marker_folder: Path | None = None) -> None:
    """Once per user (a marker file in koban's cache folder): one line on stderr if the library is missing."""
    if ctypes.util.find_library("harfbuzz-subset"):
        return
    logging.getLogger("weasyprint").addFilter(lambda record: "HarfBuzz-Subset" not in record.getMessage())
    folder = marker_folder or cache.folder()
    marker = folder / "harfbuzz-subset-missing"
    if marker.exists():
        return
    sys.stderr.write(
        f"Note: libharfbuzz-subset is not installed: PDFs render about four times slower "
        f"(Debian/Ubuntu: apt-get install {PACKAGE}). This note is shown once.\n"
    )
    with contextlib.suppress(OSError):  # a read-only home: the note comes again next time, nothing worse
        folder.mkdir(parents=True, exist_ok=True)
        marker.touch()
