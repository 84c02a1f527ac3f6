"""Markdown conversion across processes, for cold builds of large sites.

Python-Markdown is most of a cold build's time and holds the GIL, so only
processes help. Below a few hundred bodies the cost of starting workers
outweighs the gain (measured with `bench/run.py`), so small sites convert in
the calling process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar

from projcat.render.markup import Renderer

PARALLEL_THRESHOLD = 300
_CHUNK = 64
# Workers started ahead by `started_early`, for the next `convert_all` of this context.
_EARLY: ContextVar[ProcessPoolExecutor | None] = ContextVar("projcat_early_workers", default=None)


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
    early = _EARLY.get()
    if early is not None:
        _EARLY.set(None)
        with early:  # used once, then gone: idle workers would only add to the build's memory
            return [html for batch in early.map(_convert, batches) for html in batch]
    with _pool(count) as pool:
        return [html for batch in pool.map(_convert, batches) for html in batch]


def _pool(count: int) -> ProcessPoolExecutor:
    # Fork shares the already imported modules; the CLI's build runs no other threads.
    return ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("fork"))


def _ready() -> None:
    """Nothing: asked of the workers only so that they are started."""


def _resident() -> int | None:
    """This process's resident size in bytes, where the system tells it (Linux)."""
    try:
        with open("/proc/self/statm", "rb") as stream:
            return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


# Measured: a process that has imported the tool holds about 50 MiB, plus the bytes of the
# records the stamp read for a cold build (about 5 KiB each); one that has loaded a build cache
# holds about 90 KiB per record more. Under this size per record, no cache is loaded.
EARLY_BASE = 64 * 2**20
EARLY_PER_RECORD = 24 * 2**10


def early_limit(records: int) -> int:
    return EARLY_BASE + EARLY_PER_RECORD * records


@contextmanager
def started_early(records: int, limit: int | None = None) -> Iterator[None]:
    """Start the worker processes now, for the next `convert_all` in this context, when `records`
    are enough to need them and the process is still small (under `limit` bytes resident,
    `early_limit(records)` when not given).

    A worker forked later, after the records are read and checked, starts as a copy of all the
    build holds by then: each counts it again in its memory (its resident size) although it only
    converts text. Forked while the process holds little more than its code, it does not. A
    process that is large already (a rebuild's loaded cache) gains nothing by forking early and
    would keep idle copies of itself meanwhile, so then the workers start when needed, if at all."""
    count = workers()
    resident = _resident()
    limit = early_limit(records) if limit is None else limit
    if records < PARALLEL_THRESHOLD // 2 or count < 2 or resident is None or resident > limit:
        yield
        return
    pool = _pool(count)
    # The first task starts every worker at once (a fork pool does not start them one by one).
    pool.submit(_ready).result()
    token = _EARLY.set(pool)
    try:
        yield
    finally:
        _EARLY.reset(token)
        pool.shutdown()


def let_go_early() -> None:
    """Stop the workers `started_early` started, if no conversion has used them."""
    early = _EARLY.get()
    if early is not None:
        _EARLY.set(None)
        early.shutdown()
