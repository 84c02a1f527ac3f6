"""The worker processes of a streamed cold build: one per core, each owning a share of the records.

A worker is forked once the site's settings are read, so it starts with every
module imported. It owns every file of the slugs given to it (a record and
its translations), and works in two rounds the main process drives:

1. read, validate and convert: each record comes back parsed and validated,
   with its problems, but without its body's HTML. Where a list shows the
   body's first sentence (no summary), the worker sends back the first
   paragraph only and keeps the whole HTML for round two;
2. render: the main process sends the project pages of the worker's records,
   planned (views, navigation, language links) but without their bodies; the
   worker converts each body it did not keep, renders the page with the same
   templates and writes it into the new output tree at once.

So every core reads and converts from the start, no page is ever held by the
main process, and a worker holds only the HTML of its own summary-less bodies.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import threading
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from markupsafe import Markup

from projcat.build.output import NewTree
from projcat.content.load import display_path, read_record
from projcat.content.records import ValidRecord, ValidTranslation
from projcat.content.settings import SiteConfig
from projcat.content.validate import validate_record
from projcat.problems import Problem
from projcat.render.markup import Renderer
from projcat.render.pages import Page, make_environment, prepare_environment, render_page
from projcat.render.views import SiteView

_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
# Pages a message carries: enough to keep a worker busy, few enough to spread the work evenly.
BATCH = 32


@dataclass(frozen=True)
class ReadRecord:
    """One record file as a worker read it: what the checks across files and the catalogue need."""

    position: int
    path: str
    slug: str
    lang: str
    body_line: int
    result: ValidRecord | ValidTranslation | None
    problems: list[Problem]
    # The body's first `<p>…</p>` when no summary stands in for it; None when one does.
    first_paragraph: str | None


class WorkerError(Exception):
    """A worker failed in a way that is not a content or output problem; the message is its traceback."""


def _needs_first_sentence(result: ValidRecord | ValidTranslation) -> bool:
    if isinstance(result, ValidRecord):
        return not result.project.summary
    return not result.translation.summary


def _read_all(files: Sequence[tuple[int, Path]], site: SiteConfig, root: Path, renderer: Renderer,
              kept: dict[str, str]) -> list[ReadRecord]:
    done = []
    for position, file in files:
        raw = read_record(file, display_path(file, root))
        result, problems = validate_record(raw, site, root)
        first = None
        if result is not None and _needs_first_sentence(result):
            html = kept.get(result.body)
            if html is None:
                html = kept[result.body] = renderer.to_html(result.body, 3)
            match = _FIRST_PARAGRAPH.search(html)
            first = match.group(0) if match else ""
        done.append(ReadRecord(position, raw.path, raw.slug, raw.lang, raw.body_line, result, problems, first))
    return done


def _render(connection: Connection, tree: NewTree, templates: Path | None, sites: list[SiteView],
            renderer: Renderer, kept: dict[str, str]) -> list[str]:
    env = make_environment(templates)
    local = prepare_environment(env, sites)
    changed: list[str] = []
    while True:
        batch: list[tuple[Page, str]] | None = connection.recv()
        if batch is None:
            return changed
        for page, body in batch:
            html = kept.get(body)
            if html is None:
                html = renderer.to_html(body, 3)
            project = page.context["project"]
            # The same view the main process planned, with the whole body it left out.
            whole = replace(project, body_html=Markup(html))  # noqa: S704 - sanitised by nh3 in to_html
            data = render_page(env, replace(page, context={**page.context, "project": whole}),
                               local.get(page.lang, {}))
            if tree.put(page.output, data):
                changed.append(page.output)


def _work(connection: Connection, files: Sequence[tuple[int, Path]], site: SiteConfig, root: Path,
          templates: Path | None) -> None:
    try:
        renderer = Renderer()
        kept: dict[str, str] = {}
        connection.send(("read", _read_all(files, site, root, renderer, kept)))
        start: tuple[NewTree, list[SiteView]] | None = connection.recv()
        if start is None:
            return
        tree, sites = start
        connection.send(("written", _render(connection, tree, templates, sites, renderer, kept)))
    except BaseException as exc:  # every failure goes back to the main process
        try:
            connection.send(("failed", exc))
        except Exception:  # the exception itself may not pickle
            connection.send(("failed", WorkerError(traceback.format_exc())))
    finally:
        connection.close()


def _received(connection: Connection) -> Any:
    try:
        kind, value = connection.recv()
    except EOFError:
        raise WorkerError("a build worker ended without an answer") from None
    if kind == "failed":
        raise value
    return value


def _feed(connection: Connection, batches: list[list[tuple[Page, str]]]) -> None:
    try:
        for batch in batches:
            connection.send(batch)
        connection.send(None)
    except OSError:
        pass  # the worker failed and the main process closed the pipe: it reports why


class Crew:
    """The build's worker processes; `owner` says which worker holds each slug's files."""

    def __init__(self, count: int, files: Sequence[Path], site: SiteConfig, root: Path,
                 templates: Path | None) -> None:
        from projcat.content.load import split_stem

        slugs = sorted({split_stem(file.name[:-3])[0] for file in files})
        self.owner = {slug: i % count for i, slug in enumerate(slugs)}
        shares: list[list[tuple[int, Path]]] = [[] for _ in range(count)]
        for position, file in enumerate(files):
            shares[self.owner[split_stem(file.name[:-3])[0]]].append((position, file))
        # Fork: the workers start with everything imported and the settings read; the build runs no threads.
        # Frozen first, so no collection in a worker touches (and so copies) the objects it inherits.
        gc.freeze()
        context = multiprocessing.get_context("fork")
        self._connections: list[Connection] = []
        self._processes: list[BaseProcess] = []
        for share in shares:
            ours, theirs = context.Pipe()
            process = context.Process(target=_work, args=(theirs, share, site, root, templates), daemon=True)
            process.start()
            theirs.close()
            self._connections.append(ours)
            self._processes.append(process)
        self._batches: list[list[tuple[Page, str]]] = [[] for _ in range(count)]
        self._feeders: list[threading.Thread] = []

    def records(self) -> list[ReadRecord]:
        """Every file's record, in the files' order."""
        read = [record for connection in self._connections for record in _received(connection)]
        return sorted(read, key=lambda record: record.position)

    def start(self, tree: NewTree, sites: list[SiteView]) -> None:
        for connection in self._connections:
            connection.send((tree, sites))

    def render(self, slug: str, page: Page, body: str) -> None:
        """Queue a project page for the worker that owns its record; `send` hands them over."""
        self._batches[self.owner[slug]].append((page, body))

    def send(self) -> None:
        """Hand every queued page over, from threads: the main process renders the lists meanwhile."""
        for connection, pages in zip(self._connections, self._batches, strict=True):
            batches = [pages[i:i + BATCH] for i in range(0, len(pages), BATCH)]
            thread = threading.Thread(target=_feed, args=(connection, batches), daemon=True)
            thread.start()
            self._feeders.append(thread)
        self._batches = [[] for _ in self._connections]

    def finish(self) -> list[str]:
        """Wait for every page to be written; the paths that are new or changed."""
        written = [path for connection in self._connections for path in _received(connection)]
        for thread in self._feeders:
            thread.join()
        return written

    def close(self) -> None:
        """End the workers (they end by themselves after `finish`; this also stops them after a failure)."""
        for connection in self._connections:
            connection.close()
        for process in self._processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()


def worker_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
