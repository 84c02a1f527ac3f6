"""Markdown conversion across processes, for cold builds of large sites.

Python-Markdown is most of a cold build's time and holds the GIL, so only
processes help. Below a few hundred bodies the cost of starting workers
outweighs the gain (measured with `bench/run.py`), so small sites convert in
the calling process.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from projcat.render.markup import Renderer

PARALLEL_THRESHOLD = 300
_CHUNK = 64


def _convert(batch: list[tuple[str, int]]) -> list[str]:
    renderer = Renderer()
    return [renderer.to_html(text, top) for text, top in batch]


def workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def convert_all(items: list[tuple[str, int]]) -> list[str]:
    """`Renderer().to_html(text, top)` for each item, in order; in parallel when it pays."""
    count = workers()
    if len(items) < PARALLEL_THRESHOLD or count < 2:
        return _convert(items)
    batches = [items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK)]
    # Fork shares the already imported modules; the CLI's build runs no other threads.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        return [html for batch in pool.map(_convert, batches) for html in batch]
