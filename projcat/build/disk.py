"""The persistent build cache in `ROOT/.cache/`: the preview's reuse, kept between runs.

`DiskCache` is the preview's `MemoryCache` (parsed records, validation,
Markdown HTML, project views, page bytes; each reused only while its whole
input is equal) saved after a successful build and loaded by the next one.
What it keeps is keyed by the tool itself: a cache written by another
version of the code or the built-in theme is never loaded, and one that
cannot be read for any reason is set aside and rebuilt from nothing.

The cache is a pickle: it is local build state in the site's own folder
(ignored by git), like any build tool's, never something fetched or shared.
"""

from __future__ import annotations

import gc
import os
import pickle
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from jinja2 import Environment, FileSystemBytecodeCache

from projcat.build.memory import CacheStats, MemoryCache
from projcat.build.stamp import code_fingerprint

FORMAT = 1
CACHE_FOLDER = ".cache"
_MAGIC = b"projcat-build-cache\n"


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
    redone = (len(stats.records_parsed), len(stats.records_validated), len(stats.views_made),
              len(stats.data_made), stats.pieces_made)
    return max(redone) > limit


def _header() -> bytes:
    """Names the cache's own format and the tool that wrote it."""
    return _MAGIC + f"{FORMAT}:{code_fingerprint()}\n".encode()


def cache_file(root: Path) -> Path:
    return root / CACHE_FOLDER / "build.pickle"


class DiskCache(MemoryCache):
    """A `MemoryCache` that survives between builds; see the module docstring."""

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_records"] = {path: kept.lightened() for path, kept in self._records.items()}
        # The open data files are joined again from their kept lines in a moment; saving them twice is slow.
        state["_files"] = {name: kept for name, kept in self._files.items() if name != "publish"}
        # Compiled templates hold code objects; they are recompiled, and reused within a run.
        state["_environment"] = None
        state["_templates_folder"] = None
        state["_site_given"] = None
        state["_seen_records"] = set()
        state["_seen_pages"] = set()
        state["_seen_views"] = set()
        state["_seen_pieces"] = set()
        state["_static"] = None
        return state

    @classmethod
    def load(cls, root: Path) -> "DiskCache":
        """The cache kept for `root`, or an empty one when there is none that can be trusted."""
        header = _header()
        try:
            # Read as it is unpickled: the whole file at once would be hundreds of megabytes more.
            with open(cache_file(root), "rb") as stream, collector_paused():
                if stream.read(len(header)) != header:
                    return cls()
                cache = pickle.load(stream)
        except Exception:  # noqa: BLE001 - missing, unreadable or damaged: start from nothing
            return cls()
        if not isinstance(cache, cls):
            return cls()
        return cache

    def use_folder(self, root: Path) -> "DiskCache":
        """Keep compiled templates in the cache folder too: compiling them is a tenth of a small rebuild."""
        self._templates_folder = root / CACHE_FOLDER / "templates"
        return self

    def environment(self, fresh: Environment) -> Environment:
        folder = getattr(self, "_templates_folder", None)
        if folder is not None and fresh.bytecode_cache is None:
            folder.mkdir(parents=True, exist_ok=True)
            fresh.bytecode_cache = FileSystemBytecodeCache(str(folder))
        return super().environment(fresh)

    def save(self, root: Path) -> None:
        """Write atomically: a build killed while saving leaves the old cache or none, never half."""
        path = cache_file(root)
        path.parent.mkdir(parents=True, exist_ok=True)
        header = _header()
        handle, temporary = tempfile.mkstemp(prefix=".build-", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(header)
                with collector_paused():
                    pickle.dump(self, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

