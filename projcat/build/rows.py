"""A `Store` kept one row per entry in an SQLite file: what the build's cache lives in.

A site of a hundred thousand records keeps gigabytes of results, and a
rebuild after one edit needs a few of them. So nothing is loaded in one
piece: each space reads an entry's row when the build first asks for its
key (and keeps it for the rest of the build), and the rows a build changed
or dropped are written in one transaction when it finishes. A build killed
meanwhile leaves the file as the last finished build left it.

The file names its format and the code that wrote it; a file written by
other code, or one that cannot be opened or read, is set aside and a new
one started, and a row that cannot be read counts as missing. A cache can
only ever be short of entries, never wrong: every kept result is checked
against its inputs when used.

Keys are any picklable hashable; a row is found by a digest of the pickled
key, so long keys (Markdown texts) cost the index nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
from collections.abc import Callable, Hashable, Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

FORMAT = 3
# A value the shrink hook returns for an entry that is not worth writing (made again quickly).
SKIP = object()

Shrink = Callable[[str, Hashable, Any], Any]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # A table with row ids: page bytes are too large a row for one without.
    "CREATE TABLE IF NOT EXISTS entries (space TEXT NOT NULL, key BLOB NOT NULL, name BLOB NOT NULL,"
    " value BLOB NOT NULL, UNIQUE (space, key))",
)
_MISSING = object()


def _key_digest(key: Hashable) -> bytes:
    return hashlib.blake2b(pickle.dumps(key, protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).digest()


class RowSpace(MutableMapping[Hashable, Any]):
    """One space of an `SqliteStore`: a mapping that reads a row the first time a key is asked for."""

    def __init__(self, store: SqliteStore, name: str) -> None:
        self._store = store
        self._name = name
        # Entries as this build sees them: read, or put, or known to be absent (_MISSING).
        self._seen: dict[Hashable, Any] = {}
        self._changed: set[Hashable] = set()

    def __getitem__(self, key: Hashable) -> Any:
        value = self._seen.get(key, _MISSING)
        if value is _MISSING and key not in self._seen:
            value = self._store.read(self._name, key)
            self._seen[key] = value
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True

    def __setitem__(self, key: Hashable, value: Any) -> None:
        self._seen[key] = value
        self._changed.add(key)

    def __delitem__(self, key: Hashable) -> None:
        self[key]  # KeyError when absent, as a mapping must
        self._seen[key] = _MISSING
        self._changed.add(key)

    def __iter__(self) -> Iterator[Hashable]:
        # Rarely wanted (tests, a whole-space look); a build goes by key.
        stored = set(self._store.names(self._name))
        present = {key for key, value in self._seen.items() if value is not _MISSING}
        gone = {key for key, value in self._seen.items() if value is _MISSING}
        return iter((stored | present) - gone)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def retain(self, keys: Iterable[Hashable]) -> int:
        """Drop every entry whose key is not among `keys`; how many were dropped."""
        keep = set(keys)
        dropped = self._store.drop_others(self._name, [_key_digest(key) for key in keep])
        for key, value in list(self._seen.items()):
            if key not in keep and value is not _MISSING:
                # Rows among them were counted above; an entry put this build and not asked for is not.
                self._seen[key] = _MISSING
                self._changed.add(key)
        return dropped

    def changes(self) -> Iterator[tuple[Hashable, Any]]:
        for key in self._changed:
            yield key, self._seen[key]

    def settle(self) -> None:
        """After a commit: what was written is now what the file holds."""
        self._changed = set()


class SqliteStore:
    """Named spaces of entries, each entry a row of one SQLite file; see the module docstring."""

    def __init__(self, path: Path, fingerprint: str, shrink: Shrink | None = None) -> None:
        self.path = path
        self._fingerprint = fingerprint
        self._shrink = shrink
        self._spaces: dict[str, RowSpace] = {}
        # Rows read from the file, by space: what a rebuild costs, for tests and profiles.
        self.rows_read: dict[str, int] = {}
        self._drops: list[tuple[str, list[bytes]]] = []
        self._db: sqlite3.Connection | None = self._open()

    def _open(self) -> sqlite3.Connection | None:
        """The file if it was written by this code, else a new one (the old one set aside)."""
        fresh = not self.path.exists()
        db = None
        try:
            db = self._connect()
            if not fresh:
                found = dict(db.execute("SELECT name, value FROM meta").fetchall())
                if found == {"format": str(FORMAT), "code": self._fingerprint}:
                    return db
                db.close()
                db = None
                self._set_aside()
            elif db is not None:
                db.close()
                db = None
            db = self._connect()
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute("DELETE FROM meta")
            db.executemany("INSERT INTO meta VALUES (?, ?)", [("format", str(FORMAT)), ("code", self._fingerprint)])
            return db
        except (sqlite3.Error, OSError):
            if db is not None:
                db.close()
            self._set_aside()
            return None

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None, timeout=0.5)
        if not self.path.exists() or self.path.stat().st_size == 0:
            os.chmod(self.path, 0o600)
        db.execute("PRAGMA synchronous = NORMAL")
        return db

    def _set_aside(self) -> None:
        """Move an unusable file out of the way: the next open starts anew, and the file can be looked at."""
        with contextlib.suppress(OSError):
            os.replace(self.path, self.path.with_name(self.path.name + ".unusable"))
        for suffix in ("-journal", "-wal", "-shm"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)

    def _broken(self) -> None:
        """A read failed mid-build: stop reading the file; the build goes on without its rows."""
        if self._db is not None:
            self._db.close()
            self._db = None
        self._set_aside()

    def space(self, name: str) -> RowSpace:
        found = self._spaces.get(name)
        if found is None:
            found = self._spaces[name] = RowSpace(self, name)
        return found

    def read(self, space: str, key: Hashable) -> Any:
        if self._db is None:
            return _MISSING
        try:
            row = self._db.execute("SELECT value FROM entries WHERE space = ? AND key = ?",
                                   (space, _key_digest(key))).fetchone()
        except sqlite3.Error:
            self._broken()
            return _MISSING
        if row is None:
            return _MISSING
        self.rows_read[space] = self.rows_read.get(space, 0) + 1
        try:
            # Local build state this tool wrote into the site's own ignored folder, never fetched or shared.
            return pickle.loads(row[0])  # noqa: S301
        except Exception:
            return _MISSING

    def names(self, space: str) -> list[Hashable]:
        if self._db is None:
            return []
        try:
            rows = self._db.execute("SELECT name FROM entries WHERE space = ?", (space,)).fetchall()
            return [pickle.loads(row[0]) for row in rows]  # noqa: S301
        except Exception:
            self._broken()
            return []

    def drop_others(self, space: str, keep: list[bytes]) -> int:
        """Mark every row of `space` whose key digest is not in `keep` to be deleted at `commit`;
        how many there are."""
        if self._db is None:
            return 0
        try:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key BLOB PRIMARY KEY) WITHOUT ROWID")
            self._db.execute("DELETE FROM temp.keep")
            self._db.executemany("INSERT OR IGNORE INTO temp.keep VALUES (?)", ((k,) for k in keep))
            (count,) = self._db.execute(
                "SELECT COUNT(*) FROM entries WHERE space = ? AND key NOT IN (SELECT key FROM temp.keep)",
                (space,)).fetchone()
        except sqlite3.Error:
            self._broken()
            return 0
        if count:
            self._drops.append((space, keep))
        return int(count)

    def commit(self) -> None:
        """Write every entry changed since the last commit, and the drops, in one transaction."""
        if self._db is None:
            # Set aside earlier in this build: start a new file with what this build knows.
            self._db = self._open()
            if self._db is None:
                return
            for space in self._spaces.values():
                space._changed |= {key for key, value in space._seen.items() if value is not _MISSING}
        writes: list[tuple[str, bytes, bytes, bytes]] = []
        deletes: list[tuple[str, bytes]] = []
        for name, space in self._spaces.items():
            for key, value in space.changes():
                digest = _key_digest(key)
                kept = value
                if value is _MISSING:
                    kept = SKIP
                elif self._shrink is not None:
                    kept = self._shrink(name, key, value)
                if kept is SKIP:
                    deletes.append((name, digest))
                else:
                    writes.append((name, digest, pickle.dumps(key, protocol=pickle.HIGHEST_PROTOCOL),
                                   pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)))
        if not writes and not deletes and not self._drops:
            return
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            for name, keep in self._drops:
                db.execute("DELETE FROM temp.keep")
                db.executemany("INSERT OR IGNORE INTO temp.keep VALUES (?)", ((k,) for k in keep))
                db.execute("DELETE FROM entries WHERE space = ? AND key NOT IN (SELECT key FROM temp.keep)", (name,))
            db.executemany("DELETE FROM entries WHERE space = ? AND key = ?", deletes)
            db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", writes)
            db.execute("COMMIT")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            self._broken()
            return
        self._drops = []
        for space in self._spaces.values():
            space.settle()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
