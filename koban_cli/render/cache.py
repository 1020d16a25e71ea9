"""koban's cache folder, per user: compiled templates and the notes shown once. Safe to delete."""

from __future__ import annotations

from pathlib import Path


def folder() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("koban"))
