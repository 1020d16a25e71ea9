"""Files koban writes: private ones (0600: ledger, backups, archive, anchors) and never a silent overwrite.

A ledger, its backups and the archived invoices hold customer data and the
company's IBAN: on a shared machine other accounts must not read them, so they
are created 0600 whatever the umask says. Documents asked for with `-o` keep
the user's umask (they are made to be sent) but an existing file is replaced
only with --force.
"""

from __future__ import annotations

import errno
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from koban_cli.errors import InvalidValue, KobanError

PRIVATE = 0o600
PRIVATE_FOLDER = 0o700


def refuse_existing(path: Path, force: bool) -> None:
    """Stop before any work when `path` exists and --force was not given."""
    if not force and (path.exists() or path.is_symlink()):
        raise KobanError(f'"{path}" exists; use --force to overwrite it')


def write(path: Path, data: bytes, force: bool = False, private: bool = False) -> Path:
    """Write `data` to `path`: refused over an existing file without `force`; 0600 when `private`.

    O_EXCL makes the refusal hold even if another process creates the file meanwhile.
    """
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    try:
        fd = os.open(path, flags, PRIVATE if private else 0o666)
    except FileExistsError:
        raise KobanError(f'"{path}" exists; use --force to overwrite it') from None
    except OSError as exc:
        raise cannot_write(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as out:
            if private:
                os.fchmod(out.fileno(), PRIVATE)  # an existing file overwritten with --force becomes private too
            out.write(data)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    return path


def write_private(path: Path, data: bytes) -> Path:
    """A file koban owns (archive, anchor, backup companion): replaced when there, always 0600."""
    return write(path, data, force=True, private=True)


def private_folder(path: Path) -> Path:
    """Create `path` (and its parents) 0700 when missing; an existing folder is left as the user set it."""
    try:
        path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    return path


def create_private_sqlite(path: Path) -> None:
    """Create an empty SQLite file 0600 before SQLite opens it.

    SQLite creates a new database 0644 (less the umask) and gives its -wal and
    -shm files the database file's mode, so creating the file first makes all
    three private. An existing file is left as it is.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    except FileExistsError:
        pass
    except OSError as exc:
        raise cannot_write(path, exc) from None


@contextmanager
def private_umask() -> Iterator[None]:
    """Files created inside the block (by libraries that take no mode) are 0600, folders 0700."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


@contextmanager
def private_file(path: Path) -> Iterator[None]:
    """For a writer that takes no mode: the file it creates or replaces in the block ends up 0600."""
    try:
        if path.is_file():
            os.chmod(path, PRIVATE)  # before new content goes in, not after
    except OSError as exc:
        raise cannot_write(path, exc) from None
    with private_umask():
        yield


def copy_private(source: Path, target: Path) -> None:
    """Copy the files of a flat folder (the invoice archive) into `target`, folder 0700 and files 0600."""
    private_folder(target)
    for item in sorted(source.iterdir()):
        if item.is_file():
            try:
                data = item.read_bytes()
            except OSError as exc:
                raise KobanError(f'cannot read "{item}": {exc.strerror}') from None
            write_private(target / item.name, data)


def cannot_write(path: Path, exc: OSError) -> KobanError:
    """A plain sentence for the failures a user can fix: a full disk, a read-only place, missing rights."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return KobanError(f'the disk is full: cannot write "{path}"; free some space and try again')
    if exc.errno == errno.EROFS:
        return KobanError(f'"{path}" is on a read-only file system; write it somewhere else')
    if exc.errno in (errno.EACCES, errno.EPERM):
        return KobanError(f'"{path}" is read-only for you (permission denied); check its rights and its folder\'s')
    return KobanError(f'cannot write "{path}": {exc.strerror or exc}')


def database_failure(message: str, where: str) -> str | None:
    """The sentence for a database error that says the disk is full or the ledger cannot be written, else None.

    SQLite says "database or disk is full" / "attempt to write a readonly database"; PostgreSQL says
    "No space left on device" / "cannot execute … in a read-only transaction".
    """
    text = message.lower()
    if "database or disk is full" in text or "no space left on device" in text:
        return f"the disk is full: the ledger {where} could not grow; free some space and try again (nothing changed)"
    if "readonly database" in text or "read-only" in text:
        return (
            f"the ledger {where} is read-only: check the rights of the file and its folder, "
            "or that its disk is mounted read-write (nothing changed)"
        )
    if "disk i/o error" in text and _disk_is_full(where):
        return f"the disk is full: the ledger {where} could not be written; free some space and try again"
    if "unable to open database file" in text:
        return f"the ledger {where} cannot be opened: check that it and its folder exist and can be written"
    return None


def _disk_is_full(where: str) -> bool:
    """SQLite reports some failed writes as a plain I/O error: look at the free space itself."""
    try:
        stats = os.statvfs(Path(where).parent)
    except (OSError, ValueError):
        return False
    return stats.f_bavail * stats.f_frsize < 1024 * 1024


def existing_path(value: str, what: str, kind: str) -> str:
    """An absolute path to an existing file or folder, so documents find it from anywhere."""
    path = Path(value).expanduser().resolve()
    if not (path.is_file() if kind == "file" else path.is_dir()):
        raise InvalidValue(f'--{what} "{value}" is not an existing {kind}')
    return str(path)
