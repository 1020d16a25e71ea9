"""Changing a stored record: the fields a command or a file gives, and only those."""

from __future__ import annotations


def apply(record, changes: dict) -> None:
    """Set every given field (None means "not given")."""
    for key, value in changes.items():
        if value is not None:
            setattr(record, key, value)
