"""The system libraries WeasyPrint loads, looked up once per state of the machine and remembered.

Importing WeasyPrint asks `ctypes.util.find_library` for each name it tries
(Pango, HarfBuzz, fontconfig...: 22 names on Linux). Each name it does not
find runs ldconfig, then gcc, then ld: about 15 ms apiece, a quarter of a
second in all, on every print. On Linux, koban keeps the answers in its cache
folder, valid as long as what decides them is unchanged: the linker's cache
(/etc/ld.so.cache, rewritten by ldconfig whenever a package installs or removes
a library), the usual library folders, the gcc, cc and ld the lookup runs (as
PATH finds them), the folders LD_LIBRARY_PATH and LIBRARY_PATH add, the
machine and the Python version. Anything else changes nothing: other
systems look up as before, a cache that cannot be read or written is done
without. The libraries loaded are the ones WeasyPrint would find itself.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import json
import os
import sys
from pathlib import Path
from typing import Iterator

FILE = "libraries.json"
LINKER_CACHE = "/etc/ld.so.cache"
FOLDERS = ("/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib")
VARIABLES = ("LD_LIBRARY_PATH", "LIBRARY_PATH")
TOOLS = ("gcc", "cc", "ld")  # what ctypes.util runs when ldconfig does not know a name


@contextlib.contextmanager
def remembered(folder: Path | None = None) -> Iterator[None]:
    """While inside, `ctypes.util.find_library` answers from the cache for what it answered before."""
    key = _key()
    if key is None:  # not Linux, or no linker cache: nothing tells when an answer goes stale
        yield
        return
    from koban_cli.render import cache

    path = (folder or cache.folder()) / FILE
    known = _read(path, key)
    found = dict(known)
    real = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        if name not in found:
            found[name] = real(name)
        return found[name]

    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = real
        if found != known:
            _write(path, key, found)


def _key() -> list | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        linker = os.stat(LINKER_CACHE)
    except OSError:
        return None
    import shutil

    machine = os.uname().machine
    variables = [os.environ.get(name) for name in VARIABLES]
    extra = [part for name in VARIABLES for part in (os.environ.get(name) or "").split(":") if part]
    folders = [*FOLDERS, f"/usr/lib/{machine}-linux-gnu", f"/lib/{machine}-linux-gnu", *extra]
    return [
        sys.version,
        machine,
        [linker.st_ino, linker.st_size, linker.st_mtime_ns],
        variables,
        [shutil.which(tool) for tool in TOOLS],
        [[name, _modified(name)] for name in folders],
    ]


def _modified(folder: str) -> int | None:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return None


def _read(path: Path, key: list) -> dict[str, str | None]:
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict) or stored.get("key") != key or not isinstance(stored.get("found"), dict):
        return {}
    return stored["found"]


def _write(path: Path, key: list, found: dict[str, str | None]) -> None:
    """Atomically (several workers of `invoice pdf --all` may write at once); a failure is no error."""
    temporary = path.with_name(f".{FILE}.{os.getpid()}")
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary.write_text(json.dumps({"key": key, "found": found}))
        os.replace(temporary, path)
    with contextlib.suppress(OSError):
        temporary.unlink(missing_ok=True)
