"""Rendering many documents in parallel: one process per core, contexts in, files out."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Callable


def _render_to_file(context: dict, target: Path, lang: str, facturx: bool) -> Path:
    from koban_cli.render.pdf import render_pdf

    target.write_bytes(render_pdf(context, lang, facturx))
    return target


def usable_cores() -> int:
    """The cores this process may run on (a job pinned with `taskset` or a container gets fewer)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def render_many(
    jobs: list[tuple[dict, Path]],
    lang: str,
    facturx: bool = True,
    on_done: Callable[[], None] | None = None,
    workers: int | None = None,
) -> int:
    """Render `(context, target)` pairs; returns how many files were written."""
    workers = workers or usable_cores()
    if workers == 1 or len(jobs) < 2:
        for context, target in jobs:
            _render_to_file(context, target, lang, facturx)
            if on_done:
                on_done()
        return len(jobs)
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        futures = [pool.submit(_render_to_file, context, target, lang, facturx) for context, target in jobs]
        for future in as_completed(futures):
            future.result()
            if on_done:
                on_done()
    return len(jobs)
