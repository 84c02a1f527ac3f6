"""The persistent build cache in `ROOT/.cache/`: the preview's reuse, kept between runs.

`DiskCache` is a `BuildCache` built around a `MemoryCache` (parsed records,
validation, Markdown HTML, project views, page bytes; each reused only while
its whole input is equal) whose store is an `SqliteStore` in
`ROOT/.cache/build.sqlite`: one row per entry, read when a build first asks
for it, the rows a build changed written in one transaction when it
finishes. A rebuild after one edit therefore reads and writes that record's
rows, never the whole cache. What it keeps is keyed by the tool itself: a
cache written by another version of the code or the built-in theme is never
used, and one that cannot be read for any reason is set aside and rebuilt.

The rows are pickles: local build state in the site's own folder (ignored by
git), like any build tool's, never something fetched or shared.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from projcat.build.cache import CacheStats
from projcat.build.files import CACHE_FOLDER
from projcat.build.memory import MemoryCache
from projcat.build.rows import SKIP, SqliteStore
from projcat.build.stamp import code_fingerprint

if TYPE_CHECKING:
    from jinja2 import Environment

    from projcat.content.load import RawRecord
    from projcat.content.records import ValidRecord, ValidTranslation
    from projcat.content.settings import SiteConfig
    from projcat.problems import Problem
    from projcat.render.markup import Renderer
    from projcat.render.views import ProjectView

# The whole-store pickle earlier versions kept; removed when found.
_OLD_FILE = "build.pickle"


def cache_file(root: Path) -> Path:
    return root / CACHE_FOLDER / "build.sqlite"


def _shrink(space: str, key: Hashable, value: Any) -> Any:
    """What of an entry is worth a row: a record without its positioned parse (only a new
    validation needs it, and the file is parsed again then), and no joined open data files
    (joined again from their kept lines in a moment; writing them is slower)."""
    if space == "records":
        return value.lightened()
    if space == "files" and key == "publish":
        return SKIP
    return value


class DiskCache:
    """A `BuildCache` kept in `ROOT/.cache/` between runs; see the module docstring."""

    def __init__(self, root: Path, store: SqliteStore | None = None) -> None:
        self.root = root
        self.store = SqliteStore(cache_file(root), code_fingerprint(), _shrink) if store is None else store
        self.memory = MemoryCache(self.store, templates_folder=root / CACHE_FOLDER / "templates")

    @classmethod
    def load(cls, root: Path) -> DiskCache:
        """The cache kept for `root`, or an empty one when there is none that can be trusted."""
        (root / CACHE_FOLDER / _OLD_FILE).unlink(missing_ok=True)
        return cls(root)

    def finish_build(self, sweep: bool = True) -> CacheStats:
        """As `MemoryCache.finish_build`; then the rows this build changed are written. A failed
        build's results are kept too: each is checked against its inputs when used."""
        stats = self.memory.finish_build(sweep)
        self.store.commit()
        return stats

    # The steps themselves are the memory cache's.

    def offer(self, files: Mapping[Path, tuple[tuple[int, ...], bytes]]) -> None:
        self.memory.offer(files)

    def read_record(self, file: Path, display: str) -> RawRecord:
        return self.memory.read_record(file, display)

    def validate_record(
        self, raw: RawRecord, site: SiteConfig | None, root: Path
    ) -> tuple[ValidRecord | ValidTranslation | None, list[Problem]]:
        return self.memory.validate_record(raw, site, root)

    def prepare(self, texts: list[tuple[str, int]], parallel: bool = False) -> None:
        self.memory.prepare(texts, parallel)

    def renderer(self) -> Renderer:
        return self.memory.renderer()

    def project_view(self, slug: str, inputs: object, produce: Callable[[], ProjectView]) -> ProjectView:
        return self.memory.project_view(slug, inputs, produce)

    def environment(self, fresh: Environment) -> Environment:
        return self.memory.environment(fresh)

    def page(self, output: str, inputs: object, produce: Callable[[], bytes]) -> bytes:
        return self.memory.page(output, inputs, produce)

    def piece(self, name: str, key: object, produce: Callable[[], object]) -> object:
        return self.memory.piece(name, key, produce)

    def project_data(self, slug: str, inputs: object, produce: Callable[[], tuple[str, str]]) -> tuple[str, str]:
        return self.memory.project_data(slug, inputs, produce)

    def record_digest(self, display: str) -> str | None:
        return self.memory.record_digest(display)

    def reuse(self, name: str, digest: str, produce: Callable[[], dict[str, bytes]]) -> dict[str, bytes]:
        return self.memory.reuse(name, digest, produce)
