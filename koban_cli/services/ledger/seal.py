"""The optional seal key: kept outside the ledger, it turns the hash chain into an HMAC.

Whoever can write the database but does not hold the key can no longer
recompute the chain after an edit. The key comes from `KOBAN_SEAL_KEY`, else
from `seal.key` in koban's config folder, which must be readable by its owner
only (0600).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from koban_cli.errors import KobanError


def key_path() -> Path:
    from koban_cli.mail import config_path

    return config_path().parent / "seal.key"


def key() -> bytes | None:
    """The seal key, or None when the chain is not sealed."""
    if os.environ.get("KOBAN_SEAL_KEY"):
        return os.environ["KOBAN_SEAL_KEY"].encode()
    path = key_path()
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KobanError(f"the seal key {path} can be read by others; make it private with: chmod 600 {path}")
    text = path.read_text().strip()
    if not text:
        raise KobanError(f"the seal key {path} is empty; put a long random secret in it")
    return text.encode()
