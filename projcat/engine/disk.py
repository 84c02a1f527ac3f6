"""The persistent build cache in `ROOT/.cache/`: the preview's reuse, kept between runs.

`DiskCache` is a `BuildCache` built around a `MemoryCache` (parsed records,
validation, Markdown HTML, project views, page bytes; each reused only while
its whole input is equal) whose store is loaded from `ROOT/.cache/` when the
build starts and saved there, as the cache's `snapshot()`, when a successful
build redid enough to be worth it. What it keeps is keyed by the tool
itself: a cache written by another version of the code or the built-in
theme is never loaded, and one that cannot be read for any reason is set
aside and rebuilt from nothing.

The store is a pickle: local build state in the site's own folder (ignored
by git), like any build tool's. It is loaded with `ValuesOnly`, which makes
the tool's own classes and a few standard value types and refuses any other
name a file might hold (a function to call), so a cache folder copied from
someone else cannot run code; a refused file is a cold build.
A store keeping one entry per record could replace it for very large sites:
`MemoryCache` reaches its entries only through `Store.space`.
"""

from __future__ import annotations

import gc
import pickle
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from projcat.engine.cache import CacheStats
from projcat.engine.files import CACHE_FOLDER, write_atomically
from projcat.engine.memory import MemoryCache, MemoryStore
from projcat.engine.stamp import code_fingerprint

if TYPE_CHECKING:
    from jinja2 import Environment

    from projcat.content.load import RawRecord
    from projcat.content.media import RecordMedia
    from projcat.content.records import ValidRecord, ValidTranslation
    from projcat.content.settings import SiteConfig
    from projcat.problems import Problem
    from projcat.render.markup import Renderer

FORMAT = 3
_MAGIC = b"projcat-build-cache\n"
T = TypeVar("T")


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection meanwhile.

    Loading a cache makes hundreds of thousands of objects, and the collector
    would walk all made so far again and again: at 10,000 records that more
    than doubled the time to load. Nothing made here is garbage."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# A cache missing the results of at most a hundredth of the records is not rewritten:
# redoing them costs the next build less than saving every record again now.
SMALL_CHANGE_SHARE = 100


def worth_saving(stats: CacheStats, records: int) -> bool:
    """Whether a build redid enough that the next one should not have to redo it again.

    The cache on disk is what the last saved build knew. A build that
    redid only a few records' work (an edited record: its parse, view, page
    and list items) leaves it as it is, so a rebuild after one edit does not
    spend seconds rewriting thousands of unchanged records; the builds after
    it redo those few records again (milliseconds each) until their number
    passes the limit, and then one of them saves. Every kept result is
    checked against its inputs when used, so a cache that lags behind only
    saves less work, never changes a byte of the output.
    """
    if not stats.changed_anything:
        return False
    if "search-index" in stats.files_made:
        return True  # the search index takes seconds to make again, whatever changed
    limit = records // SMALL_CHANGE_SHARE
    # Work done per project; the lists showing a changed project are made again anyway. A changed
    # template remakes every project's list item (a piece), so it counts here too.
    redone = (len(stats.records_parsed), len(stats.records_validated), len(stats.media_checked), len(stats.views_made),
              len(stats.data_made), stats.pieces_made)
    return max(redone) > limit


def _header() -> bytes:
    """Names the cache's own format and the tool that wrote it."""
    return _MAGIC + f"{FORMAT}:{code_fingerprint()}\n".encode()


def cache_file(root: Path) -> Path:
    return root / CACHE_FOLDER / "build.pickle"


# Classes outside the tool's own a kept value may be made of; nothing else is looked up.
_VALUE_CLASSES = frozenset({
    ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "bytearray"), ("builtins", "slice"),
    ("collections", "OrderedDict"), ("datetime", "date"), ("datetime", "datetime"), ("datetime", "timedelta"),
    ("datetime", "timezone"), ("decimal", "Decimal"), ("markupsafe", "Markup"), ("pathlib", "Path"),
    ("pathlib", "PosixPath"), ("pathlib", "PurePosixPath"), ("pathlib", "WindowsPath"),
})

# The tool's modules of values (records, settings, views, pages, problems), and the store itself:
# not the commands, the preview's server or anything else whose making could start something.
_VALUE_MODULES = frozenset({"projcat.catalogue", "projcat.problems", "projcat.languages", "projcat.engine.memory"})
_VALUE_PACKAGES = ("projcat.content.", "projcat.render.")


class ValuesOnly(pickle.Unpickler):
    """An unpickler that makes values only: the classes of the tool's values and a few of the standard
    library's value types, never a function or any other callable a hostile file might name.

    The cache is local build state the tool wrote into the site's own ignored folder, but a site
    folder is something people copy and share: loading one must not run code it names."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _VALUE_CLASSES or module in _VALUE_MODULES or module.startswith(_VALUE_PACKAGES):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"not a value a build cache keeps: {module}.{name}")


def load_store(root: Path) -> MemoryStore | None:
    """The store kept for `root`, or `None` when there is none that can be trusted."""
    header = _header()
    try:
        # Read as it is unpickled: the whole file at once would be hundreds of megabytes more.
        with open(cache_file(root), "rb") as stream, collector_paused():
            if stream.read(len(header)) != header:
                return None
            store = ValuesOnly(stream).load()
    except Exception:
        return None
    return store if isinstance(store, MemoryStore) else None


class DiskCache:
    """A `BuildCache` kept in `ROOT/.cache/` between runs; see the module docstring."""

    def __init__(self, root: Path, store: MemoryStore | None = None) -> None:
        self.root = root
        self.memory = MemoryCache(store, templates_folder=root / CACHE_FOLDER / "templates")

    @classmethod
    def load(cls, root: Path) -> DiskCache:
        """The cache kept for `root`, or an empty one when there is none that can be trusted."""
        return cls(root, load_store(root))

    def save(self) -> None:
        """Write atomically: a build killed while saving leaves the old cache or none, never half."""
        state = self.memory.snapshot()

        def dump(stream: IO[bytes]) -> None:
            stream.write(_header())
            with collector_paused():
                pickle.dump(state, stream, protocol=pickle.HIGHEST_PROTOCOL)

        write_atomically(cache_file(self.root), dump, mode=0o600)

    def finish_build(self, sweep: bool = True) -> CacheStats:
        """As `MemoryCache.finish_build`; a successful build that redid enough is saved for the next."""
        records = self.memory.records_seen()
        stats = self.memory.finish_build(sweep)
        if sweep and worth_saving(stats, records):
            self.save()
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

    def record_media(self, raw: RawRecord, root: Path,
                     produce: Callable[[RawRecord, Path], RecordMedia]) -> RecordMedia:
        return self.memory.record_media(raw, root, produce)

    def environment(self, fresh: Environment) -> Environment:
        return self.memory.environment(fresh)

    def reading(self) -> AbstractContextManager[None]:
        return self.memory.reading()

    def memo(self, step: str, name: str, args: tuple[Any, ...], function: Callable[..., T]) -> T:
        return self.memory.memo(step, name, args, function)
