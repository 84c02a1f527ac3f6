"""What a build may reuse from an earlier run: the interface, not a store.

A build given a `BuildCache` must produce exactly the bytes it produces
without one; the cache only saves work. Each step method stands for one pure
step of the pipeline, and an implementation answers from what it kept only
when the step's whole input is the same as before:

- `read_record`: a record file -> `RawRecord` (front matter parsed with
  positions: the slowest step); the file is read at most once per build, and
  not at all while its stat key is the one recorded with the kept parse;
- `validate_record`: raw record + site settings + the files under `static/`
  (documents may link to them) -> the typed record and its problems;
- `prepare` / `renderer`: Markdown bodies converted up front (across
  processes when there are many), then a renderer answering from them;
- `environment`: the Jinja environment, kept while no template changed;
- `record_media`: a record's images and documents (`content.media`);
- `memo`: every other step (a project's view, its open data lines, a list
  item, a page, the open data and search files), as
  `projcat.render.memo.Memo`: a function called with its arguments, kept
  with the trace of the files it read (path -> digest) and reused only while
  the arguments are equal and every traced file is unchanged. Nothing lists a
  step's inputs beside the call: what the function may use is what it is given;
- `finish_build`: the end of one build; what it reused and redid.

Implementations: `projcat.engine.memory.MemoryCache` (in memory, the
preview's) and `projcat.engine.disk.DiskCache` (the same kept in
`ROOT/.cache/build.sqlite` between runs, one row per entry, the build's).
Both keep their entries in a `Store`: named spaces of keyed entries.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, MutableMapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from jinja2 import Environment

    from projcat.content.load import RawRecord
    from projcat.content.media import RecordMedia
    from projcat.content.records import ValidRecord, ValidTranslation
    from projcat.content.settings import SiteConfig
    from projcat.problems import Problem
    from projcat.render.markup import Renderer

T = TypeVar("T")


@dataclass
class CacheStats:
    """What the last build reused and what it had to redo; for tests and the terminal."""

    records_parsed: list[str] = field(default_factory=list)
    records_reused: int = 0
    records_validated: list[str] = field(default_factory=list)
    media_checked: list[str] = field(default_factory=list)
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
        return bool(self.records_parsed or self.records_validated or self.media_checked or self.views_made
                    or self.data_made or self.pages_rendered or self.files_made or self.pieces_made or self.refreshed)


class Store(Protocol):
    """Where a cache keeps its entries: spaces ("records", "pages", ...) of entries by key.

    Keys are hashable, and keys and values are made of what
    `projcat.engine.codec` can write (the tool's value classes and the
    standard library's value types). A space is a mapping so the in-memory
    store costs nothing over a dict; a store that keeps each entry apart (a
    database row, a file) writes one entry per key set or removed, and a
    cache puts an entry back after changing it, never relying on a changed
    value being seen through the mapping."""

    def space(self, name: str) -> MutableMapping[Hashable, Any]:
        ...


class BuildCache(Protocol):
    """Everything the pipeline and the preview ask of a cache."""

    def offer(self, files: Mapping[Path, tuple[tuple[int, ...], bytes]]) -> None:
        """Record files this build has read already (the stamp digests every changed source before
        the build starts), each with the stat key it was read under: `read_record` parses those bytes
        instead of reading the file again while its key is the same."""
        ...

    def read_record(self, file: Path, display: str) -> RawRecord:
        """`load.read_record(file, display)`, or the same result kept from before."""
        ...

    def validate_record(
        self, raw: RawRecord, site: SiteConfig | None, root: Path
    ) -> tuple[ValidRecord | ValidTranslation | None, list[Problem]]:
        """`validate.validate_record(raw, site, root)`, or the same result kept from before."""
        ...

    def prepare(self, texts: list[tuple[str, int]], parallel: bool = False) -> None:
        """Convert every (Markdown text, top heading level) this build shows that is not kept yet,
        across processes when `parallel` and there are many; `renderer()` then answers from them."""
        ...

    def renderer(self) -> Renderer:
        """The Markdown renderer to use for this build."""
        ...

    def record_media(self, raw: RawRecord, root: Path,
                     produce: Callable[[RawRecord, Path], RecordMedia]) -> RecordMedia:
        """`produce(raw, root)` (`media.record_media`), or the answer kept for the record while its bytes and
        every file the answer read are the same; `raw` is parsed again if it was kept without its parse."""
        ...

    def environment(self, fresh: Environment) -> Environment:
        """`fresh`, or an environment kept from before whose templates are all the same."""
        ...

    def reading(self) -> AbstractContextManager[None]:
        """A context in which files read through `projcat.content.inputs` are noted for the steps
        that read them, and what Pillow and pikepdf make of a file's bytes is kept by their digest."""
        ...

    def memo(self, step: str, name: str, args: tuple[Any, ...], function: Callable[..., T]) -> T:
        """`function(*args)`, or the value kept for (`step`, `name`) when it was made from equal
        arguments and every file that call read still has the digest it had (see
        `projcat.render.memo`). `step` is one of `memory.STEPS`."""
        ...

    def finish_build(self, sweep: bool = True) -> CacheStats:
        """End a build: return its statistics; with `sweep` (a build that succeeded) forget what it
        did not use, and a persistent cache keeps what is worth keeping for the next run.

        A failed build stops early and uses little, so it must not sweep:
        fixing `site.yaml` would otherwise mean parsing every record again."""
        ...
