"""Incremental rebuilds: reuse what did not change, redo only what did.

`MemoryCache` implements `projcat.build.cache.BuildCache`. The preview owns
one (never module state) for as long as it runs; `projcat.build.disk`
builds one around a store loaded from `ROOT/.cache/` for each `build`. It
keeps its entries in a `Store` (`MemoryStore` here: a dict per space) and
reuses pure results only:

- a record file's parsed front matter, while the file's bytes are the same
  (a stat key skips reading an untouched file; after `touch` the bytes are
  compared). A file is read at most once per build (bytes the stamp read
  are `offer`ed): one read gives the digest and, when needed, the parse;
- its validation, while that parse, the site settings and the list of
  files under `static/` are the same;
- a Markdown body's HTML, while the text is the same;
- a project's view, while its inputs (catalogue entry, i.e. record and
  status, and the site settings) are equal;
- the Jinja environment with its compiled templates, while no template changed;
- a project's lines of the open data files (JSON and CSV), while its
  entry, address, theme name, last change and the CSV's columns are equal;
- a page's bytes, while its page object, the site view and the template
  sources are equal. A changed record therefore re-renders its own page and
  the pages listing it (index, its theme, the archive); a template or
  `site.yaml` change re-renders everything.

The catalogue and the site's views are recomputed every time (cheap, and
they depend on everything). The result is byte-identical to a full build.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Hashable, Mapping, MutableMapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from pydantic import BaseModel

from projcat.build.cache import CacheStats, Store
from projcat.build.files import StatKey, digest, settled, stat_key
from projcat.build.fingerprint import Fingerprints
from projcat.build.htmlmemo import MemoizingRenderer, retain
from projcat.content.load import (
    MAX_FILE_BYTES,
    RawRecord,
    read_limited,
    read_record,
    record_from_bytes,
    unreadable_record,
)
from projcat.content.records import ValidRecord, ValidTranslation
from projcat.content.settings import SiteConfig
from projcat.content.validate import validate_record
from projcat.content.yamlread import Document
from projcat.problems import Problem
from projcat.render.markup import Renderer
from projcat.render.pages import template_fingerprint
from projcat.render.views import ProjectView

__all__ = ["CacheStats", "MemoizingRenderer", "MemoryCache", "MemoryStore", "static_listing"]


def _current_key(file: Path) -> StatKey | None:
    """The file's stat key, or `None` when it cannot be trusted: unreadable, or changed so
    recently that another save within the same tick of the file clock would leave it as it is."""
    try:
        key = stat_key(file.stat())
    except OSError:
        return None
    return key if settled(key, time.time_ns()) else None


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


class MemoryStore:
    """A `Store` in memory: one dict per space."""

    def __init__(self, spaces: dict[str, dict[Hashable, Any]] | None = None) -> None:
        self._spaces: dict[str, dict[Hashable, Any]] = {} if spaces is None else spaces

    def space(self, name: str) -> dict[Hashable, Any]:
        return self._spaces.setdefault(name, {})


@dataclass
class _Validated:
    # A digest of the settings, the files under `static/` and the root it was validated under
    # (`MemoryCache._validation_inputs`): one string, not a copy of the settings in every record's row.
    inputs: str
    record: ValidRecord | ValidTranslation | None
    problems: tuple[Problem, ...]


@dataclass
class _Record:
    stat: StatKey | None
    digest: str
    raw: RawRecord
    validated: _Validated | None = None
    file: Path | None = None
    # Only the path and slug of `raw` are kept (see `lightened`); the file is parsed again when needed.
    light: bool = False

    def lightened(self) -> _Record:
        """This record without its positioned parse, which only a new validation needs.

        The parse is most of what a persistent cache would load and save for
        every record, and a validation that can be reused needs none of it."""
        if self.validated is None or self.file is None or self.light:
            return self
        raw = self.raw
        return replace(self, raw=RawRecord(raw.path, raw.slug, Document(data=None), "", raw.body_line,
                                             lang=raw.lang), light=True)


@dataclass
class _View:
    inputs: bytes  # the digest of what it was made from (`fingerprint.Fingerprints.of`)
    view: ProjectView


class MemoryCache:
    """The in-memory `BuildCache`; call `finish_build()` after each build.

    `store` holds what earlier builds kept (a new `MemoryStore` when not
    given); `templates_folder`, when given, keeps compiled templates there too."""

    def __init__(self, store: Store | None = None, templates_folder: Path | None = None) -> None:
        self.store: Store = MemoryStore() if store is None else store
        self._records: MutableMapping[Hashable, Any] = self.store.space("records")
        self._pages = self.store.space("pages")
        self._files = self.store.space("files")
        self._pieces = self.store.space("pieces")
        self._views = self.store.space("views")
        self._data = self.store.space("data")
        self._renderer = MemoizingRenderer(self.store.space("html"))
        self._templates_folder = templates_folder
        self._environment: tuple[str, Environment] | None = None
        self._static: StaticListing | None = None
        # This build's settings and the digest of what a validation depends on besides the record.
        self._site_given: tuple[SiteConfig | None, str] | None = None
        # Bytes read this build of records kept without their parse, should validation need it.
        self._unparsed: dict[str, bytes] = {}
        self._offered: dict[Path, tuple[tuple[int, ...], bytes]] = {}
        # Memo inputs are kept as digests: comparing them reads no earlier inputs back.
        self._prints = Fingerprints()
        self._seen_records: set[str] = set()
        self._seen_pages: set[str] = set()
        self._seen_views: set[str] = set()
        self._seen_pieces: set[str] = set()
        self.stats = CacheStats()

    def offer(self, files: Mapping[Path, tuple[tuple[int, ...], bytes]]) -> None:
        self._offered.update(files)

    def read_record(self, file: Path, display: str) -> RawRecord:
        self._seen_records.add(display)
        # Stat before reading: if the file changes meanwhile, the next build sees a new key.
        key = _current_key(file)
        kept = self._records.get(display)
        if kept is not None and key is not None and kept.stat == key:
            self.stats.records_reused += 1
            return kept.raw  # type: ignore[no-any-return]
        offered = self._offered.pop(file, None)
        data: bytes | None
        problems: list[Problem]
        if offered is not None and key is not None and offered[0] == key and len(offered[1]) <= MAX_FILE_BYTES:
            data, problems = offered[1], []
        else:
            data, problems = read_limited(file, display)
        if data is None:
            # Unreadable or too large now: report it, and keep nothing.
            self._records.pop(display, None)
            return unreadable_record(file, display, problems)
        content = digest(data)
        if kept is not None and kept.digest == content:
            kept.stat = key
            if kept.light:
                self._unparsed[display] = data
            self._records[display] = kept
            self.stats.refreshed = True
            self.stats.records_reused += 1
            return kept.raw  # type: ignore[no-any-return]
        raw = record_from_bytes(file, display, data)
        self._records[display] = _Record(key, content, raw, file=file)
        self.stats.records_parsed.append(display)
        return raw

    def validate_record(
        self, raw: RawRecord, site: SiteConfig | None, root: Path
    ) -> tuple[ValidRecord | ValidTranslation | None, list[Problem]]:
        if self._static is None:
            # Listed once per build: the files a document link may name.
            self._static = static_listing(root)
        inputs = self._validation_inputs(site, self._static, root)
        kept = self._records.get(raw.path)
        done = kept.validated if kept is not None and kept.raw is raw else None
        if done is not None and done.inputs == inputs:
            self._versioned(done.record, kept.digest, inputs)  # type: ignore[union-attr]
            return done.record, list(done.problems)
        if kept is not None and kept.raw is raw and kept.light and kept.file is not None:
            # Validated before under other settings, and the parse was not kept: parse the bytes
            # this build read, or read the file now when its stat key spared reading it before.
            data = self._unparsed.pop(raw.path, None)
            raw = kept.raw = read_record(kept.file, raw.path) if data is None \
                else record_from_bytes(kept.file, raw.path, data)
            kept.light = False
        record, problems = validate_record(raw, site, root)
        self.stats.records_validated.append(raw.path)
        if kept is not None and kept.raw is raw:
            kept.validated = _Validated(inputs, record, tuple(problems))
            self._records[raw.path] = kept
            self._versioned(record, kept.digest, inputs)
        return record, problems

    def _versioned(self, record: object, content: str, inputs: str) -> None:
        """A validated record (and its models) stands in later digests by what it was made from."""
        if record is None:
            return
        version = f"{content}\0{inputs}".encode()
        self._prints.register(record, version)
        for name, value in vars(record).items():
            if isinstance(value, BaseModel):
                self._prints.register(value, version + name.encode())

    def _validation_inputs(self, site: SiteConfig | None, static: StaticListing, root: Path) -> str:
        """A digest of everything a record's validation reads besides the record, made once per build
        (the settings' JSON names every value; a pickle's bytes would vary between processes)."""
        if self._site_given is not None and self._site_given[0] is site:
            return self._site_given[1]
        made = hashlib.sha256(b"-" if site is None else site.model_dump_json().encode())
        made.update(repr(sorted(static)).encode() + b"\0" + str(root).encode())
        self._site_given = (site, made.hexdigest())
        return self._site_given[1]

    def prepare(self, texts: list[tuple[str, int]], parallel: bool = False) -> None:
        self._renderer.prepare(texts, parallel)

    def renderer(self) -> Renderer:
        return self._renderer

    def project_view(self, slug: str, inputs: object, produce: Callable[[], ProjectView]) -> ProjectView:
        self._seen_views.add(slug)
        made = self._prints.of(inputs)
        kept = self._views.get(slug)
        if kept is not None and kept.inputs == made:
            view: ProjectView = kept.view
        else:
            view = produce()
            self._views[slug] = _View(made, view)
            self.stats.views_made.append(slug)
        # Pages and list items showing it are then keyed by where it came from, not by its contents.
        self._prints.register(view, made)
        return view

    def project_data(self, slug: str, inputs: object, produce: Callable[[], tuple[str, str]]) -> tuple[str, str]:
        made = self._prints.of(inputs)
        kept = self._data.get(slug)
        if kept is not None and kept[0] == made:
            return kept[1]  # type: ignore[no-any-return]
        lines = produce()
        self._data[slug] = (made, lines)
        self.stats.data_made.append(slug)
        return lines

    def environment(self, fresh: Environment) -> Environment:
        folder = self._templates_folder
        if folder is not None and fresh.bytecode_cache is None:
            # Compiling the templates is a tenth of a small rebuild: keep them compiled on disk too.
            folder.mkdir(parents=True, exist_ok=True)
            fresh.bytecode_cache = FileSystemBytecodeCache(str(folder))
        sources = template_fingerprint(fresh)
        if self._environment is not None and self._environment[0] == sources:
            return self._environment[1]
        self._environment = (sources, fresh)
        return fresh

    def page(self, output: str, inputs: object, produce: Callable[[], bytes]) -> bytes:
        self._seen_pages.add(output)
        made = self._prints.of(inputs)
        kept = self._pages.get(output)
        if kept is not None and kept[0] == made:
            self.stats.pages_reused += 1
            return kept[1]  # type: ignore[no-any-return]
        data = produce()
        self._pages[output] = (made, data)
        self.stats.pages_rendered.append(output)
        return data

    def record_digest(self, display: str) -> str | None:
        """The content digest of the record file read this build, if this cache read it."""
        kept = self._records.get(display)
        return kept.digest if kept is not None and display in self._seen_records else None

    def piece(self, name: str, key: object, produce: Callable[[], object]) -> object:
        self._seen_pieces.add(name)
        made = self._prints.of(key)
        kept = self._pieces.get(name)
        if kept is not None and kept[0] == made:
            return kept[1]
        value = produce()
        self._pieces[name] = (made, value)
        self.stats.pieces_made += 1
        return value

    def reuse(self, name: str, digest: str, produce: Callable[[], dict[str, bytes]]) -> dict[str, bytes]:
        kept = self._files.get(name)
        if kept is not None and kept[0] == digest:
            return dict(kept[1])
        files = produce()
        self._files[name] = (digest, dict(files))
        self.stats.files_made.append(name)
        return files

    def finish_build(self, sweep: bool = True) -> CacheStats:
        if sweep:
            dropped = retain(self._records, self._seen_records)
            dropped += retain(self._pages, self._seen_pages)
            dropped += retain(self._views, self._seen_views)
            # By the projects that exist: a build that reuses the whole open data asks for no lines.
            dropped += retain(self._data, self._seen_views)
            if self._seen_pieces:
                # A build that reused whole pages asked for no pieces: keep them for the next.
                retain(self._pieces, self._seen_pieces)
            self._renderer.sweep()
            self.stats.refreshed |= dropped > 0
        self._seen_records = set()
        self._seen_pages = set()
        self._seen_views = set()
        self._seen_pieces = set()
        self._unparsed = {}
        self._offered = {}
        self._static = None
        self._site_given = None
        self._prints.clear()
        stats, self.stats = self.stats, CacheStats()
        return stats

    def records_seen(self) -> int:
        """How many record files this build has read so far."""
        return len(self._seen_records)
