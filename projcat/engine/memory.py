"""Incremental rebuilds: reuse what did not change, redo only what did.

`MemoryCache` implements `projcat.engine.cache.BuildCache`. The preview owns
one (never module state) for as long as it runs; `projcat.engine.disk`
builds one around a store loaded from `ROOT/.cache/` for each `build`. It
keeps its entries in a `Store` (`MemoryStore` here: a dict per space); a
cold build is the same code with an empty store. What it reuses:

- a record file's parsed front matter, while the file's bytes are the same
  (a stat key skips reading an untouched file; after `touch` the bytes are
  compared). A file is read at most once per build (bytes the stamp read
  are `offer`ed): one read gives the digest and, when needed, the parse;
- its validation, while that parse, the site settings (compared whole, every
  language of every text) and the list of files under `static/` are the same;
- a Markdown body's HTML, while the text is the same;
- the Jinja environment with its compiled templates, while no template changed;
- every other step through `memo(step, name, args, function)`: a record's
  images and documents (`record_media`), a project's view, its open data
  lines, a list item, a page, the open data and search files. Each kept
  entry is (the arguments, the trace of files the call read with their
  digests, the value), and is reused only while the new arguments are equal
  and every traced file still has its digest (`files.InputFiles`): a
  verifying trace. A reused step's trace joins the trace of the step around
  it, so a page kept whole still depends on the photos its list items read.

The catalogue and the site's views are recomputed every time (cheap, and
they depend on everything). The result is byte-identical to a full build.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Hashable, Mapping, MutableMapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, FileSystemBytecodeCache

from projcat.content.inputs import recording
from projcat.content.load import (
    MAX_FILE_BYTES,
    RawRecord,
    read_limited,
    read_record,
    record_from_bytes,
    unreadable_record,
)
from projcat.content.media import RecordMedia
from projcat.content.records import ValidRecord, ValidTranslation
from projcat.content.settings import SiteConfig
from projcat.content.validate import validate_record
from projcat.content.yamlread import Document
from projcat.engine.cache import CacheStats, Store
from projcat.engine.files import InputFiles, StatKey, digest, settled, stat_key
from projcat.problems import Problem
from projcat.render.markup import Renderer
from projcat.render.pages import template_fingerprint

__all__ = ["CacheStats", "MemoizingRenderer", "MemoryCache", "MemoryStore", "Written", "static_listing"]

T = TypeVar("T")

# The memoised steps, each a space of the store; the build asks each of these every time,
# so what it did not ask for is gone and can be forgotten.
STEPS = ("media", "view", "data", "piece", "page", "files", "static-image")
# Asked only when what contains them is made again: kept unless asked at least once.
_SWEPT_WHEN_ASKED = ("data", "piece")
# Compared directly: cheap, and too many distinct ones to remember each pair.
_PLAIN = frozenset({str, int, bool, float, type(None)})
# Never swept: the search index is asked for only by builds for publishing.
_NEVER_SWEPT = ("files",)


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
    """A `Store` in memory: one dict per space. The build's disk cache keeps its entries
    in SQLite (`projcat.engine.disk`) and holds them in one of these while it runs."""

    def __init__(self, spaces: dict[str, dict[Hashable, Any]] | None = None) -> None:
        self._spaces: dict[str, dict[Hashable, Any]] = {} if spaces is None else spaces

    def space(self, name: str) -> dict[Hashable, Any]:
        return self._spaces.setdefault(name, {})


@dataclass(frozen=True)
class Written:
    """A page or file kept as what the output folder holds at `path` (its size and digest), not as
    its bytes: see `projcat.engine.written`. It lives here, among the store's own classes, because
    these are the classes a cache file may be loaded with (`disk.ValuesOnly`)."""

    path: str
    size: int
    digest: str


@dataclass
class _Validated:
    site: SiteConfig | None
    static: StaticListing
    root: Path
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


class MemoizingRenderer(Renderer):
    """A Markdown renderer that converts each distinct text once, keeping the HTML in `html`.

    `Renderer.to_html` resets the converter for every document, so its
    result depends on the text alone and can be kept.
    """

    def __init__(self, html: MutableMapping[Hashable, Any] | None = None) -> None:
        super().__init__()
        self._html: MutableMapping[Hashable, Any] = {} if html is None else html
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
        for item, html in zip(missing, convert_all(missing), strict=True):
            self._html[item] = html

    def sweep(self) -> None:
        """Forget texts the last build did not ask for, so a day of edits does not pile up."""
        for key in [key for key in self._html if key not in self._used]:
            del self._html[key]
        self._used = set()


def _drop_unseen(space: MutableMapping[Hashable, Any], seen: set[str] | set[Hashable]) -> int:
    unseen = [key for key in space if key not in seen]
    for key in unseen:
        del space[key]
    return len(unseen)


class MemoryCache:
    """The in-memory `BuildCache`; call `finish_build()` after each build.

    `store` holds what earlier builds kept (a new `MemoryStore` when not
    given); `templates_folder`, when given, keeps compiled templates there too."""

    def __init__(self, store: Store | None = None, templates_folder: Path | None = None) -> None:
        self.store: Store = MemoryStore() if store is None else store
        self._records: MutableMapping[Hashable, Any] = self.store.space("records")
        self._steps = {step: self.store.space(step) for step in STEPS}
        self._settings = self.store.space("settings")
        # The stat keys and digests of the files steps read, kept between builds.
        self._inputs = InputFiles(self.store.space("inputs"), self.store.space("decoded"))  # type: ignore[arg-type]
        self._renderer = MemoizingRenderer(self.store.space("html"))
        self._templates_folder = templates_folder
        self._environment: tuple[str, Environment] | None = None
        self._static: StaticListing | None = None
        # Kept in the store: records validated under it are recognised by identity after a load too.
        self._site: SiteConfig | None = self._settings.get("site")
        self._site_given: SiteConfig | None = None
        # Bytes read this build of records kept without their parse, should validation need it.
        self._unparsed: dict[str, bytes] = {}
        self._offered: dict[Path, tuple[tuple[int, ...], bytes]] = {}
        self._seen_records: set[str] = set()
        self._seen: dict[str, set[Hashable]] = {step: set() for step in STEPS}
        # Arguments compared this build: (id, id) -> (equal, the two objects, held).
        self._equal: dict[tuple[int, int], tuple[bool, Any, Any]] = {}
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
        site = self._same_site(site)
        kept = self._records.get(raw.path)
        done = kept.validated if kept is not None and kept.raw is raw else None
        if done is not None and (done.site is site or done.site == site) and done.static == self._static \
                and done.root == root:
            return done.record, list(done.problems)
        raw = self._parsed(raw)
        kept = self._records.get(raw.path)
        record, problems = validate_record(raw, site, root)
        self.stats.records_validated.append(raw.path)
        if kept is not None and kept.raw is raw:
            kept.validated = _Validated(site, self._static, root, record, tuple(problems))
            self._records[raw.path] = kept
        return record, problems

    def _parsed(self, raw: RawRecord) -> RawRecord:
        """`raw` with its positioned parse: a record kept without it (see `_Record.lightened`)
        is parsed from the bytes this build read, or read now when its stat key spared reading it."""
        kept = self._records.get(raw.path)
        if kept is None or kept.raw is not raw or not kept.light or kept.file is None:
            return raw
        data = self._unparsed.pop(raw.path, None)
        kept.raw = read_record(kept.file, raw.path) if data is None else record_from_bytes(kept.file, raw.path, data)
        kept.light = False
        self._records[raw.path] = kept
        return kept.raw  # type: ignore[no-any-return]

    def record_media(self, raw: RawRecord, root: Path,
                     produce: Callable[[RawRecord, Path], RecordMedia]) -> RecordMedia:
        kept = self._records.get(raw.path)
        if kept is None or raw.path not in self._seen_records:
            return produce(raw, root)  # unreadable now: nothing is kept for it
        # The record is its path and its bytes' digest; the parse is made from them when needed.
        return self.memo("media", raw.path, (raw.path, kept.digest, root),
                         lambda path, content, root: produce(self._parsed(kept.raw), root))

    def reading(self) -> AbstractContextManager[None]:
        return recording(self._inputs)

    def memo(self, step: str, name: str, args: tuple[Any, ...], function: Callable[..., T]) -> T:
        space = self._steps[step]
        self._seen[step].add(name)
        kept = space.get(name)
        if kept is not None and self._same_args(kept[0], args) and self._inputs.unchanged(kept[1]):
            # What it read is read by whatever step this one is part of, too.
            self._inputs.extend(kept[1])
            if step == "page":
                self.stats.pages_reused += 1
            return kept[2]  # type: ignore[no-any-return]
        with recording(self._inputs), self._inputs.tracing() as trace:
            value = function(*args)
        space[name] = (args, dict(trace), value)
        self._made(step, name)
        return value

    def _same_args(self, kept: tuple[Any, ...], args: tuple[Any, ...]) -> bool:
        """`kept == args`, comparing each pair of distinct objects once per build.

        The settings, the site's view and the templates' digest are arguments of
        thousands of steps: compared afresh at each, they were seconds of a one-record
        rebuild at 10,000 records. Every argument is an immutable value, so a pair's
        answer holds for the whole build; the pair is held so that neither id is reused."""
        if len(kept) != len(args):
            return False
        equal = self._equal
        for old, new in zip(kept, args, strict=True):
            if old is new:
                continue
            if type(old) in _PLAIN:
                if old != new:
                    return False
                continue
            pair = (id(old), id(new))
            known = equal.get(pair)
            if known is None:
                known = equal[pair] = (old == new, old, new)
            if not known[0]:
                return False
        return True

    def _made(self, step: str, name: Hashable) -> None:
        stats = self.stats
        if step == "piece":
            stats.pieces_made += 1
            return
        if step == "static-image":
            # A static file, the same bytes whoever asks: not a sign the site changed.
            return
        made = {"media": stats.media_checked, "view": stats.views_made, "data": stats.data_made,
                "page": stats.pages_rendered, "files": stats.files_made}[step]
        made.append(str(name))

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
            self._settings["site"] = site
        return self._site

    def prepare(self, texts: list[tuple[str, int]], parallel: bool = False) -> None:
        self._renderer.prepare(texts, parallel)

    def renderer(self) -> Renderer:
        return self._renderer

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

    def finish_build(self, sweep: bool = True) -> CacheStats:
        if sweep:
            dropped = _drop_unseen(self._records, self._seen_records)
            for step, space in self._steps.items():
                seen = self._seen[step]
                if step in _NEVER_SWEPT or (step in _SWEPT_WHEN_ASKED and not seen):
                    # A build that reused the whole open data (or whole pages) asked for no lines
                    # (or list items): keep them for the next.
                    continue
                dropped += _drop_unseen(space, seen)
            self._renderer.sweep()
            dropped += self._inputs.sweep()
            self.stats.refreshed |= dropped > 0
        self._seen_records = set()
        self._seen = {step: set() for step in STEPS}
        self._equal = {}
        self._inputs.next_build()
        self._unparsed = {}
        self._offered = {}
        self._static = None
        stats, self.stats = self.stats, CacheStats()
        return stats

    def persisted(self, space: str, key: Hashable, value: Any) -> Any:
        """What of an entry is worth keeping for a later run, or `None` for nothing.

        Records lose their positioned parse (see `_Record.lightened`): a record
        whose media or validation must be made again is parsed again. The open
        data files are left out, as they are joined again from their kept lines
        in a moment and saving them twice is slow."""
        if space == "records":
            return value.lightened()
        if space == "files" and key == "publish":
            return None
        return value
