"""Incremental rebuilds for the preview: reuse what did not change, write only what did.

`MemoryCache` implements `projcat.build.cache.BuildCache` in memory. It is owned
by one preview server (never module state) and reuses pure results only:

- a record file's parsed front matter, while the file's bytes are the same
  (a stat key skips even reading an untouched file; a changed stat key with
  unchanged bytes, e.g. after `touch`, still reuses the parse);
- its validation, while that parse, the site settings and the list of
  files under `static/` are the same;
- a Markdown body's HTML, while the text is the same;
- a project's view, while its inputs (catalogue entry, i.e. record and
  status, and the site settings) are equal;
- the Jinja environment with its compiled templates, while every template
  source is the same;
- a project's lines of the open data files (JSON and CSV), while its
  entry, address, theme name, last change and the CSV's columns are equal;
- a page's bytes, while its page object, the site view and the template
  sources are equal. A changed record therefore re-renders its own page and
  the pages listing it (index, its theme, the archive); a template or
  `site.yaml` change re-renders everything.

The catalogue and the site's views are recomputed every time: they are cheap
and depend on everything. The result is byte-identical to a full build;
`tests/test_preview_incremental.py` checks that after many edits.

`sync_folder` brings the served folder from the previous build's files to
the new ones, writing only the files whose bytes changed.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from jinja2 import Environment

from projcat.content.load import RawRecord, read_record
from projcat.render.markup import Renderer
from projcat.problems import Problem
from projcat.render.pages import template_fingerprint
from projcat.content.settings import SiteConfig
from projcat.content.records import ValidRecord
from projcat.content.validate import validate_record
from projcat.render.views import ProjectView
from projcat.build.stamp import RACY_NS

StatKey = tuple[int, int, int, int, int]


def stat_key(file: Path) -> StatKey | None:
    """What changes whenever a file's bytes may have: ctime too, so `touch -d` and renames count.

    `None` also for a file changed so recently that another save within the
    same tick of the file clock would leave the key as it is: such a file
    is read and compared by its bytes.
    """
    try:
        st = file.stat()
    except OSError:
        return None
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev)


StaticListing = frozenset[tuple[str, str, bool]]


def static_listing(root: Path) -> StaticListing:
    """Every name under `static/` with where it really points and whether it is a file:
    what a document link's check can see."""
    folder = root / "static"
    found: set[tuple[str, str, bool]] = set()
    for current, folders, files in os.walk(folder):
        for name in folders + files:
            path = os.path.join(current, name)
            found.add((os.path.relpath(path, folder), os.path.realpath(path), os.path.isfile(path)))
    return frozenset(found)


@dataclass
class _Validated:
    site: SiteConfig | None
    static: StaticListing
    root: Path
    record: ValidRecord | None
    problems: tuple[Problem, ...]


@dataclass
class _Record:
    stat: StatKey | None
    digest: str
    raw: RawRecord
    validated: _Validated | None = None
    file: Path | None = None
    # Only the path and slug of `raw` are kept (see `lightened`); the file is read again when needed.
    light: bool = False

    def lightened(self) -> "_Record":
        """This record without its positioned parse, which only a new validation needs.

        The parse is most of what a persistent cache would load and save for
        every record, and a validation that can be reused needs none of it."""
        if self.validated is None or self.file is None or self.light:
            return self
        raw = self.raw
        return _Record(self.stat, self.digest, RawRecord(raw.path, raw.slug, {}, "", raw.body_line), self.validated,
                       self.file, light=True)


@dataclass
class _View:
    inputs: object
    view: ProjectView


class MemoizingRenderer(Renderer):
    """A Markdown renderer that converts each distinct text once.

    `Renderer.to_html` resets the converter for every document, so its
    result depends on the text alone and can be kept.
    """

    def __init__(self) -> None:
        super().__init__()
        self._html: dict[tuple[str, int], str] = {}
        self._used: set[tuple[str, int]] = set()

    def to_html(self, text: str, top: int = 2) -> str:
        key = (text, top)
        self._used.add(key)
        html = self._html.get(key)
        if html is None:
            html = super().to_html(text, top)
            self._html[key] = html
        return html

    def prepare(self, items: list[tuple[str, int]], parallel: bool = False) -> None:
        """Convert the texts not yet kept, across processes when `parallel` and there are many."""
        from projcat.render.parallel import convert_all

        # Asked for in this build, so kept by `sweep` even when a reused view never converts it again.
        self._used.update(items)
        missing = sorted({item for item in items if item not in self._html})
        if not missing:
            return
        if not parallel:
            for text, top in missing:
                self.to_html(text, top)
            return
        for item, html in zip(missing, convert_all(missing)):
            self._html[item] = html

    def __getstate__(self) -> dict[str, object]:
        # The Markdown converter is configuration, not state: the build cache
        # keeps only the converted texts, and the converter is made again on load.
        return {"_html": self._html}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__()  # type: ignore[misc]
        self._html = state["_html"]  # type: ignore[assignment]

    def sweep(self) -> None:
        """Forget texts the last build did not ask for, so a day of edits does not pile up."""
        self._html = {key: html for key, html in self._html.items() if key in self._used}
        self._used = set()


@dataclass
class CacheStats:
    """What the last build reused and what it had to redo; for tests and the terminal."""

    records_parsed: list[str] = field(default_factory=list)
    records_reused: int = 0
    records_validated: list[str] = field(default_factory=list)
    views_made: list[str] = field(default_factory=list)
    data_made: list[str] = field(default_factory=list)
    pages_rendered: list[str] = field(default_factory=list)
    pages_reused: int = 0
    files_made: list[str] = field(default_factory=list)
    pieces_made: int = 0
    # Kept entries refreshed or dropped: what the cache holds changed even if nothing was redone.
    refreshed: bool = False

    @property
    def changed_anything(self) -> bool:
        return bool(self.records_parsed or self.records_validated or self.views_made or self.data_made
                    or self.pages_rendered or self.files_made or self.pieces_made or self.refreshed)


class MemoryCache:
    """The preview's in-memory `BuildCache`; call `finish_build()` after each build."""

    def __init__(self) -> None:
        self._records: dict[str, _Record] = {}
        self._pages: dict[str, tuple[object, bytes]] = {}
        self._files: dict[str, tuple[str, dict[str, bytes]]] = {}
        self._pieces: dict[str, tuple[object, object]] = {}
        self._seen_pieces: set[str] = set()
        self._renderer = MemoizingRenderer()
        self._views: dict[str, _View] = {}
        self._data: dict[str, tuple[object, tuple[str, str]]] = {}
        self._environment: tuple[str, Environment] | None = None
        self._static: StaticListing | None = None
        self._site: SiteConfig | None = None
        self._site_given: SiteConfig | None = None
        self._seen_records: set[str] = set()
        self._seen_pages: set[str] = set()
        self._seen_views: set[str] = set()
        self.stats = CacheStats()

    def read_record(self, file: Path, display: str) -> RawRecord:
        self._seen_records.add(display)
        # Stat before reading: if the file changes meanwhile, the next build sees a new key.
        key = stat_key(file)
        kept = self._records.get(display)
        if kept is not None and key is not None and kept.stat == key:
            self.stats.records_reused += 1
            return kept.raw
        try:
            digest = hashlib.sha256(file.read_bytes()).hexdigest()
        except OSError:
            # Unreadable now: let the real reader report it, and keep nothing.
            self._records.pop(display, None)
            return read_record(file, display)
        if kept is not None and kept.digest == digest:
            kept.stat = key
            self.stats.refreshed = True
            self.stats.records_reused += 1
            return kept.raw
        raw = read_record(file, display)
        self._records[display] = _Record(key, digest, raw, file=file)
        self.stats.records_parsed.append(display)
        return raw

    def validate_record(
        self, raw: RawRecord, site: SiteConfig | None, root: Path
    ) -> tuple[ValidRecord | None, list[Problem]]:
        if self._static is None:
            # Listed once per build: the files a document link may name.
            self._static = static_listing(root)
        site = self._same_site(site)
        kept = self._records.get(raw.path)
        done = kept.validated if kept is not None and kept.raw is raw else None
        if done is not None and (done.site is site or done.site == site) and done.static == self._static \
                and done.root == root:
            return done.record, list(done.problems)
        if kept is not None and kept.raw is raw and kept.light and kept.file is not None:
            # Validated before under other settings: the parse was not kept, so read the file again.
            raw = kept.raw = read_record(kept.file, raw.path)
            kept.light = False
        record, problems = validate_record(raw, site, root)
        self.stats.records_validated.append(raw.path)
        if kept is not None and kept.raw is raw:
            kept.validated = _Validated(site, self._static, root, record, tuple(problems))
        return record, problems

    def _same_site(self, site: SiteConfig | None) -> SiteConfig | None:
        """The settings object of earlier builds when it equals `site`: records validated
        under it are then recognised by identity, not by comparing the settings thousands of times."""
        if site is None:
            return None
        if site is self._site_given:
            return self._site
        self._site_given = site
        if self._site != site:
            self._site = site
        return self._site

    def renderer(self) -> Renderer:
        return self._renderer

    def project_view(self, slug: str, inputs: object, produce: Callable[[], ProjectView]) -> ProjectView:
        self._seen_views.add(slug)
        kept = self._views.get(slug)
        if kept is not None and kept.inputs == inputs:
            return kept.view
        view = produce()
        self._views[slug] = _View(inputs, view)
        self.stats.views_made.append(slug)
        return view

    def project_data(self, slug: str, inputs: object, produce: Callable[[], tuple[str, str]]) -> tuple[str, str]:
        kept = self._data.get(slug)
        if kept is not None and kept[0] == inputs:
            return kept[1]
        lines = produce()
        self._data[slug] = (inputs, lines)
        self.stats.data_made.append(slug)
        return lines

    def environment(self, fresh: Environment) -> Environment:
        sources = template_fingerprint(fresh)
        if self._environment is not None and self._environment[0] == sources:
            return self._environment[1]
        self._environment = (sources, fresh)
        return fresh

    def page(self, output: str, inputs: object, produce: Callable[[], bytes]) -> bytes:
        self._seen_pages.add(output)
        kept = self._pages.get(output)
        if kept is not None and kept[0] == inputs:
            self.stats.pages_reused += 1
            return kept[1]
        data = produce()
        self._pages[output] = (inputs, data)
        self.stats.pages_rendered.append(output)
        return data

    def record_digest(self, display: str) -> str | None:
        """The content digest of the record file read this build, if this cache read it."""
        kept = self._records.get(display)
        return kept.digest if kept is not None and display in self._seen_records else None

    def piece(self, name: str, key: object, produce: Callable[[], object]) -> object:
        self._seen_pieces.add(name)
        kept = self._pieces.get(name)
        if kept is not None and kept[0] == key:
            return kept[1]
        value = produce()
        self._pieces[name] = (key, value)
        self.stats.pieces_made += 1
        return value

    def reuse(self, name: str, digest: str, produce: Callable[[], dict[str, bytes]]) -> dict[str, bytes]:
        """`produce()`, or the files kept under `name` when their inputs' `digest` is the same."""
        kept = self._files.get(name)
        if kept is not None and kept[0] == digest:
            return dict(kept[1])
        files = produce()
        self._files[name] = (digest, dict(files))
        self.stats.files_made.append(name)
        return files

    def finish_build(self, sweep: bool = True) -> CacheStats:
        """Return the build's statistics and start new ones; with `sweep`, drop what it did not use.

        A failed build stops early and uses little, so it must not sweep:
        fixing `site.yaml` would otherwise mean parsing every record again.
        """
        if sweep:
            before = (len(self._records), len(self._pages), len(self._views), len(self._data))
            self._records = {k: v for k, v in self._records.items() if k in self._seen_records}
            self._pages = {k: v for k, v in self._pages.items() if k in self._seen_pages}
            self._views = {k: v for k, v in self._views.items() if k in self._seen_views}
            # By the projects that exist: a build that reuses the whole open data asks for no lines.
            self._data = {k: v for k, v in self._data.items() if k in self._seen_views}
            if self._seen_pieces:
                # A build that reused whole pages asked for no pieces: keep them for the next.
                self._pieces = {k: v for k, v in self._pieces.items() if k in self._seen_pieces}
            self._renderer.sweep()
            self.stats.refreshed |= before != (len(self._records), len(self._pages), len(self._views), len(self._data))
        self._seen_records = set()
        self._seen_pages = set()
        self._seen_views = set()
        self._seen_pieces = set()
        self._static = None
        stats, self.stats = self.stats, CacheStats()
        return stats


class UnsafePath(ValueError):
    """A generated file name that would land outside the served folder."""


def _target(out: Path, rel: str) -> Path:
    path = PurePosixPath(rel)
    if path.is_absolute() or not path.parts or ".." in path.parts or rel != path.as_posix():
        raise UnsafePath(rel)
    return out.joinpath(*path.parts)


def _write_atomically(target: Path, data: bytes) -> None:
    """Replace a file in one step, so a request served meanwhile gets the old or the new bytes, never half."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".write-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _prune_empty_parents(out: Path, target: Path) -> None:
    parent = target.parent
    while parent != out and parent.is_relative_to(out):
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent


def sync_folder(out: Path, previous: dict[str, bytes], files: dict[str, bytes]) -> list[str]:
    """Make `out` hold `files`, given that it holds `previous`; return the paths that changed, sorted.

    Removals come first: a name that was a file and is now a folder (or the
    other way round) is free by the time it is written.
    """
    changed: list[str] = []
    for rel in sorted(previous.keys() - files.keys()):
        target = _target(out, rel)
        target.unlink(missing_ok=True)
        _prune_empty_parents(out, target)
        changed.append(rel)
    for rel, data in sorted(files.items()):
        if previous.get(rel) == data:
            continue
        _write_atomically(_target(out, rel), data)
        changed.append(rel)
    return sorted(changed)
