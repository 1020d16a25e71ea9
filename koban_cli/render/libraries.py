"""What WeasyPrint works out at every start, remembered: the system libraries it loads, the C it declares.

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

WeasyPrint also declares the C functions it calls (Pango, HarfBuzz,
fontconfig...) to cffi, which parses them with pycparser: the declarations at
import, then again with each C type it meets while rendering. That is about an
eighth of a second of every print, always on the same texts. koban keeps each
syntax tree, keyed by the sha256 of the exact text parsed and valid for one
Python, cffi and pycparser (any system); cffi builds from it what it would
have built. The trees are pickles in the user's own cache folder, trusted as
the compiled templates beside them are (only the user can write there).
"""

from __future__ import annotations

import contextlib
import ctypes.util
import hashlib
import json
import os
import pickle
import sys
from pathlib import Path
from typing import Iterator

FILE = "libraries.json"
PARSED = "declarations.pickle"
LINKER_CACHE = "/etc/ld.so.cache"
FOLDERS = ("/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib")
VARIABLES = ("LD_LIBRARY_PATH", "LIBRARY_PATH")
TOOLS = ("gcc", "cc", "ld")  # what ctypes.util runs when ldconfig does not know a name


@contextlib.contextmanager
def remembered(folder: Path | None = None) -> Iterator[None]:
    """While inside, `ctypes.util.find_library` answers from the cache for what it answered before, and cffi's
    C parser returns the syntax tree it returned before for the same text."""
    from koban_cli.render import cache

    folder = folder or cache.folder()
    with _libraries(folder / FILE), _declarations(folder / PARSED):
        yield


@contextlib.contextmanager
def _libraries(path: Path) -> Iterator[None]:
    key = _key()
    if key is None:  # not Linux, or no linker cache: nothing tells when an answer goes stale
        yield
        return
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
    _replace(path, json.dumps({"key": key, "found": found}).encode())


def _replace(path: Path, data: bytes) -> None:
    """Atomically (several workers of `invoice pdf --all` may write at once); a failure is no error."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary.write_bytes(data)
        os.replace(temporary, path)
    with contextlib.suppress(OSError):
        temporary.unlink(missing_ok=True)


_trees: dict[Path, dict[str, bytes]] = {}  # by cache file: the pickled syntax tree of each text's sha256


@contextlib.contextmanager
def _declarations(path: Path) -> Iterator[None]:
    """cffi's parser (one pycparser CParser, `cffi.cparser._get_parser()`) answering from the cache; a cffi
    without that function parses as usual."""
    try:
        import pycparser
        from cffi import __version__ as cffi_version
        from cffi import cparser
        from pycparser import c_ast

        real = cparser._get_parser
    except (ImportError, AttributeError):
        yield
        return
    key = [sys.version, cffi_version, pycparser.__version__]
    if path not in _trees:  # read once per process (`invoice pdf --all` renders many in each)
        _trees[path] = _read_trees(path, key)
    known = _trees[path]
    found = dict(known)

    class Remembering:
        def parse(self, text: str, *args, **kwargs):
            digest = hashlib.sha256(text.encode()).hexdigest()
            if digest in found and not (args or kwargs):
                with contextlib.suppress(Exception):  # a tree that cannot be read, or is no tree, is parsed again
                    tree = pickle.loads(found[digest])
                    if isinstance(tree, c_ast.FileAST):
                        return tree
            tree = real().parse(text, *args, **kwargs)
            if not (args or kwargs):
                with contextlib.suppress(Exception):
                    found[digest] = pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL)
            return tree

    parser = Remembering()
    cparser._get_parser = lambda: parser
    try:
        yield
    finally:
        cparser._get_parser = real
        if found != known:
            _trees[path] = found
            _replace(path, pickle.dumps({"key": key, "found": found}, protocol=pickle.HIGHEST_PROTOCOL))


def _read_trees(path: Path, key: list) -> dict[str, bytes]:
    try:
        stored = pickle.loads(path.read_bytes())
    except Exception:  # missing, unreadable or not a pickle: parsed as usual, then written again
        return {}
    if not isinstance(stored, dict) or stored.get("key") != key or not isinstance(stored.get("found"), dict):
        return {}
    return stored["found"]
