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
- `project_view`: catalogue entry + site settings (+ whatever else the view
  is made from, passed as `inputs`) -> the project's view;
- `environment`, `page`, `piece`: as `projcat.render.memo.RenderMemo`, the part
  of this interface rendering sees;
- `project_data`: a project's entry and published facts -> its lines of the
  open data files;
- `record_digest` and `reuse`: whole generated files (open data, search
  index) kept while the digest of their inputs is the same;
- `finish_build`: the end of one build; what it reused and redid.

Implementations: `projcat.build.memory.MemoryCache` (in memory, the
preview's) and `projcat.build.disk.DiskCache` (the same kept in
`ROOT/.cache/` between runs, the build's). Both keep their entries in a
`Store`: named spaces of keyed entries, so a store that keeps one entry per
row or per file (for sites too large to load whole) can stand in for the
in-memory one without the caches changing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from jinja2 import Environment

    from projcat.content.load import RawRecord
    from projcat.content.records import ValidRecord, ValidTranslation
    from projcat.content.settings import SiteConfig
    from projcat.problems import Problem
    from projcat.render.markup import Renderer
    from projcat.render.views import ProjectView


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


class Store(Protocol):
    """Where a cache keeps its entries: spaces ("records", "pages", ...) of entries by key.

    Keys are hashable and values picklable. A space is a mapping so the
    in-memory store costs nothing over a dict; a store that keeps each
    entry apart (a database row, a file) reads and writes one entry per
    key, and a cache puts an entry back after changing it, never relying on
    a changed value being seen through the mapping."""

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

    def project_view(self, slug: str, inputs: object, produce: Callable[[], ProjectView]) -> ProjectView:
        """`produce()`, or the view kept for `slug` when `inputs` (everything the view is made
        from: the catalogue entry, the site settings, ...) equals what produced it."""
        ...

    def environment(self, fresh: Environment) -> Environment:
        """`fresh`, or an environment kept from before whose templates are all the same."""
        ...

    def page(self, output: str, inputs: object, produce: Callable[[], bytes]) -> bytes:
        """`produce()`, or the bytes kept for `output` when `inputs` equals what produced them."""
        ...

    def piece(self, name: str, key: object, produce: Callable[[], object]) -> object:
        """`produce()`, or the value kept under `name` when it was made for an equal `key`.

        For small parts of a shared file (one project's item in the lists)."""
        ...

    def project_data(self, slug: str, inputs: object, produce: Callable[[], tuple[str, str]]) -> tuple[str, str]:
        """`produce()`, or the open data lines kept for `slug` when `inputs` equals what produced them."""
        ...

    def record_digest(self, display: str) -> str | None:
        """A digest of the bytes of the record file read as `display` in this build, when known."""
        ...

    def reuse(self, name: str, digest: str, produce: Callable[[], dict[str, bytes]]) -> dict[str, bytes]:
        """`produce()`, or the files kept under `name` when the digest of their inputs is the same."""
        ...

    def finish_build(self, sweep: bool = True) -> CacheStats:
        """End a build: return its statistics; with `sweep` (a build that succeeded) forget what it
        did not use, and a persistent cache keeps what is worth keeping for the next run.

        A failed build stops early and uses little, so it must not sweep:
        fixing `site.yaml` would otherwise mean parsing every record again."""
        ...
