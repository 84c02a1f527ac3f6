"""The persistent build cache in `ROOT/.cache/`: the preview's reuse, kept between runs.

`DiskCache` is a `BuildCache` built around a `MemoryCache` (parsed records,
validation, Markdown HTML, project views, page bytes; each reused only while
its whole input is equal) whose store is loaded from `ROOT/.cache/build.sqlite`
when the build starts, and whose changed entries are written back there when
a successful build changed any. What it keeps is keyed by the tool itself: a
cache written by another version of the code or the built-in theme is never
loaded, and one that cannot be read for any reason is set aside and rebuilt
from nothing. Either way the build is made cold, and correctly.

The store is an SQLite database (local build state in the site's own folder,
ignored by git) with one row per entry, keyed by (space, key), its value in
the JSON of `projcat.engine.codec`: nothing in it is unpickled, and reading it
makes values of the tool's own classes only, so a cache folder copied from
someone else cannot run code. Values shared by many entries (a project's
view, its catalogue entry, the site's settings) are rows of their own, by
digest. Every row is read in one query when the build starts (its key is
decoded then, its value kept as text), and a value is decoded, fully checked
by the codec, only when the build first asks for it; a shared value when an
entry first refers to it. A row that turns out untrusted then stops the build
where it is (`StoreUntrusted`), before it writes anything, and
`build_with_store` builds again cold, so nothing from that store is used
(ARCHITECTURE.md says why rows are not all decoded up front any more).
A build then writes, in one transaction, only the entries it made, replaced
or swept away: a rebuild after one edit writes that record's rows and the
lists showing it, not the whole store.
"""

from __future__ import annotations

import gc
import os
import sqlite3
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from projcat.engine import codec
from projcat.engine.cache import CacheStats
from projcat.engine.codec import Sharing, Untrusted
from projcat.engine.files import CACHE_FOLDER
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

# The layout of the database and the codec's; with the code's fingerprint, what a store must match.
FORMAT = 4
T = TypeVar("T")

_SCHEMA = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE entry (space TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (space, key));"
    "CREATE TABLE shared (digest TEXT PRIMARY KEY, value BLOB NOT NULL);"
    # Which shared values each entry refers to: one no entry uses is deleted.
    "CREATE TABLE uses (space TEXT NOT NULL, key TEXT NOT NULL, digest TEXT NOT NULL);"
    "CREATE INDEX uses_entry ON uses (space, key);"
    "CREATE INDEX uses_digest ON uses (digest)"
)


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


def worth_saving(stats: CacheStats) -> bool:
    """Whether a build changed what the cache holds: only then is anything written."""
    return stats.changed_anything


def _version() -> str:
    """Names the store's own format and the tool that wrote it."""
    return f"{FORMAT}:{code_fingerprint()}"


def cache_file(root: Path) -> Path:
    return root / CACHE_FOLDER / "build.sqlite"


def _files(root: Path) -> list[Path]:
    """The database and the journal files SQLite keeps beside it."""
    database = cache_file(root)
    return [database, *(database.with_name(database.name + tail) for tail in ("-wal", "-shm", "-journal"))]


class StoreUntrusted(BaseException):
    """A row of the loaded store turned out, when first read, not to be one this tool wrote.

    A `BaseException`, as `KeyboardInterrupt` is, so that no `except Exception` on its way out of
    the build turns it into a problem or a fallback: the build stops where it is, before it has
    written anything (`output.SiteWriter` aborts), and `build_with_store` builds again cold."""


class _Row:
    """A value as the store holds it, decoded when first asked for."""

    __slots__ = ("data",)

    def __init__(self, data: bytes | str) -> None:
        self.data = data


class _Reader:
    """Decodes the rows of one loaded store, and the shared values they refer to, when first needed.

    Once one row has turned out untrusted, the store is: no other row is decoded either."""

    def __init__(self, shared: dict[str, bytes | str]) -> None:
        self.shared = shared
        self.sharing = Sharing()
        self.made: dict[str, Any] = {}
        # The shared values being made, innermost last, and the shared values each refers to.
        self.making: list[str] = []
        self.inside: list[set[str]] = []
        self.untrusted: str | None = None

    def value(self, data: bytes | str) -> Any:
        if self.untrusted is not None:
            raise StoreUntrusted(self.untrusted)
        # A row makes many objects that live as long as the build; see `collector_paused`.
        enabled = gc.isenabled()
        gc.disable()
        try:
            value = codec.decode(data, self.resolve)
        except Exception as error:  # damaged, foreign or hostile (`Untrusted`): whatever the reason, not trusted
            self.untrusted = f"{type(error).__name__}: {error}"
            raise StoreUntrusted(self.untrusted) from error
        finally:
            if enabled:
                gc.enable()
        # What a row makes lives as long as the cache. A build froze what it held when it started
        # (`pipeline.build`), and unfreezes everything at its end: frozen with that, it is not walked
        # again in every collection (at 10,000 records, 3 s of a one-record rebuild's 16).
        gc.freeze()
        return value

    def resolve(self, digest: str) -> Any:
        if self.making:
            self.inside[-1].add(digest)
        if digest in self.made:
            return self.made[digest]
        if digest in self.making or digest not in self.shared:
            raise Untrusted(f"no shared value {digest}")
        self.making.append(digest)
        self.inside.append(set())
        value = codec.decode(self.shared[digest], self.resolve)
        self.making.pop()
        self.made[digest] = value
        # Made once: its text is not needed again.
        del self.shared[digest]
        self.sharing.loaded(value, digest, self.inside.pop())
        return value


class TrackedSpace(dict[Hashable, Any]):
    """A space of a `StoredStore`: a dict that notes every key set or removed since it was loaded.

    A loaded entry's value stays as the store's text (`_Row`) until it is first read, through
    any of the methods below, which decode it then (`_Reader`); `in`, `len` and the keys need
    no value. `MemoryCache` puts an entry back after changing it (the `Store` protocol), so the
    keys noted are exactly the entries to write."""

    def __init__(self, entries: Iterable[tuple[Hashable, Any]] = (), reader: _Reader | None = None) -> None:
        super().__init__(entries)
        self.changed: set[Hashable] = set()
        self.reader = reader

    def _decoded(self, key: Hashable, row: _Row) -> Any:
        assert self.reader is not None
        value = self.reader.value(row.data)
        # As it was loaded, not a change: nothing to write.
        dict.__setitem__(self, key, value)
        return value

    def _all_decoded(self) -> None:
        for key, value in list(dict.items(self)):
            if type(value) is _Row:
                self._decoded(key, value)

    def __getitem__(self, key: Hashable) -> Any:
        value = dict.__getitem__(self, key)
        return self._decoded(key, value) if type(value) is _Row else value

    def get(self, key: Hashable, default: Any = None) -> Any:
        value = dict.get(self, key, default)
        return self._decoded(key, value) if type(value) is _Row else value

    def __iter__(self) -> Iterator[Hashable]:
        # Defined here so that `dict(space)` and `{**space}` read the values through `__getitem__`.
        return dict.__iter__(self)

    def values(self) -> Any:
        self._all_decoded()
        return super().values()

    def items(self) -> Any:
        self._all_decoded()
        return super().items()

    def copy(self) -> dict[Hashable, Any]:
        self._all_decoded()
        return dict(super().items())

    def __eq__(self, other: object) -> bool:
        self._all_decoded()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None

    def __setitem__(self, key: Hashable, value: Any) -> None:
        self.changed.add(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: Hashable) -> None:
        self.changed.add(key)
        super().__delitem__(key)

    def pop(self, key: Hashable, *default: Any) -> Any:
        self.changed.add(key)
        value = super().pop(key, *default)
        return self._decoded(key, value) if type(value) is _Row else value

    def setdefault(self, key: Hashable, default: Any = None) -> Any:
        if key not in self:
            self.changed.add(key)
            dict.__setitem__(self, key, default)
            return default
        return self[key]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def popitem(self) -> tuple[Hashable, Any]:
        key, value = super().popitem()
        self.changed.add(key)
        if type(value) is _Row:
            assert self.reader is not None
            value = self.reader.value(value.data)
        return key, value

    def clear(self) -> None:
        self.changed.update(self)
        super().clear()


class StoredStore(MemoryStore):
    """The entries of `ROOT/.cache/build.sqlite` in memory, noting what changed since they were read.

    `fresh`: nothing was loaded (no store, or one that cannot be trusted), so saving writes a new
    database instead of changing the old one. `reader` decodes the loaded rows as they are asked for,
    and its `sharing` knows the shared values read, by identity."""

    def __init__(self, spaces: dict[str, TrackedSpace] | None = None, fresh: bool = True,
                 reader: _Reader | None = None) -> None:
        super().__init__(spaces)  # type: ignore[arg-type]
        self.fresh = fresh
        self.reader = reader
        self.sharing = Sharing() if reader is None else reader.sharing

    @property
    def untrusted(self) -> bool:
        """Whether a row read so far turned out untrusted (then nothing more is read from it)."""
        return self.reader is not None and self.reader.untrusted is not None

    def space(self, name: str) -> TrackedSpace:
        found = self._spaces.get(name)
        if found is None:
            found = self._spaces[name] = TrackedSpace()
        return found  # type: ignore[return-value]

    def spaces(self) -> dict[str, TrackedSpace]:
        return self._spaces  # type: ignore[return-value]


def _connect(database: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(database, isolation_level=None, timeout=30)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def load_store(root: Path) -> StoredStore | None:
    """The store kept for `root`, or `None` when there is none, or it is of another format or code,
    or it cannot be read whole (a damaged or foreign database), or one of its keys is untrusted.
    Its values are decoded when first asked for (`TrackedSpace`)."""
    database = cache_file(root)
    if not database.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)) as connection, collector_paused():
            version = connection.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
            if version is None or version[0] != _version():
                return None
            return _read(connection)
    except Exception:  # damaged, foreign or hostile (`Untrusted`): whatever the reason, not trusted
        return None


def _read(connection: sqlite3.Connection) -> StoredStore:
    """Every row, its key decoded and its value kept as it is stored."""
    reader = _Reader(dict(connection.execute("SELECT digest, value FROM shared")))
    spaces: dict[str, TrackedSpace] = {}
    for space, key, value in connection.execute("SELECT space, key, value FROM entry"):
        found = spaces.get(space)
        if found is None:
            found = spaces[space] = TrackedSpace(reader=reader)
        dict.__setitem__(found, codec.decode(key), _Row(value))
    return StoredStore(spaces, fresh=False, reader=reader)


def discard(root: Path) -> None:
    """Remove the store kept for `root`: the next build is cold, and saves a new one."""
    for file in _files(root):
        file.unlink(missing_ok=True)


def build_with_store(root: Path, build: Callable[[DiskCache], T]) -> T:
    """`build(cache)` with the cache kept for `root`, as the command line builds.

    When a row of that store turns out untrusted on the way (`StoreUntrusted`), the build has
    stopped before writing anything; the store is removed and `build` runs again with an empty
    cache, as `--no-cache` builds, which saves a new store. The result is then what a cold build
    gives, and nothing read from the untrusted store is used."""
    cache = DiskCache.load(root)
    try:
        return build(cache)
    except StoreUntrusted:
        pass
    del cache  # what it decoded is not needed again: let it go before building anew
    discard(root)
    return build(DiskCache(root))


class DiskCache:
    """A `BuildCache` kept in `ROOT/.cache/` between runs; see the module docstring."""

    def __init__(self, root: Path, store: StoredStore | None = None) -> None:
        self.root = root
        self.store = StoredStore() if store is None else store
        self.memory = MemoryCache(self.store, templates_folder=root / CACHE_FOLDER / "templates")

    @classmethod
    def load(cls, root: Path) -> DiskCache:
        """The cache kept for `root`, or an empty one when there is none that can be trusted."""
        store = load_store(root)
        if store is None:
            return cls(root)
        try:
            return cls(root, store)
        except StoreUntrusted:  # the settings, read as the memory cache is made
            return cls(root)

    def save(self) -> None:
        """Write the entries this build changed, in one transaction: a build killed while saving
        leaves the store as it was, and a new store without its version row is not trusted."""
        store = self.store
        if store.fresh:
            discard(self.root)
            cache_file(self.root).parent.mkdir(parents=True, exist_ok=True)
        database = cache_file(self.root)
        with collector_paused(), closing(_connect(database)) as connection:
            if store.fresh:
                os.chmod(database, 0o600)
            connection.execute("BEGIN IMMEDIATE")
            try:
                if store.fresh:
                    for statement in _SCHEMA.split(";"):
                        connection.execute(statement)
                self._write(connection)
                connection.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('version', ?)", (_version(),))
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        store.fresh = False
        for space in store.spaces().values():
            space.changed = set()

    def _write(self, connection: sqlite3.Connection) -> None:
        store, memory = self.store, self.memory
        sharing = store.sharing
        fresh = store.fresh
        written: list[tuple[str, str, bytes]] = []
        removed: list[tuple[str, str]] = []
        uses: list[tuple[str, str, str]] = []
        for name, space in store.spaces().items():
            keys = list(space) if fresh else sorted(space.changed, key=codec.encode_key)
            for key in keys:
                text_key = codec.encode_key(key)
                removed.append((name, text_key))
                value = memory.persisted(name, key, space[key]) if key in space else None
                if value is None:
                    continue
                sharing.used = set()
                written.append((name, text_key, codec.encode(value, sharing)))
                uses.extend((name, text_key, digest) for digest in sorted(sharing.used))
        dropped: set[str] = set()
        if not fresh:
            for name, text_key in removed:
                dropped.update(row[0] for row in connection.execute(
                    "SELECT digest FROM uses WHERE space = ? AND key = ?", (name, text_key)))
            connection.executemany("DELETE FROM uses WHERE space = ? AND key = ?", removed)
            connection.executemany("DELETE FROM entry WHERE space = ? AND key = ?", removed)
        connection.executemany("INSERT INTO entry (space, key, value) VALUES (?, ?, ?)", written)
        connection.executemany("INSERT INTO uses (space, key, digest) VALUES (?, ?, ?)", uses)
        # Shared values first written now, and those that no entry uses any more.
        connection.executemany("INSERT OR IGNORE INTO shared (digest, value) VALUES (?, ?)", sharing.new.items())
        sharing.new = {}
        connection.executemany(
            "DELETE FROM shared WHERE digest = ? AND NOT EXISTS (SELECT 1 FROM uses WHERE uses.digest = shared.digest)",
            [(digest,) for digest in sorted(dropped)])

    def finish_build(self, sweep: bool = True) -> CacheStats:
        """As `MemoryCache.finish_build`; a successful build that changed what is kept writes the change."""
        if sweep and self.store.untrusted:
            # A row turned out untrusted and yet the build went on (something caught `StoreUntrusted`):
            # what it made is not trusted either, so it is made again cold (`build_with_store`).
            raise StoreUntrusted("a row of the store was untrusted during the build")
        stats = CacheStats(refreshed=True)
        try:
            stats = self.memory.finish_build(sweep)
            if sweep and (worth_saving(stats) or self.store.fresh):
                self.save()
        except StoreUntrusted:
            # Met only by the sweep or the save, once the output is written: every value the output was
            # made of was checked when first read, so it stands; the store holding that row does not.
            discard(self.root)
            self.store.fresh = True
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
